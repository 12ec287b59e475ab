// The audit log as owners read it: every row about a workshop is found by that workshop,
// whatever its target; filters, paging, who may read it; and rows only for what happened.
import { and, eq, inArray, or } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, invitations, registrations } from "../src/db/schema";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  json,
  ORIGIN,
  organiserWithRole,
  uniqueEmail,
} from "./support/helpers";
import { createWorkshop } from "./support/workshops";

interface Entry {
  id: string;
  createdAt: string;
  actorType: string;
  actorId: string | null;
  actorName: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  workshopId: string | null;
  detail: Record<string, unknown> | null;
}

/** Every entry the API lists for a query, following the cursor. */
async function readAll(query: Record<string, string>, headers = ADMIN): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: "7", ...(cursor ? { cursor } : {}) });
    const res = await call(`/api/v1/audit?${params}`, { headers });
    expect(res.status, await res.clone().text()).toBe(200);
    const page = (await res.json()) as { data: Entry[]; nextCursor: string | null };
    entries.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

async function ok(res: Promise<Response>, status = 200) {
  const answer = await res;
  expect(answer.status, await answer.clone().text()).toBe(status);
  return answer.json() as Promise<Record<string, unknown>>;
}

describe("the audit log by workshop", () => {
  it("finds every row about a workshop, whatever its target, and nothing else", async () => {
    const w = await createWorkshop({ capacity: 5 });
    const other = await createWorkshop();
    const id = w.id;
    // Registrations: added, decided, annotated, checked in.
    const added = await ok(
      json(
        `/api/v1/workshops/${id}/registrations`,
        "POST",
        { name: "A", email: uniqueEmail("a") },
        ADMIN,
      ),
      201,
    );
    const second = await ok(
      json(
        `/api/v1/workshops/${id}/registrations`,
        "POST",
        { name: "B", email: uniqueEmail("b") },
        ADMIN,
      ),
      201,
    );
    await ok(json(`/api/v1/registrations/${second.id}`, "PATCH", { status: "cancelled" }, ADMIN));
    await ok(json(`/api/v1/registrations/${added.id}`, "PATCH", { notes: "door B" }, ADMIN));
    await ok(json(`/api/v1/registrations/${added.id}/check-in`, "POST", {}, ADMIN));
    // Lists, export, the door search.
    await ok(call(`/api/v1/workshops/${id}/registrations`, { headers: ADMIN }));
    expect(
      (await call(`/api/v1/workshops/${id}/registrations.csv`, { headers: ADMIN })).status,
    ).toBe(200);
    await ok(call(`/api/v1/workshops/${id}/check-in?q=A`, { headers: ADMIN }));
    // Invitations: added, listed, sent, revoked.
    await ok(
      json(
        `/api/v1/workshops/${id}/invitations`,
        "POST",
        { invitees: [{ email: uniqueEmail("i") }, { email: uniqueEmail("j") }] },
        ADMIN,
      ),
      201,
    );
    const listed = (await ok(call(`/api/v1/workshops/${id}/invitations`, { headers: ADMIN }))) as {
      data: { id: string }[];
    };
    await ok(json(`/api/v1/invitations/${listed.data[0]!.id}/send`, "POST", {}, ADMIN));
    await ok(json(`/api/v1/invitations/${listed.data[1]!.id}/revoke`, "POST", {}, ADMIN));
    // The team, a message, a report about it and a distribution to its attendees.
    const colleague = await organiserWithRole("organiser");
    await ok(
      json(
        `/api/v1/workshops/${id}/members`,
        "POST",
        { email: colleague.email, role: "door" },
        ADMIN,
      ),
    );
    expect(
      (
        await call(`/api/v1/workshops/${id}/members/${colleague.id}`, {
          method: "DELETE",
          headers: ADMIN,
        })
      ).status,
    ).toBe(204);
    await ok(
      json(
        `/api/v1/workshops/${id}/messages`,
        "POST",
        { subject: "Room", body: "See you", statuses: ["attended"] },
        ADMIN,
      ),
      202,
    );
    const report = await ok(
      json(
        "/api/v1/reports",
        "POST",
        {
          workshopId: id,
          defaultLanguage: "en",
          versions: [{ language: "en", title: "Summary", body: "Text" }],
        },
        ADMIN,
      ),
      201,
    );
    await ok(json(`/api/v1/reports/${report.id}/publish`, "POST", {}, ADMIN));
    const distribution = await ok(
      json(
        `/api/v1/reports/${report.id}/distributions`,
        "POST",
        {
          attendeesOf: { workshopId: id, statuses: ["attended"] },
          scheduledAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        ADMIN,
      ),
      201,
    );
    await ok(json(`/api/v1/distributions/${distribution.id}/cancel`, "POST", {}, ADMIN));
    await ok(json(`/api/v1/workshops/${id}`, "PATCH", { capacity: 6 }, ADMIN));
    await ok(json(`/api/v1/workshops/${id}/cancel`, "POST", {}, ADMIN));
    // Something about the other workshop, which must not show up.
    await ok(call(`/api/v1/workshops/${other.id}/registrations`, { headers: ADMIN }));

    const entries = await readAll({ workshop: id });
    expect(entries.every((e) => e.workshopId === id)).toBe(true);
    expect(new Set(entries.map((e) => e.action))).toEqual(
      new Set([
        "workshop.create",
        "workshop.member.set",
        "workshop.publish",
        "registration.add",
        "registration.status",
        "registration.update",
        "registration.check_in",
        "attendees.view",
        "attendees.export",
        "invitations.add",
        "invitations.view",
        "invitation.send",
        "invitation.revoke",
        "workshop.member.remove",
        "attendees.message",
        "report.create",
        "report.publish",
        "distribution.create",
        "distribution.cancel",
        "workshop.update",
        "workshop.cancel",
      ]),
    );
    // Rows whose target is one of its registrations or invitations name the workshop.
    expect(entries.filter((e) => e.targetType === "registration").length).toBeGreaterThanOrEqual(5);
    expect(entries.filter((e) => e.targetType === "invitation")).toHaveLength(2);

    // In the table, no row about this workshop or its people lacks its id.
    const regs = db().select({ id: registrations.id }).from(registrations);
    const invs = db().select({ id: invitations.id }).from(invitations);
    const about = await db()
      .select()
      .from(auditLog)
      .where(
        or(
          eq(auditLog.targetId, id),
          and(
            eq(auditLog.targetType, "registration"),
            inArray(auditLog.targetId, regs.where(eq(registrations.workshopId, id))),
          ),
          and(
            eq(auditLog.targetType, "invitation"),
            inArray(auditLog.targetId, invs.where(eq(invitations.workshopId, id))),
          ),
        ),
      );
    expect(about.length).toBeGreaterThan(0);
    expect(about.filter((row) => row.workshopId !== id)).toEqual([]);
  });

  it("logs every view of an invitation list, with a count and no addresses", async () => {
    const w = await createWorkshop();
    const email = uniqueEmail("invitee");
    await json(`/api/v1/workshops/${w.id}/invitations`, "POST", { invitees: [{ email }] }, ADMIN);
    await ok(call(`/api/v1/workshops/${w.id}/invitations`, { headers: ADMIN }));
    const rows = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "invitations.view"), eq(auditLog.targetId, w.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorType: "admin_token",
      targetType: "workshop",
      workshopId: w.id,
      detail: { rows: 1 },
    });
    expect(JSON.stringify(rows)).not.toContain(email);
  });
});

