// The agenda: sessions within a workshop and their speakers and moderators. Created, edited,
// validated and deleted through the API and the admin form; the room follows the venue's
// privacy and a name shows outside the organisers' pages only with that person's consent, on
// the public page, the participant's page, the calendar file; erasure and the purge take
// people off it; a change purges the cached public page.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, sessionPeople, workshopSessions } from "../src/db/schema";
import { app } from "./support/app";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  form,
  json,
  ORIGIN,
  organiserWithRole,
  ownerCookie,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { createWorkshop } from "./support/workshops";

const HOUR = 3600_000;
let cookie: string;
beforeAll(async () => {
  cookie = await ownerCookie();
});

interface Session {
  id: string;
  startsAt: string;
  endsAt: string;
  title: Record<string, string>;
  room: string | null;
  people: {
    id: string;
    role: string;
    name: string;
    registrationId: string | null;
    publicConsent: boolean;
    consentAt: string | null;
  }[];
}

async function workshopRead(id: string) {
  const res = await json(`/api/v1/workshops/${id}`, "GET", undefined, ADMIN);
  return (await res.json()) as { startsAt: string; endsAt: string };
}

/** A published workshop (public venue unless told), no verification: registering confirms. */
async function workshopWithTimes(extra: Record<string, unknown> = {}) {
  const w = await createWorkshop({ requireVerification: false, ...extra });
  const { startsAt } = await workshopRead(w.id);
  const at = (hours: number) => new Date(Date.parse(startsAt) + hours * HOUR).toISOString();
  return { ...w, at };
}

