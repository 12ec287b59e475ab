// Who may touch a workshop's people: every route that shows or changes attendee data, for
// each kind of caller. Someone not on a workshop's team gets the same 404 as for an id that
// does not exist, so a workshop's existence is not confirmed to them.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { linkToken } from "../src/registrations/tokens";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  form,
  json,
  organiserWithRole,
  uniqueEmail,
} from "./support/helpers";
import { createWorkshop } from "./support/workshops";

type Who = "owner" | "member" | "outsider" | "door member" | "door outsider";
const EVERYONE: Who[] = ["owner", "member", "outsider", "door member", "door outsider"];

interface Fixture {
  workshopId: string;
  registrationId: string;
  invitationId: string;
  checkinToken: string;
  cookie: Record<Who, string>;
}

async function member(workshopId: string, email: string, role: "organiser" | "door") {
  const res = await json(`/api/v1/workshops/${workshopId}/members`, "POST", { email, role }, ADMIN);
  expect(res.status, await res.clone().text()).toBe(200);
}

/** A fresh workshop with one confirmed person and one invitation, and a caller of each kind. */
async function fixture(): Promise<Fixture> {
  const w = await createWorkshop();
  const added = await json(
    `/api/v1/workshops/${w.id}/registrations`,
    "POST",
    { name: "Seen Person", email: uniqueEmail("seen") },
    ADMIN,
  );
  const registration = (await added.json()) as { id: string };
  const invited = await json(
    `/api/v1/workshops/${w.id}/invitations`,
    "POST",
    { invitees: [{ email: uniqueEmail("inv") }] },
    ADMIN,
  );
  expect(invited.status).toBe(201);
  const invitations = (await (
    await call(`/api/v1/workshops/${w.id}/invitations`, { headers: ADMIN })
  ).json()) as { data: { id: string }[] };
  const checkin = await linkToken(
    env.TOKEN_SECRET,
    "checkin",
    registration.id,
    new Date(Date.now() + 86_400_000),
  );

  const owner = await organiserWithRole("owner");
  const organiser = await organiserWithRole("organiser");
  const outsider = await organiserWithRole("organiser");
  const door = await organiserWithRole("door");
  const doorOutsider = await organiserWithRole("door");
  await member(w.id, organiser.email, "organiser");
  await member(w.id, door.email, "door");
  return {
    workshopId: w.id,
    registrationId: registration.id,
    invitationId: invitations.data[0]!.id,
    checkinToken: checkin,
    cookie: {
      owner: await cookieFor(owner.id),
      member: await cookieFor(organiser.id),
      outsider: await cookieFor(outsider.id),
      "door member": await cookieFor(door.id),
      "door outsider": await cookieFor(doorOutsider.id),
    },
  };
}

interface Case {
  name: string;
  /** The request, made with the caller's cookie. */
  send: (f: Fixture, cookie: string) => Promise<Response>;
  /** Who gets a success (any 2xx or a redirect for a form post). */
  allowed: Who[];
  /** Who gets a 403 (their role may not do this at all, or not on this workshop). */
  forbidden?: Who[];
  /** What everyone else gets, the answer for a workshop that does not exist (default 404). */
  hidden?: number;
}

const get = (path: string) => (_f: Fixture, cookie: string) =>
  call(path, { headers: { Cookie: cookie } });
const api =
  (method: string, path: (f: Fixture) => string, body: (f: Fixture) => unknown = () => ({})) =>
  (f: Fixture, cookie: string) =>
    json(path(f), method, body(f), { Cookie: cookie, Origin: "https://workshops.test" });

const ORGANISERS: Who[] = ["owner", "member"];
/** A door account may not manage any workshop: its role answers 403 before any workshop is looked at. */
const DOOR_ACCOUNTS: Who[] = ["door member", "door outsider"];
const AT_THE_DOOR: Who[] = ["owner", "member", "door member"];