describe("reading the audit log", () => {
  it("filters by actor (their sessions and their API tokens), action, and time, a page at a time", async () => {
    const rana = await organiserWithRole("organiser");
    const cookie = await cookieFor(rana.id);
    const created = await ok(
      json("/api/v1/workshops", "POST", workshopBody(), { Cookie: cookie, Origin: ORIGIN }),
      201,
    );
    const made = await ok(
      json("/api/v1/tokens", "POST", { name: "sync" }, { Cookie: cookie, Origin: ORIGIN }),
      201,
    );
    const bearer = { Authorization: `Bearer ${made.token}` };
    await ok(call(`/api/v1/workshops/${created.id}/invitations`, { headers: bearer }));
    // D1 stamps rows with its own clock: leave a clear gap on either side of the boundary.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = new Date();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await ok(call(`/api/v1/workshops/${created.id}/registrations`, { headers: bearer }));

    const hers = await readAll({ actor: rana.id });
    expect(hers.map((e) => e.action).sort()).toEqual([
      "api_token.create",
      "attendees.view",
      "invitations.view",
      "workshop.create",
    ]);
    const viaToken = hers.find((e) => e.action === "attendees.view")!;
    expect(viaToken).toMatchObject({ actorType: "api_token", actorId: made.id });
    expect(viaToken.actorName).toBe(`API token “sync” of ${rana.name}`);
    expect(hers.find((e) => e.action === "workshop.create")).toMatchObject({
      actorType: "organiser",
      actorId: rana.id,
      actorName: rana.name,
      workshopId: created.id,
    });
    // Newest first, pages neither skip nor repeat.
    const times = hers.map((e) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(hers.map((e) => e.id)).size).toBe(hers.length);

    expect((await readAll({ actor: made.id as string })).map((e) => e.action).sort()).toEqual([
      "attendees.view",
      "invitations.view",
    ]);
    expect(
      (await readAll({ actor: rana.id, action: "invitations.*" })).map((e) => e.action),
    ).toEqual(["invitations.view"]);
    expect(
      (await readAll({ actor: rana.id, from: before.toISOString() })).map((e) => e.action),
    ).toEqual(["attendees.view"]);
    expect(await readAll({ actor: rana.id, to: before.toISOString() })).toHaveLength(3);
    expect(
      await readAll({ actor: rana.id, from: new Date(Date.now() + 60_000).toISOString() }),
    ).toEqual([]);

    // The built-in owner: ADMIN_TOKEN, its sessions and its tokens, but not Rana.
    await ok(json("/api/v1/tokens", "POST", { name: "owner script" }, ADMIN), 201);
    const admin = await readAll({ actor: "admin_token", action: "api_token.create" });
    expect(admin.length).toBeGreaterThan(0);
    expect(admin.every((e) => e.actorType === "admin_token")).toBe(true);
  });

  it("is for owners only, and says what is wrong with a filter", async () => {
    const organiser = await organiserWithRole("organiser");
    const owner = await organiserWithRole("owner");
    expect(
      (await call("/api/v1/audit", { headers: { Cookie: await cookieFor(organiser.id) } })).status,
    ).toBe(403);
    expect((await call("/api/v1/audit")).status).toBe(401);
    expect(
      (await call("/api/v1/audit", { headers: { Cookie: await cookieFor(owner.id) } })).status,
    ).toBe(200);
    const bad = await call("/api/v1/audit?from=yesterday&limit=500&action=DROP%20TABLE", {
      headers: ADMIN,
    });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(["action", "from", "limit"]);
  });

  it("is documented in the OpenAPI description", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    const names = doc.paths["/api/v1/audit"]?.get?.parameters?.map((p) => p.name) ?? [];
    expect(names).toEqual(
      expect.arrayContaining(["actor", "action", "workshop", "from", "to", "limit", "cursor"]),
    );
  });
});

