// Hybrid workshops: two pools of seats (in person, online), each with its own capacity and
// waitlist, and each place (the room, the link) only for the confirmed people of its pool.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { registrations, workshops } from "../src/db/schema";
import {
  ADMIN,
  call,
  db,
  form,
  json,
  latestEmail,
  ownerCookie,
  tokenFromEmail,
  tokensFromEmails,
  uniqueEmail,
} from "./support/helpers";
import { openedRegistrations } from "./support/vault";
import { addPerson, createWorkshop } from "./support/workshops";

const ONLINE_URL = "https://meet.example.org/room-7f3k";
const VENUE = { name: "Hall B", address: "12 Example Street", city: "Istanbul" };

const hybrid = (overrides: Record<string, unknown> = {}) =>
  createWorkshop({
    attendance: "hybrid",
    capacity: 10,
    onlineCapacity: 7,
    venue: VENUE,
    onlineUrl: ONLINE_URL,
    locationPrivate: true,
    ...overrides,
  });

const register = (slug: string, body: Record<string, unknown>) =>
  json(`/api/v1/public/workshops/${slug}/registrations`, "POST", body);

const workshopRow = async (id: string) =>
  (await db().query.workshops.findFirst({ where: eq(workshops.id, id) }))!;

const rowsOf = (workshopId: string) =>
  db().select().from(registrations).where(eq(registrations.workshopId, workshopId));

/** Registers `n` people of one pool; returns their verification tokens. */
async function registerMany(slug: string, mode: "in_person" | "online", n: number) {
  const addresses: string[] = [];
  for (let i = 0; i < n; i++) {
    const email = uniqueEmail(mode);
    const res = await register(slug, { name: `${mode} ${i}`, email, mode });
    expect(res.status, await res.clone().text()).toBe(202);
    addresses.push(email);
  }
  const tokens = await tokensFromEmails(addresses, "workshop:verify");
  return addresses.map((email, i) => ({ email, token: tokens[i]!, mode }));
}

const verify = (token: string) =>
  call(`/api/v1/public/registrations/${token}/verify`, { method: "POST" });

describe("hybrid seats under concurrency", () => {
  it("200 concurrent verifications per pool fill each pool exactly, with its own waitlist", async () => {
    const workshop = await hybrid();
    const people = [
      ...(await registerMany(workshop.slug, "in_person", 200)),
      ...(await registerMany(workshop.slug, "online", 200)),
    ];
    // Both pools' races at once, interleaved.
    const answers = await Promise.all(people.map((p) => verify(p.token)));
    expect(answers.filter((r) => r.status >= 500)).toHaveLength(0);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { status: string }[];
    const confirmed = (mode: string) =>
      bodies.filter((b, i) => people[i]!.mode === mode && b.status === "confirmed").length;
    expect(confirmed("in_person")).toBe(10);
    expect(confirmed("online")).toBe(7);

    const rows = await rowsOf(workshop.id);
    for (const [mode, seats] of [
      ["in_person", 10],
      ["online", 7],
    ] as const) {
      const pool = rows.filter((r) => r.mode === mode);
      expect(pool.filter((r) => r.status === "confirmed")).toHaveLength(seats);
      const positions = pool
        .filter((r) => r.status === "waitlisted")
        .map((r) => r.waitlistPosition);
      // Each pool numbers its own line: 1 … n, no gaps, no repeats.
      expect(new Set(positions).size).toBe(200 - seats);
      expect(Math.min(...(positions as number[]))).toBe(1);
      expect(Math.max(...(positions as number[]))).toBe(200 - seats);
    }
    const row = await workshopRow(workshop.id);
    expect(row.confirmedCount).toBe(10);
    expect(row.onlineConfirmedCount).toBe(7);
  });

  it("a seat freed in one pool goes to the first in that pool's line, never the other's", async () => {
    const workshop = await hybrid({ capacity: 2, onlineCapacity: 2 });
    const inPerson = await registerMany(workshop.slug, "in_person", 4);
    const online = await registerMany(workshop.slug, "online", 4);
    for (const p of [...inPerson, ...online]) await verify(p.token);

    // Both online seat holders cancel at once, while the in-person line re-verifies.
    const manage = await Promise.all(
      online.slice(0, 2).map((p) => tokenFromEmail(p.email, "workshop:confirmed")),
    );
    const results = await Promise.all([
      ...manage.map((t) => call(`/api/v1/public/registrations/${t}/cancel`, { method: "POST" })),
      ...inPerson.slice(2).map((p) => verify(p.token)),
    ]);
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);

    const rows = await openedRegistrations(workshop.id);
    const seated = (mode: string) =>
      rows.filter((r) => r.mode === mode && r.status === "confirmed").map((r) => r.name);
    expect(seated("online").sort()).toEqual(["online 2", "online 3"]);
    expect(seated("in_person").sort()).toEqual(["in_person 0", "in_person 1"]);
    const row = await workshopRow(workshop.id);
    expect([row.confirmedCount, row.onlineConfirmedCount]).toEqual([2, 2]);
  });
});