const CASES: Case[] = [
  {
    name: "GET the workshop",
    send: (f, c) => get(`/api/v1/workshops/${f.workshopId}`)(f, c),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "PATCH the workshop",
    send: api(
      "PATCH",
      (f) => `/api/v1/workshops/${f.workshopId}`,
      () => ({ capacity: 50 }),
    ),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "list registrations",
    send: (f, c) => get(`/api/v1/workshops/${f.workshopId}/registrations`)(f, c),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "export registrations as CSV",
    send: (f, c) => get(`/api/v1/workshops/${f.workshopId}/registrations.csv`)(f, c),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "add a person",
    send: api(
      "POST",
      (f) => `/api/v1/workshops/${f.workshopId}/registrations`,
      () => ({ name: "Another", email: uniqueEmail("another") }),
    ),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "decide on a registration",
    send: api(
      "PATCH",
      (f) => `/api/v1/registrations/${f.registrationId}`,
      () => ({ notes: "x" }),
    ),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "check in by registration id",
    send: api("POST", (f) => `/api/v1/registrations/${f.registrationId}/check-in`),
    allowed: AT_THE_DOOR,
  },
  {
    name: "check in by code",
    send: api(
      "POST",
      () => "/api/v1/check-in",
      (f) => ({ token: f.checkinToken }),
    ),
    allowed: AT_THE_DOOR,
  },
  {
    name: "search at the door",
    send: (f, c) => get(`/api/v1/workshops/${f.workshopId}/check-in?q=Seen`)(f, c),
    allowed: AT_THE_DOOR,
  },
  {
    name: "list invitations",
    send: (f, c) => get(`/api/v1/workshops/${f.workshopId}/invitations`)(f, c),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "invite",
    send: api(
      "POST",
      (f) => `/api/v1/workshops/${f.workshopId}/invitations`,
      () => ({ invitees: [{ email: uniqueEmail("invitee") }] }),
    ),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "revoke an invitation",
    send: api("POST", (f) => `/api/v1/invitations/${f.invitationId}/revoke`),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "message participants",
    send: api(
      "POST",
      (f) => `/api/v1/workshops/${f.workshopId}/messages`,
      () => ({ subject: "Hello", body: "A note.", statuses: ["confirmed"] }),
    ),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "see the team",
    send: (f, c) => get(`/api/v1/workshops/${f.workshopId}/members`)(f, c),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "open the workshop's admin page",
    send: (f, c) => get(`/admin/workshops/${f.workshopId}`)(f, c),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "open the door page",
    send: (f, c) => get(`/admin/workshops/${f.workshopId}/door`)(f, c),
    allowed: AT_THE_DOOR,
  },
  {
    name: "check in from the QR page",
    send: (f, c) => form(`/admin/check-in/${f.checkinToken}`, {}, c),
    allowed: AT_THE_DOOR,
  },
  {
    name: "decide from the admin page",
    send: (f, c) => form(`/admin/registrations/${f.registrationId}`, { status: "confirmed" }, c),
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
  },
  {
    name: "send the report to the workshop's attendees",
    send: async (f, c) => {
      const report = await json(
        "/api/v1/reports",
        "POST",
        {
          defaultLanguage: "en",
          versions: [{ language: "en", title: "Summary", body: "Text." }],
        },
        ADMIN,
      );
      const { id } = (await report.json()) as { id: string };
      await json(`/api/v1/reports/${id}/publish`, "POST", {}, ADMIN);
      return json(
        `/api/v1/reports/${id}/distributions`,
        "POST",
        { attendeesOf: { workshopId: f.workshopId, statuses: ["confirmed", "attended"] } },
        { Cookie: c, Origin: "https://workshops.test" },
      );
    },
    allowed: ORGANISERS,
    forbidden: DOOR_ACCOUNTS,
    // The same answer as for a workshop id that does not exist: an invalid field.
    hidden: 422,
  },
];