describe("the audit log page", () => {
  it("is in the owners' menu only, and filters by workshop", async () => {
    const owner = await cookieFor((await organiserWithRole("owner")).id);
    const organiser = await cookieFor((await organiserWithRole("organiser")).id);
    const w = await createWorkshop();
    const otherW = await createWorkshop();

    const dashboard = async (cookie: string) =>
      (await call("/admin", { headers: { Cookie: cookie } })).text();
    expect(await dashboard(owner)).toContain('href="/admin/audit"');
    expect(await dashboard(organiser)).not.toContain('href="/admin/audit"');
    expect((await call("/admin/audit", { headers: { Cookie: organiser } })).status).toBe(403);

    const page = await call(`/admin/audit?workshop=${w.id}`, { headers: { Cookie: owner } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("workshop.publish");
    expect(html).toContain(`workshop ${w.id}`);
    expect(html).not.toContain(`workshop ${otherW.id}`);

    const invalid = await call("/admin/audit?from=soon", { headers: { Cookie: owner } });
    expect(invalid.status).toBe(422);
    expect(await invalid.text()).toContain("Pick a day");
  });
});

describe("rows only for what happened", () => {
  it("revoking twice, cancelling twice, publishing twice or revoking someone else's token logs once or never", async () => {
    const w = await createWorkshop();
    await json(
      `/api/v1/workshops/${w.id}/invitations`,
      "POST",
      { invitees: [{ email: uniqueEmail("r") }] },
      ADMIN,
    );
    const [invitation] = await db().query.invitations.findMany({
      where: eq(invitations.workshopId, w.id),
    });
    const count = async (action: string, targetId: string) =>
      (
        await db()
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)))
      ).length;

    await ok(json(`/api/v1/invitations/${invitation!.id}/revoke`, "POST", {}, ADMIN));
    await ok(json(`/api/v1/invitations/${invitation!.id}/revoke`, "POST", {}, ADMIN));
    expect(await count("invitation.revoke", invitation!.id)).toBe(1);

    await ok(json(`/api/v1/workshops/${w.id}/publish`, "POST", {}, ADMIN));
    expect(await count("workshop.publish", w.id)).toBe(1);
    await ok(json(`/api/v1/workshops/${w.id}/cancel`, "POST", {}, ADMIN));
    await ok(json(`/api/v1/workshops/${w.id}/cancel`, "POST", {}, ADMIN));
    expect(await count("workshop.cancel", w.id)).toBe(1);

    const rana = await organiserWithRole("organiser");
    const theirs = await ok(
      json(
        "/api/v1/tokens",
        "POST",
        { name: "theirs" },
        { Cookie: await cookieFor(rana.id), Origin: ORIGIN },
      ),
      201,
    );
    const someoneElse = await organiserWithRole("organiser");
    const refused = await call(`/api/v1/tokens/${theirs.id}`, {
      method: "DELETE",
      headers: { Cookie: await cookieFor(someoneElse.id), Origin: ORIGIN },
    });
    expect(refused.status).toBe(404);
    expect(await count("api_token.revoke", theirs.id as string)).toBe(0);
    expect(
      (await call(`/api/v1/tokens/${theirs.id}`, { method: "DELETE", headers: ADMIN })).status,
    ).toBe(204);
    expect(
      (await call(`/api/v1/tokens/${theirs.id}`, { method: "DELETE", headers: ADMIN })).status,
    ).toBe(404);
    expect(await count("api_token.revoke", theirs.id as string)).toBe(1);
  });
});

function workshopBody() {
  const start = new Date(Date.now() + 10 * 86_400_000);
  return {
    title: `Audited ${Math.random().toString(36).slice(2, 8)}`,
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
    timezone: "Europe/Istanbul",
    capacity: 10,
    registrationMode: "open",
  };
}