describe("choosing and assigning a mode", () => {
  it("a hybrid workshop asks for a mode; other workshops ignore one", async () => {
    const workshop = await hybrid();
    const missing = await register(workshop.slug, { name: "No Mode", email: uniqueEmail() });
    expect(missing.status).toBe(422);
    const problem = (await missing.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toContain("mode");
    expect(await rowsOf(workshop.id)).toHaveLength(0);

    const plain = await createWorkshop({ requireVerification: false });
    const res = await register(plain.slug, { name: "Plain", email: uniqueEmail(), mode: "online" });
    expect(res.status).toBe(201);
    const [row] = await rowsOf(plain.id);
    expect(row!.mode).toBeNull();
  });

  it("a full pool without a waitlist refuses, the other still takes people", async () => {
    const workshop = await hybrid({
      onlineCapacity: 1,
      waitlist: false,
      requireVerification: false,
    });
    const first = await register(workshop.slug, {
      name: "First",
      email: uniqueEmail(),
      mode: "online",
    });
    expect(((await first.json()) as { status: string }).status).toBe("confirmed");
    const second = await register(workshop.slug, {
      name: "Second",
      email: uniqueEmail(),
      mode: "online",
    });
    expect(second.status).toBe(409);
    const inPerson = await register(workshop.slug, {
      name: "Room",
      email: uniqueEmail(),
      mode: "in_person",
    });
    expect(((await inPerson.json()) as { status: string }).status).toBe("confirmed");
  });

  it("the public form asks how one takes part, in English and Arabic, and explains a missing choice", async () => {
    const workshop = await hybrid();
    for (const lang of ["en", "ar"] as const) {
      const page = await (await call(`/workshops/${workshop.slug}?lang=${lang}`)).text();
      expect(page).toContain('name="mode"');
      expect(page).toContain(lang === "en" ? "How will you take part?" : "طريقة المشاركة");
      // The link is for confirmed online participants only: never on the public page.
      expect(page).not.toContain(ONLINE_URL);
    }
    const res = await form(`/workshops/${workshop.slug}/register?lang=ar`, {
      name: "بلا اختيار",
      email: uniqueEmail(),
      language: "ar",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("يُرجى اختيار طريقة المشاركة");
    expect(await rowsOf(workshop.id)).toHaveLength(0);
  });

  it("an organiser moves people between pools, seats permitting, and the line moves up", async () => {
    const workshop = await hybrid({ capacity: 1, onlineCapacity: 1 });
    const inPerson = await addPerson(workshop.id, { mode: "in_person" });
    const waiting = await addPerson(workshop.id, { mode: "in_person" });
    const online = await addPerson(workshop.id, { mode: "online" });
    expect([inPerson.status, waiting.status, online.status]).toEqual([
      "confirmed",
      "waitlisted",
      "confirmed",
    ]);
    // No online seat free: refused, nothing changes.
    const refused = await json(
      `/api/v1/registrations/${inPerson.id}`,
      "PATCH",
      { mode: "online" },
      ADMIN,
    );
    expect(refused.status).toBe(409);
    expect((await workshopRow(workshop.id)).confirmedCount).toBe(1);

    // The online participant moves to the room? The room is full too: refused.
    expect(
      (await json(`/api/v1/registrations/${online.id}`, "PATCH", { mode: "in_person" }, ADMIN))
        .status,
    ).toBe(409);

    // Raise the online seats, then move the in-person one online: their room seat goes to
    // the first in the room's line.
    expect(
      (await json(`/api/v1/workshops/${workshop.id}`, "PATCH", { onlineCapacity: 2 }, ADMIN))
        .status,
    ).toBe(200);
    const moved = await json(
      `/api/v1/registrations/${inPerson.id}`,
      "PATCH",
      { mode: "online" },
      ADMIN,
    );
    expect(moved.status, await moved.clone().text()).toBe(200);
    expect(((await moved.json()) as { mode: string; status: string }).mode).toBe("online");
    const rows = await rowsOf(workshop.id);
    expect(rows.find((r) => r.id === waiting.id)!.status).toBe("confirmed");
    const row = await workshopRow(workshop.id);
    expect([row.confirmedCount, row.onlineConfirmedCount]).toEqual([1, 2]);
    // Told where they now take part: a new confirmation with the link, not the room.
    const email = await latestEmail(inPerson.email, "workshop:confirmed");
    expect(email!.text).toContain(ONLINE_URL);
    expect(email!.text).not.toContain("12 Example Street");
  });

  it("a waitlisted person moved to the other pool joins the end of its line", async () => {
    const workshop = await hybrid({ capacity: 1, onlineCapacity: 1 });
    await addPerson(workshop.id, { mode: "in_person" });
    await addPerson(workshop.id, { mode: "online" });
    const onlineWaiting = await addPerson(workshop.id, { mode: "online" });
    const roomWaiting = await addPerson(workshop.id, { mode: "in_person" });
    const res = await json(
      `/api/v1/registrations/${roomWaiting.id}`,
      "PATCH",
      { mode: "online" },
      ADMIN,
    );
    expect(res.status).toBe(200);
    const rows = await rowsOf(workshop.id);
    const position = (id: string) => rows.find((r) => r.id === id)!.waitlistPosition;
    expect(position(onlineWaiting.id)).toBe(1);
    expect(position(roomWaiting.id)).toBe(2);
    expect(rows.find((r) => r.id === roomWaiting.id)!.status).toBe("waitlisted");
  });

  it("a waitlisted person moved into a free seat is told once; a move and a decision together are refused", async () => {
    const workshop = await hybrid({ capacity: 1, onlineCapacity: 1 });
    await addPerson(workshop.id, { mode: "in_person" });
    const waiting = await addPerson(workshop.id, { mode: "in_person" });
    expect(waiting.status).toBe("waitlisted");
    const both = await json(
      `/api/v1/registrations/${waiting.id}`,
      "PATCH",
      { mode: "online", status: "rejected" },
      ADMIN,
    );
    expect(both.status).toBe(422);
    expect((await rowsOf(workshop.id)).find((r) => r.id === waiting.id)!.mode).toBe("in_person");
    const moved = await json(
      `/api/v1/registrations/${waiting.id}`,
      "PATCH",
      { mode: "online" },
      ADMIN,
    );
    expect(((await moved.json()) as { status: string }).status).toBe("confirmed");
    const { workshopEmailsTo } = await import("./support/vault");
    const kinds = (await workshopEmailsTo(workshop.id, waiting.email)).map((e) => e.kind).sort();
    expect(kinds).toEqual(["workshop:promoted", "workshop:waitlisted"]);
  });

  it("the online capacity cannot drop below its seats, and a hybrid workshop with online people stays hybrid", async () => {
    const workshop = await hybrid({ onlineCapacity: 3 });
    await addPerson(workshop.id, { mode: "online" });
    await addPerson(workshop.id, { mode: "online" });
    const lower = await json(
      `/api/v1/workshops/${workshop.id}`,
      "PATCH",
      { onlineCapacity: 1 },
      ADMIN,
    );
    expect(lower.status).toBe(409);
    expect((await workshopRow(workshop.id)).onlineCapacity).toBe(3);
    const leave = await json(
      `/api/v1/workshops/${workshop.id}`,
      "PATCH",
      { attendance: "in_person" },
      ADMIN,
    );
    expect(leave.status).toBe(409);
    expect((await workshopRow(workshop.id)).attendance).toBe("hybrid");
  });

  it("an online workshop with people registered does not become hybrid", async () => {
    const online = await createWorkshop({ venue: null, onlineUrl: ONLINE_URL });
    expect((await workshopRow(online.id)).attendance).toBe("online");
    await addPerson(online.id);
    const res = await json(
      `/api/v1/workshops/${online.id}`,
      "PATCH",
      { attendance: "hybrid", onlineCapacity: 20 },
      ADMIN,
    );
    expect(res.status).toBe(409);
    expect((await workshopRow(online.id)).attendance).toBe("online");
  });

  it("a registration racing a workshop that stops being hybrid lands in its one pool", async () => {
    const workshop = await hybrid({ capacity: 1, onlineCapacity: null });
    expect(
      (await json(`/api/v1/workshops/${workshop.id}`, "PATCH", { attendance: "in_person" }, ADMIN))
        .status,
    ).toBe(200);
    const first = await addPerson(workshop.id);
    const second = await addPerson(workshop.id);
    expect([first.status, second.status]).toEqual(["confirmed", "waitlisted"]);
    // As a registration that read the workshop while it was hybrid would be stored.
    await db().update(registrations).set({ mode: "online" }).where(eq(registrations.id, second.id));
    // A capacity change gives free seats away: there is none in the one pool, and an
    // online-marked row does not find an (unlimited) online pool there.
    expect(
      (await json(`/api/v1/workshops/${workshop.id}`, "PATCH", { capacity: 1 }, ADMIN)).status,
    ).toBe(200);
    const rows = await rowsOf(workshop.id);
    expect(rows.find((r) => r.id === second.id)!.status).toBe("waitlisted");
    const row = await workshopRow(workshop.id);
    expect([row.confirmedCount, row.onlineConfirmedCount]).toEqual([1, 0]);
  });
});

describe("each place only for its pool", () => {
  it("the online link only to confirmed online participants, the private room only to confirmed in-person ones", async () => {
    const workshop = await hybrid({ requireVerification: false });
    const room = uniqueEmail("room");
    const remote = uniqueEmail("remote");
    for (const [email, mode] of [
      [room, "in_person"],
      [remote, "online"],
    ] as const)
      expect((await register(workshop.slug, { name: mode, email, mode })).status).toBe(201);

    const roomMail = (await latestEmail(room, "workshop:confirmed"))!;
    const remoteMail = (await latestEmail(remote, "workshop:confirmed"))!;
    expect(roomMail.text).toContain("12 Example Street");
    expect(roomMail.text).not.toContain(ONLINE_URL);
    expect(remoteMail.text).toContain(ONLINE_URL);
    expect(remoteMail.text).not.toContain("12 Example Street");
    // The calendar files follow the same rule.
    const ics = (mail: typeof roomMail) =>
      atob(
        (mail.attachments as { content: string; filename: string }[]).find((a) =>
          a.filename.endsWith(".ics"),
        )!.content,
      );
    expect(ics(roomMail)).toContain("12 Example Street");
    expect(ics(roomMail)).not.toContain("meet.example.org");
    expect(ics(remoteMail)).toContain("meet.example.org");
    expect(ics(remoteMail)).not.toContain("12 Example Street");

    // Their pages and the participant API say the same.
    for (const [email, sees, never] of [
      [room, "12 Example Street", ONLINE_URL],
      [remote, ONLINE_URL, "12 Example Street"],
    ] as const) {
      const token = await tokenFromEmail(email, "workshop:confirmed");
      const page = await (await call(`/r/${token}`)).text();
      expect(page).toContain(sees);
      expect(page).not.toContain(never);
      const api = await (await call(`/api/v1/public/registrations/${token}`)).text();
      expect(api).not.toContain(never);
      const calendar = await (await call(`/r/${token}/calendar.ics`)).text();
      expect(calendar).not.toContain(never.replace("https://", ""));
    }
  });

  it("a waitlisted online registrant does not get the link", async () => {
    const workshop = await hybrid({ onlineCapacity: 1, locationPrivate: false });
    await addPerson(workshop.id, { mode: "online" });
    const waiting = await addPerson(workshop.id, { mode: "online" });
    expect(waiting.status).toBe("waitlisted");
    const mail = (await latestEmail(waiting.email, "workshop:waitlisted"))!;
    expect(mail.text).not.toContain(ONLINE_URL);
    // A public venue stays public for everyone, but the link never is.
    const page = await (await call(`/workshops/${workshop.slug}`)).text();
    expect(page).toContain("12 Example Street");
    expect(page).not.toContain(ONLINE_URL);
  });

  it("the door list and its counter are the room's people only", async () => {
    const workshop = await hybrid();
    await addPerson(workshop.id, { name: "Room Person", mode: "in_person" });
    await addPerson(workshop.id, { name: "Screen Person", mode: "online" });
    const cookie = await ownerCookie();
    const list = await (
      await call(`/admin/workshops/${workshop.id}/print/list`, { headers: { cookie } })
    ).text();
    expect(list).toContain("Room Person");
    expect(list).not.toContain("Screen Person");
    const admin = await (
      await call(`/admin/workshops/${workshop.id}`, { headers: { cookie } })
    ).text();
    expect(admin).toContain("1 / 10 in person · 1 / 7 online");
  });
});

describe("feedback in a hybrid workshop", () => {
  it("asks the confirmed online participants, who never pass the door, with the room's checked-in", async () => {
    const { runCron } = await import("./support/cron");
    const workshop = await hybrid();
    const room = await addPerson(workshop.id, { name: "Room", mode: "in_person" });
    const absent = await addPerson(workshop.id, { name: "Absent", mode: "in_person" });
    const remote = await addPerson(workshop.id, { name: "Remote", mode: "online" });
    expect(
      (await json(`/api/v1/registrations/${room.id}`, "PATCH", { status: "attended" }, ADMIN))
        .status,
    ).toBe(200);
    expect(
      (await json(`/api/v1/workshops/${workshop.id}/feedback`, "PUT", { enabled: true }, ADMIN))
        .status,
    ).toBe(200);
    const row = await workshopRow(workshop.id);
    await runCron("*/5 * * * *", row.endsAt.getTime() + 3_600_000);
    const asked = async (email: string) => Boolean(await latestEmail(email, "workshop:feedback"));
    expect(await asked(room.email)).toBe(true);
    expect(await asked(remote.email)).toBe(true);
    expect(await asked(absent.email)).toBe(false);
  });
});