describe("workshop teams: every route that touches attendee data", () => {
  for (const route of CASES) {
    it(route.name, async () => {
      const outcome: Record<string, number> = {};
      const expected: Record<string, number | "ok"> = {};
      for (const who of EVERYONE) {
        // A fresh workshop for each caller, so one caller's change cannot hide another's.
        const f = await fixture();
        const res = await route.send(f, f.cookie[who]);
        const ok = res.status < 400;
        outcome[who] = ok ? 0 : res.status;
        expected[who] = route.allowed.includes(who)
          ? 0
          : route.forbidden?.includes(who)
            ? 403
            : (route.hidden ?? 404);
      }
      expect(outcome).toEqual(expected);
    });
  }

  it("a hidden workshop answers exactly like one that does not exist", async () => {
    const f = await fixture();
    const hidden = await call(`/api/v1/workshops/${f.workshopId}/registrations`, {
      headers: { Cookie: f.cookie.outsider },
    });
    const missing = await call("/api/v1/workshops/wks_doesnotexist/registrations", {
      headers: { Cookie: f.cookie.outsider },
    });
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual(await missing.json());
  });

  it("lists show a non-owner only the workshops whose team they are on", async () => {
    const f = await fixture();
    const ids = async (who: Who) =>
      (
        (await (
          await call("/api/v1/workshops?limit=100", { headers: { Cookie: f.cookie[who] } })
        ).json()) as { data: { id: string }[] }
      ).data.map((w) => w.id);
    expect(await ids("member")).toContain(f.workshopId);
    expect(await ids("outsider")).not.toContain(f.workshopId);
    const dashboard = async (who: Who) =>
      (await call("/admin", { headers: { Cookie: f.cookie[who] } })).text();
    const title = (
      (await (await call(`/api/v1/workshops/${f.workshopId}`, { headers: ADMIN })).json()) as {
        title: string;
      }
    ).title;
    expect(await dashboard("door member")).toContain(title);
    expect(await dashboard("door outsider")).not.toContain(title);
    const schedule = async (who: Who) =>
      (await call("/api/v1/workshops/schedule.csv", { headers: { Cookie: f.cookie[who] } })).text();
    expect(await schedule("member")).toContain(f.workshopId);
    expect(await schedule("outsider")).not.toContain(f.workshopId);
  });

  it("the creator is on the team; changes to the team are audited", async () => {
    const creator = await organiserWithRole("organiser");
    const cookie = await cookieFor(creator.id);
    const start = new Date(Date.now() + 7 * 86_400_000);
    const created = await json(
      "/api/v1/workshops",
      "POST",
      {
        title: "Created by an organiser",
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
        timezone: "Europe/Istanbul",
        capacity: 5,
        registrationMode: "open",
      },
      { Cookie: cookie, Origin: "https://workshops.test" },
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const team = (await (
      await call(`/api/v1/workshops/${id}/members`, { headers: { Cookie: cookie } })
    ).json()) as { data: { organiserId: string; role: string }[] };
    expect(team.data).toEqual([
      expect.objectContaining({ organiserId: creator.id, role: "organiser" }),
    ]);

    const door = await organiserWithRole("door");
    const asOrganiser = await json(
      `/api/v1/workshops/${id}/members`,
      "POST",
      { email: door.email, role: "organiser" },
      ADMIN,
    );
    expect(asOrganiser.status).toBe(422);
    await member(id, door.email, "door");
    const removed = await call(`/api/v1/workshops/${id}/members/${door.id}`, {
      method: "DELETE",
      headers: ADMIN,
    });
    expect(removed.status).toBe(204);
    const again = await call(`/api/v1/workshops/${id}/members/${door.id}`, {
      method: "DELETE",
      headers: ADMIN,
    });
    expect(again.status).toBe(404);

    const { auditLog } = await import("../src/db/schema");
    const { eq } = await import("drizzle-orm");
    const rows = await db().select().from(auditLog).where(eq(auditLog.targetId, id));
    const actions = rows.map((r) => r.action).sort();
    // One add and one removal: the second, failed removal left no row.
    expect(actions).toEqual(["workshop.create", "workshop.member.remove", "workshop.member.set"]);
  });
});

describe("door search", () => {
  it("matches names and affiliations, never addresses", async () => {
    const w = await createWorkshop();
    const email = `${uniqueEmail("quiet")}.ministry-of-example.gov`;
    const added = await json(
      `/api/v1/workshops/${w.id}/registrations`,
      "POST",
      { name: "Quiet Guest", email, affiliation: "Institute of Examples" },
      ADMIN,
    );
    expect(added.status).toBe(201);
    const search = async (q: string) =>
      (
        (await (
          await call(`/api/v1/workshops/${w.id}/check-in?q=${encodeURIComponent(q)}`, {
            headers: ADMIN,
          })
        ).json()) as { data: { name: string }[] }
      ).data.map((p) => p.name);
    expect(await search("Quiet")).toEqual(["Quiet Guest"]);
    expect(await search("Examples")).toEqual(["Quiet Guest"]);
    expect(await search("ministry-of-example")).toEqual([]);
    expect(await search("@")).toEqual([]);
    const page = await call(`/admin/workshops/${w.id}/door?q=ministry-of-example`, {
      headers: ADMIN,
    });
    expect(await page.text()).not.toContain("Quiet Guest");
  });
});