async function participant(slug: string, name: string, affiliation = "Example Institute") {
  const email = uniqueEmail("agenda");
  const res = await json(`/api/v1/public/workshops/${slug}/registrations`, "POST", {
    name,
    email,
    affiliation,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { status } = (await res.json()) as { status: string };
  const kind = status === "waitlisted" ? "workshop:waitlisted" : "workshop:confirmed";
  const token = await tokenFromEmail(email, kind);
  const me = (await (
    await json(`/api/v1/public/registrations/${token}`, "GET", undefined, {})
  ).json()) as {
    status: string;
  };
  const rows = (await (
    await json(
      `/api/v1/workshops/${(await db().query.workshops.findFirst({ where: (t, { eq }) => eq(t.slug, slug) }))!.id}/registrations`,
      "GET",
      undefined,
      ADMIN,
    )
  ).json()) as { data: { id: string; email: string }[] };
  const id = rows.data.find((r) => r.email === email)!.id;
  return { email, token, id, status: me.status };
}

const createSession = (
  workshopId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = ADMIN,
) => json(`/api/v1/workshops/${workshopId}/sessions`, "POST", body, headers);

async function session(workshopId: string, body: Record<string, unknown>): Promise<Session> {
  const res = await createSession(workshopId, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Session;
}

const publicPage = async (slug: string, lang = "en") =>
  (await call(`/workshops/${slug}?lang=${lang}`)).text();

describe("sessions through the API", () => {
  it("creates, reads, edits and deletes a session, each change audited", async () => {
    const w = await workshopWithTimes();
    const s = await session(w.id, {
      title: { en: "Opening panel", ar: "الجلسة الافتتاحية" },
      description: { en: "Where the region stands." },
      room: "Room 2",
      startsAt: w.at(1),
      endsAt: w.at(2),
    });
    expect(s).toMatchObject({ title: { en: "Opening panel" }, room: "Room 2", people: [] });
    const list = await json(`/api/v1/workshops/${w.id}/sessions`, "GET", undefined, ADMIN);
    expect(((await list.json()) as { data: Session[] }).data.map((x) => x.id)).toEqual([s.id]);

    const patched = await json(
      `/api/v1/workshops/${w.id}/sessions/${s.id}`,
      "PATCH",
      { room: "Room 3", endsAt: w.at(2.5) },
      ADMIN,
    );
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ room: "Room 3", endsAt: w.at(2.5) });

    const gone = await json(`/api/v1/workshops/${w.id}/sessions/${s.id}`, "DELETE", {}, ADMIN);
    expect(gone.status).toBe(204);
    const again = await json(`/api/v1/workshops/${w.id}/sessions/${s.id}`, "GET", undefined, ADMIN);
    expect(again.status).toBe(404);

    const actions = (await db().select().from(auditLog).where(eq(auditLog.workshopId, w.id))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        "workshop.session.create",
        "workshop.session.update",
        "workshop.session.delete",
      ]),
    );
  });

  it("refuses a session that ends before it starts or lies outside the workshop, with problem JSON", async () => {
    const w = await workshopWithTimes();
    const title = { en: "Session" };
    const backwards = await createSession(w.id, { title, startsAt: w.at(2), endsAt: w.at(1) });
    expect(backwards.status).toBe(422);
    expect(backwards.headers.get("content-type")).toContain("application/problem+json");
    expect(((await backwards.json()) as { errors: { path: string }[] }).errors).toEqual([
      expect.objectContaining({ path: "endsAt" }),
    ]);
    const before = await createSession(w.id, { title, startsAt: w.at(-1), endsAt: w.at(1) });
    expect(before.status).toBe(422);
    expect(JSON.stringify(await before.json())).toContain("within the workshop");
    const after = await createSession(w.id, { title, startsAt: w.at(5), endsAt: w.at(7) });
    expect(after.status).toBe(422);
    const untitled = await createSession(w.id, {
      title: { en: " " },
      startsAt: w.at(1),
      endsAt: w.at(2),
    });
    expect(untitled.status).toBe(422);
    expect(((await untitled.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe(
      "title",
    );
    const noOffset = await createSession(w.id, {
      title,
      startsAt: "2030-01-01T10:00",
      endsAt: w.at(2),
    });
    expect(noOffset.status).toBe(422);
    expect(
      await db().select().from(workshopSessions).where(eq(workshopSessions.workshopId, w.id)),
    ).toHaveLength(0);
  });

  it("answers 401 to anyone signed out and 404 to an organiser not on the team", async () => {
    const w = await workshopWithTimes();
    const s = await session(w.id, { title: { en: "Closed" }, startsAt: w.at(1), endsAt: w.at(2) });
    const anonymous = await json(`/api/v1/workshops/${w.id}/sessions`, "GET", undefined, {});
    expect(anonymous.status).toBe(401);
    const outsider = await organiserWithRole("organiser");
    const auth = {
      Cookie: await cookieFor(outsider.id),
      Origin: ORIGIN,
      "Sec-Fetch-Site": "same-origin",
    };
    expect((await json(`/api/v1/workshops/${w.id}/sessions`, "GET", undefined, auth)).status).toBe(
      404,
    );
    expect(
      (await json(`/api/v1/workshops/${w.id}/sessions/${s.id}`, "DELETE", {}, auth)).status,
    ).toBe(404);
    const door = await organiserWithRole("door");
    const doorAuth = { ...auth, Cookie: await cookieFor(door.id) };
    const byDoor = await createSession(
      w.id,
      { title: { en: "x" }, startsAt: w.at(1), endsAt: w.at(2) },
      doorAuth,
    );
    expect([403, 404]).toContain(byDoor.status);
  });

  it("takes speakers only from the workshop's confirmed participants, or by hand", async () => {
    const w = await workshopWithTimes({ capacity: 1 });
    const seated = await participant(w.slug, "Seated Speaker");
    const waiting = await participant(w.slug, "Waiting Person");
    expect(waiting.status).toBe("waitlisted");
    const other = await workshopWithTimes();
    const stranger = await participant(other.slug, "Someone Elsewhere");
    for (const registrationId of [waiting.id, stranger.id, "reg_nope"]) {
      const res = await createSession(w.id, {
        title: { en: "Panel" },
        startsAt: w.at(1),
        endsAt: w.at(2),
        people: [{ role: "speaker", registrationId }],
      });
      expect(res.status).toBe(422);
      expect(JSON.stringify(await res.json())).toContain("people.0.registrationId");
    }
    const both = await createSession(w.id, {
      title: { en: "Panel" },
      startsAt: w.at(1),
      endsAt: w.at(2),
      people: [{ role: "speaker", registrationId: seated.id, name: "Typed Too" }],
    });
    expect(both.status).toBe(422);
    const s = await session(w.id, {
      title: { en: "Panel" },
      startsAt: w.at(1),
      endsAt: w.at(2),
      people: [
        { role: "speaker", registrationId: seated.id },
        { role: "moderator", name: "Hand Moderator", affiliation: "A Think Tank" },
      ],
    });
    expect(s.people.map((p) => [p.role, p.name])).toEqual([
      ["speaker", "Seated Speaker"],
      ["moderator", "Hand Moderator"],
    ]);
  });
});

describe("who sees rooms and names", () => {
  async function panel(extra: Record<string, unknown> = {}) {
    const w = await workshopWithTimes(extra);
    const agreed = await participant(w.slug, "Agreed Participant");
    const s = await session(w.id, {
      title: { en: "Energy panel", ar: "ندوة الطاقة" },
      description: { en: "Grids across borders." },
      room: "Cedar Room",
      startsAt: w.at(1),
      endsAt: w.at(2.5),
      people: [
        { role: "speaker", registrationId: agreed.id, publicConsent: true },
        { role: "speaker", name: "Hidden Speaker", affiliation: "Secret Ministry" },
        { role: "moderator", name: "Public Moderator", publicConsent: true },
      ],
    });
    return { w, agreed, s };
  }

  it("shows the public page the agenda, names only with consent, in English and Arabic", async () => {
    const { w } = await panel();
    const en = await publicPage(w.slug);
    expect(en).toContain("Agenda");
    expect(en).toContain("Energy panel");
    expect(en).toContain("Grids across borders.");
    expect(en).toContain("Cedar Room");
    expect(en).toContain("Agreed Participant");
    expect(en).toContain("Public Moderator");
    expect(en).not.toContain("Hidden Speaker");
    expect(en).not.toContain("Secret Ministry");
    expect(en).toMatch(
      /Speakers: <\/span><bdi>Agreed Participant, Example Institute<\/bdi>, <span>Speaker<\/span>/,
    );
    const ar = await publicPage(w.slug, "ar");
    expect(ar).toContain("البرنامج");
    expect(ar).toContain("ندوة الطاقة");
    expect(ar).toContain("متحدث");
    expect(ar).not.toContain("Hidden Speaker");
    // The description has no Arabic: the English one, marked as English.
    expect(ar).toContain('lang="en"');
    expect(ar).toContain("Grids across borders.");
  });

  it("keeps the room of a private venue from the public and anyone without a seat", async () => {
    const { w, agreed } = await panel({ capacity: 1, locationPrivate: true });
    expect(await publicPage(w.slug)).not.toContain("Cedar Room");
    const seatedPage = await (await call(`/r/${agreed.token}?lang=en`)).text();
    expect(seatedPage).toContain("Cedar Room");
    expect(seatedPage).toContain("Energy panel");
    expect(seatedPage).not.toContain("Hidden Speaker");
    const waiting = await participant(w.slug, "Waiting Reader");
    expect(waiting.status).toBe("waitlisted");
    const waitingPage = await (await call(`/r/${waiting.token}?lang=en`)).text();
    expect(waitingPage).toContain("Energy panel");
    expect(waitingPage).not.toContain("Cedar Room");
  });

  it("puts the agenda in the calendar file by the same rules", async () => {
    const { w, agreed } = await panel({ capacity: 1, locationPrivate: true });
    const ics = await (await call(`/r/${agreed.token}/calendar.ics`)).text();
    const unfolded = ics.replace(/\r\n[ \t]/g, "");
    expect(unfolded).toContain("Agenda:");
    expect(unfolded).toContain("Energy panel");
    expect(unfolded).toContain("Cedar Room");
    expect(unfolded).toContain("Agreed Participant");
    expect(unfolded).not.toContain("Hidden Speaker");
    expect(unfolded).not.toContain("Secret Ministry");
    const waiting = await participant(w.slug, "Waiting Reader");
    const theirs = (await (await call(`/r/${waiting.token}/calendar.ics`)).text()).replace(
      /\r\n[ \t]/g,
      "",
    );
    expect(theirs).toContain("Energy panel");
    expect(theirs).not.toContain("Cedar Room");
  });

  it("seals hand-entered names and shows them to organisers only", async () => {
    const { w, s } = await panel();
    const rows = await db().select().from(sessionPeople).where(eq(sessionPeople.sessionId, s.id));
    const typed = rows.filter((r) => !r.registrationId);
    expect(typed).toHaveLength(2);
    for (const r of typed) {
      expect(r.name).not.toContain("Hidden");
      expect(r.name).not.toContain("Public Moderator");
      expect(r.affiliation ?? "").not.toContain("Secret");
    }
    const admin = await (
      await call(`/admin/workshops/${w.id}`, { headers: { Cookie: cookie } })
    ).text();
    expect(admin).toContain("Hidden Speaker");
    expect(admin).toContain("not public");
  });

  it("shows a name once consent is recorded, purging the cached page, and hides it when withdrawn", async () => {
    const { w, s } = await panel();
    const hidden = s.people.find((p) => p.name === "Hidden Speaker")!;
    const view = async () => {
      const res = await app.request(
        `/workshops/${w.slug}?lang=en`,
        {},
        env,
        createExecutionContext(),
      );
      return { cache: res.headers.get("x-page-cache"), html: await res.text() };
    };
    await view();
    expect((await view()).cache).toBe("hit");
    const path = `/api/v1/workshops/${w.id}/sessions/${s.id}/people/${hidden.id}`;
    const agreed = await json(path, "PATCH", { publicConsent: true }, ADMIN);
    expect(agreed.status).toBe(200);
    const person = ((await agreed.json()) as Session).people.find((p) => p.id === hidden.id)!;
    expect(person.publicConsent).toBe(true);
    expect(person.consentAt).not.toBeNull();
    const shown = await view();
    expect(shown.cache).toBe("miss");
    expect(shown.html).toContain("Hidden Speaker");
    expect(shown.html).toContain("Secret Ministry");

    await view();
    expect((await json(path, "PATCH", { publicConsent: false }, ADMIN)).status).toBe(200);
    const withdrawn = await view();
    expect(withdrawn.cache).toBe("miss");
    expect(withdrawn.html).not.toContain("Hidden Speaker");

    await view();
    const moved = await json(
      `/api/v1/workshops/${w.id}/sessions/${s.id}`,
      "PATCH",
      { title: { en: "Renamed panel" } },
      ADMIN,
    );
    expect(moved.status).toBe(200);
    const renamed = await view();
    expect(renamed.cache).toBe("miss");
    expect(renamed.html).toContain("Renamed panel");
  });
});

describe("erasure and the purge", () => {
  it("takes an erased participant off the agenda", async () => {
    const w = await workshopWithTimes();
    const speaker = await participant(w.slug, "Erasable Speaker");
    const s = await session(w.id, {
      title: { en: "Roundtable" },
      startsAt: w.at(1),
      endsAt: w.at(2),
      people: [{ role: "speaker", registrationId: speaker.id, publicConsent: true }],
    });
    expect(await publicPage(w.slug)).toContain("Erasable Speaker");
    const erased = await call(`/r/${speaker.token}/erase`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "confirm=yes",
    });
    expect(erased.status).toBe(200);
    expect(
      await db().select().from(sessionPeople).where(eq(sessionPeople.sessionId, s.id)),
    ).toHaveLength(0);
    expect(await publicPage(w.slug)).not.toContain("Erasable Speaker");
  });

  it("an owner's erasure of the address does the same", async () => {
    const w = await workshopWithTimes();
    const speaker = await participant(w.slug, "Owner Erased");
    const s = await session(w.id, {
      title: { en: "Roundtable" },
      startsAt: w.at(1),
      endsAt: w.at(2),
      people: [{ role: "moderator", registrationId: speaker.id }],
    });
    const res = await json(
      `/api/v1/people?email=${encodeURIComponent(speaker.email)}`,
      "DELETE",
      {},
      ADMIN,
    );
    expect(res.status).toBe(200);
    expect(
      await db().select().from(sessionPeople).where(eq(sessionPeople.sessionId, s.id)),
    ).toHaveLength(0);
  });

  it("destroying the workshop's key removes every speaker and moderator, the sessions stay", async () => {
    const w = await workshopWithTimes();
    const s = await session(w.id, {
      title: { en: "Kept session" },
      startsAt: w.at(1),
      endsAt: w.at(2),
      people: [{ role: "speaker", name: "Typed Name", publicConsent: true }],
    });
    const res = await json(
      `/api/v1/workshops/${w.id}/key/destroy`,
      "POST",
      { slug: w.slug, irreversible: true },
      ADMIN,
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect(
      await db().select().from(sessionPeople).where(eq(sessionPeople.workshopId, w.id)),
    ).toHaveLength(0);
    const page = await publicPage(w.slug);
    expect(page).toContain("Kept session");
    expect(page).not.toContain("Typed Name");
    // No name can be typed in any more: there is no key to seal it with.
    const typed = await json(
      `/api/v1/workshops/${w.id}/sessions/${s.id}/people`,
      "POST",
      { role: "speaker", name: "Too Late" },
      ADMIN,
    );
    expect(typed.status).toBe(409);
  });
});

describe("the admin form", () => {
  it("adds a session in the workshop's time zone, explains errors by field, adds people and deletes", async () => {
    const w = await workshopWithTimes();
    const { startsAt } = await workshopRead(w.id);
    const local = (hours: number) =>
      new Date(Date.parse(startsAt) + hours * HOUR + 3 * HOUR).toISOString().slice(0, 16);
    const base = `/admin/workshops/${w.id}/sessions`;
    const newPage = await call(`${base}/new`, { headers: { Cookie: cookie } });
    expect(newPage.status).toBe(200);
    expect(await newPage.text()).toContain('dir="auto"');

    const bad = await form(
      base,
      { title_en: "", title_ar: "", startsAt: local(2), endsAt: local(1), room: "" },
      cookie,
    );
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Give the session a title");
    expect(badHtml).toContain('id="f-title_en-error"');
    const outside = await form(
      base,
      { title_en: "Late", startsAt: local(5), endsAt: local(8) },
      cookie,
    );
    expect(outside.status).toBe(422);
    expect(await outside.text()).toContain("by the workshop&#39;s end");
    const garbage = await form(base, { title_en: "x", startsAt: "soon", endsAt: "" }, cookie);
    expect(garbage.status).toBe(422);
    expect(await garbage.text()).toContain("Enter a date and time.");

    const ok = await form(
      base,
      {
        title_en: "Morning session",
        title_ar: "جلسة الصباح",
        startsAt: local(1),
        endsAt: local(2),
        room: "Hall A",
      },
      cookie,
    );
    expect(ok.status).toBe(303);
    const [row] = await db()
      .select()
      .from(workshopSessions)
      .where(eq(workshopSessions.workshopId, w.id));
    // Istanbul is UTC+3: wall-clock 1h after the start is that instant.
    expect(row!.startsAt.toISOString().slice(0, 16)).toBe(
      new Date(Date.parse(startsAt) + HOUR).toISOString().slice(0, 16),
    );

    const sessionBase = `${base}/${row!.id}`;
    const personMissing = await form(`${sessionBase}/people`, { role: "speaker" }, cookie);
    expect(personMissing.status).toBe(422);
    expect(await personMissing.text()).toContain("Choose a participant or type a name.");
    const added = await form(
      `${sessionBase}/people`,
      { role: "speaker", name: "Form Speaker", affiliation: "Form Institute" },
      cookie,
    );
    expect(added.status).toBe(303);
    expect(await publicPage(w.slug)).not.toContain("Form Speaker");
    const [person] = await db()
      .select()
      .from(sessionPeople)
      .where(eq(sessionPeople.sessionId, row!.id));
    const consent = await form(
      `${sessionBase}/people/${person!.id}/consent`,
      { publicConsent: "true" },
      cookie,
    );
    expect(consent.status).toBe(303);
    expect(await publicPage(w.slug)).toContain("Form Speaker");

    const notTicked = await form(`${sessionBase}/delete`, {}, cookie);
    expect(notTicked.status).toBe(303);
    expect(
      await db().select().from(workshopSessions).where(eq(workshopSessions.id, row!.id)),
    ).toHaveLength(1);
    expect((await form(`${sessionBase}/delete`, { confirm: "yes" }, cookie)).status).toBe(303);
    expect(
      await db()
        .select()
        .from(sessionPeople)
        .where(and(eq(sessionPeople.sessionId, row!.id))),
    ).toHaveLength(0);
    expect(await publicPage(w.slug)).not.toContain("Morning session");
  });
});
