// Finding and forgetting a person: an owner's person search, export and erasure; a
// registrant's and an invitee's own export and erasure; the retention purge of a whole
// workshop. Each ends by reading every table of D1 for what must be gone.
import { env } from "cloudflare:workers";
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  auditLog,
  distributions,
  emails,
  invitations,
  mailboxMessages,
  registrations,
  webhookEvents,
  workshops,
} from "../src/db/schema";
import { DAILY } from "../src/jobs/scheduled";
import { openRegistration } from "../src/registrations/sealed";
import { runCron } from "./support/cron";
import { seedSubscribers, topic } from "./support/distribution";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  eventually,
  form,
  json,
  organiserWithRole,
  ownerCookie,
  suppress,
  suppression,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { postWebhook } from "./support/svix";
import { tablesHolding } from "./support/tables";
import {
  registrationOf as registrationByAddress,
  subscriberIndex,
  vault,
  workshopIndex,
} from "./support/vault";
import { createWorkshop } from "./support/workshops";

const register = (slug: string, body: Record<string, unknown>) =>
  json(`/api/v1/public/workshops/${slug}/registrations`, "POST", body);

/** A public registration, verified through its emailed link; returns the /r/ token. */
async function registered(
  slug: string,
  person: { name: string; email: string; affiliation?: string },
) {
  expect((await register(slug, person)).status).toBe(202);
  const token = await tokenFromEmail(person.email, "workshop:verify");
  const verified = await json(`/api/v1/public/registrations/${token}/verify`, "POST", {});
  expect(verified.status).toBe(200);
  return token;
}

/** A registration by id, opened as the Worker reads it (forgotten markers stay as they are). */
const registrationOf = async (workshopId: string, id: string) => {
  const row = (await db().query.registrations.findFirst({
    where: and(eq(registrations.workshopId, workshopId), eq(registrations.id, id)),
  }))!;
  return openRegistration(await vault().workshop(workshopId), row);
};
/** A registration by address: found by its index at the workshop, the address is sealed. */
const byEmail = registrationByAddress;
const workshopRow = async (id: string) =>
  (await db().query.workshops.findFirst({ where: eq(workshops.id, id) }))!;

/** Waits until every email to these addresses has left the outbox queue. */
const allSent = (addresses: string[]) =>
  eventually(async () => {
    const rows = await db().select().from(emails);
    return rows.filter((r) => addresses.includes(r.to)).every((r) => r.status !== "queued");
  }, 20_000);

describe("an owner's person search", () => {
  async function personEverywhere() {
    const email = uniqueEmail("everywhere");
    const name = "Yasmin Everywhere";
    const affiliation = "Directorate of Quiet Affairs";
    const t = await topic(`people-${Math.random().toString(36).slice(2, 7)}`);
    await seedSubscribers([{ email, name, topicIds: [t.id] }]);
    // Seated at a full workshop (one seat), with someone waiting behind.
    const seated = await createWorkshop({ capacity: 1 });
    const added = await json(
      `/api/v1/workshops/${seated.id}/registrations`,
      "POST",
      { name, email, affiliation },
      ADMIN,
    );
    const { id: registrationId } = (await added.json()) as { id: string };
    const waiting = uniqueEmail("waiting");
    await registered(seated.slug, { name: "Next In Line", email: waiting });
    // Invited to another.
    const invitedTo = await createWorkshop({ registrationMode: "invitation" });
    await json(
      `/api/v1/workshops/${invitedTo.id}/invitations`,
      "POST",
      { invitees: [{ email, name, affiliation }], send: true },
      ADMIN,
    );
    // A report to the topic's subscribers.
    const { publishedReport } = await import("./support/distribution");
    const report = await publishedReport();
    const sent = await json(
      `/api/v1/reports/${report.id}/distributions`,
      "POST",
      { topics: [t.slug] },
      ADMIN,
    );
    const { id: distributionId } = (await sent.json()) as { id: string };
    await eventually(async () => {
      const d = await db().query.distributions.findFirst({
        where: eq(distributions.id, distributionId),
      });
      return d?.status === "completed";
    }, 20_000);
    await allSent([email, waiting]);
    return { email, name, affiliation, seated, invitedTo, registrationId, waiting, distributionId };
  }

  it("shows, exports and erases every record of an address, for owners only", async () => {
    const p = await personEverywhere();
    const organiser = await organiserWithRole("organiser");
    const door = await organiserWithRole("door");
    const path = `/api/v1/people?email=${encodeURIComponent(p.email.toUpperCase())}`;

    // Owners only: organisers and door staff are refused, strangers must sign in.
    expect((await call(path)).status).toBe(401);
    for (const who of [organiser, door]) {
      const cookie = await cookieFor(who.id);
      expect((await call(path, { headers: { Cookie: cookie } })).status).toBe(403);
      expect((await call("/admin/people", { headers: { Cookie: cookie } })).status).toBe(403);
      expect(
        (await json(path, "DELETE", {}, { Cookie: cookie, Origin: ORIGIN_HEADER })).status,
      ).toBe(403);
    }
    expect((await call("/api/v1/people?email=not-an-address", { headers: ADMIN })).status).toBe(
      422,
    );

    const found = await call(path, { headers: ADMIN });
    expect(found.status).toBe(200);
    const person = (await found.json()) as {
      email: string;
      subscriber: { status: string } | null;
      registrations: {
        workshop: { id: string };
        name: string;
        affiliation: string;
        status: string;
      }[];
      invitations: { workshop: { id: string }; status: string }[];
      deliveries: { distributionId: string; status: string; as: string }[];
      emails: { kind: string }[];
      mailboxMessages: unknown[];
      suppression: unknown;
    };
    expect(person.email).toBe(p.email);
    expect(person.subscriber).toMatchObject({ status: "active" });
    expect(person.registrations).toMatchObject([
      {
        workshop: { id: p.seated.id },
        name: p.name,
        affiliation: p.affiliation,
        status: "confirmed",
      },
    ]);
    expect(person.invitations).toMatchObject([
      { workshop: { id: p.invitedTo.id }, status: "sent" },
    ]);
    expect(person.deliveries).toMatchObject([
      { distributionId: p.distributionId, status: "sent", as: "subscriber" },
    ]);
    expect(person.emails.map((e) => e.kind).sort()).toEqual([
      "workshop:confirmed",
      "workshop:invitation",
    ]);
    expect(person.mailboxMessages.length).toBeGreaterThanOrEqual(3);
    expect(person.suppression).toBeNull();

    const exported = await call(path.replace("/people?", "/people/export?"), { headers: ADMIN });
    expect(exported.headers.get("content-disposition")).toContain("attachment");
    expect(await exported.json()).toEqual(person);

    // The admin page shows the same, from a POST: the address never goes into a URL.
    const cookie = await ownerCookie();
    const page = await form("/admin/people", { email: p.email }, cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(p.affiliation);
    expect(html).toContain(`/admin/workshops/${p.invitedTo.id}`);
    // Erasing from the page needs the box ticked.
    const unconfirmed = await form("/admin/people/erase", { email: p.email }, cookie);
    expect(unconfirmed.status).toBe(422);
    expect((await registrationOf(p.seated.id, p.registrationId)).email).toBe(p.email);

    const erased = await json(path, "DELETE", {}, ADMIN);
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({
      erased: {
        subscriber: 1,
        registrations: 1,
        invitations: 1,
        deliveries: 1,
        emails: 2,
        mailboxMessages: person.mailboxMessages.length,
        suppressed: 0,
      },
    });

    // The seat went to the next in line, who was told; the counters agree.
    const next = (await byEmail(p.seated.id, p.waiting))!;
    expect(next.status).toBe("confirmed");
    expect((await workshopRow(p.seated.id)).confirmedCount).toBe(1);
    expect(await tokenFromEmail(p.waiting, "workshop:promoted")).toBeTruthy();
    // The rows stay for the counts, without the person.
    expect(await registrationOf(p.seated.id, p.registrationId)).toMatchObject({
      status: "cancelled",
      email: `erased:${p.registrationId}`,
      name: "",
      affiliation: null,
    });
    const invitation = (await db().query.invitations.findFirst({
      where: eq(invitations.workshopId, p.invitedTo.id),
    }))!;
    expect(invitation).toMatchObject({ status: "revoked", name: null, affiliation: null });
    expect((await workshopRow(p.seated.id)).id).toBe(p.seated.id);
    expect(
      await db().query.distributions.findFirst({ where: eq(distributions.id, p.distributionId) }),
    ).toMatchObject({ total: 1, sent: 1 });

    // Nothing of the person is left anywhere, but the suppression entry, hashed.
    expect(await tablesHolding([p.email, p.name, p.affiliation])).toEqual([]);
    expect(await suppression(p.email)).toMatchObject({ reason: "erased" });
    const after = (await (await call(path, { headers: ADMIN })).json()) as typeof person;
    expect(after).toMatchObject({
      subscriber: null,
      registrations: [],
      invitations: [],
      deliveries: [],
      emails: [],
      mailboxMessages: [],
      suppression: { reason: "erased" },
    });

    // Every look and the erasure are audited, with counts and without the address.
    const audited = await db().select().from(auditLog);
    const actions = audited.map((a) => a.action);
    for (const action of ["person.view", "person.export", "person.erase"])
      expect(actions).toContain(action);
    const people = audited.filter((a) => a.action.startsWith("person."));
    expect(JSON.stringify(people)).not.toContain(p.email.split("@")[0]);
    expect(people.find((a) => a.action === "person.erase")?.detail).toMatchObject({
      registrations: 1,
    });
  });

  it("finds a person at every workshop, however many queries their keys take", async () => {
    // More workshops than one query's (workshop, index) pairs: copies of one, straight into D1.
    const template = await createWorkshop({ registrationMode: "invitation" });
    const columns = (
      await env.DB.prepare("SELECT name FROM pragma_table_info('workshops')").all<{
        name: string;
      }>()
    ).results.map((c) => c.name);
    const copied = columns.map((c) => (c === "id" ? "?1" : c === "slug" ? "?2" : `"${c}"`));
    const ids = Array.from({ length: 60 }, (_, i) => `${template.id}_copy${i}`);
    for (const [i, id] of ids.entries())
      await env.DB.prepare(
        `INSERT INTO workshops (${columns.map((c) => `"${c}"`).join(", ")}) SELECT ${copied.join(", ")} FROM workshops WHERE id = ?3`,
      )
        .bind(id, `${template.slug}-copy${i}`, template.id)
        .run();
    const email = uniqueEmail("many");
    for (const id of [template.id, ...ids])
      await json(
        `/api/v1/workshops/${id}/invitations`,
        "POST",
        { invitees: [{ email, name: "Many Places" }], send: false },
        ADMIN,
      );
    const found = (await (
      await call(`/api/v1/people?email=${encodeURIComponent(email)}`, { headers: ADMIN })
    ).json()) as { invitations: { workshop: { id: string }; name: string }[] };
    expect(found.invitations.map((i) => i.workshop.id).sort()).toEqual(
      [template.id, ...ids].sort(),
    );
    expect(new Set(found.invitations.map((i) => i.name))).toEqual(new Set(["Many Places"]));
  });

  it("finds and erases stored emails by key and index once their address is sealed", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const email = uniqueEmail("sealed-mail");
    await json(
      `/api/v1/workshops/${w.id}/invitations`,
      "POST",
      { invitees: [{ email, name: "Sealed Mail" }], send: true },
      ADMIN,
    );
    await json("/api/v1/public/subscriptions", "POST", { email });
    await allSent([email]);
    const indexes = [await workshopIndex(w.id, email), await subscriberIndex(email)];
    // What the queue consumer leaves of a sent email: the address sealed, the index kept.
    await db()
      .update(emails)
      .set({ to: "v1:sealed-by-the-consumer" })
      .where(inArray(emails.toIndex, indexes));
    const path = `/api/v1/people?email=${encodeURIComponent(email)}`;
    const found = (await (await call(path, { headers: ADMIN })).json()) as {
      emails: { kind: string }[];
    };
    expect(found.emails.map((m) => m.kind).sort()).toEqual([
      "subscriber:confirm",
      "workshop:invitation",
    ]);
    expect(await (await json(path, "DELETE", {}, ADMIN)).json()).toMatchObject({
      erased: { emails: 2, invitations: 1, subscriber: 1 },
    });
    expect(await db().select().from(emails).where(inArray(emails.toIndex, indexes))).toEqual([]);
  });

  it("keeps a bounce as it was when an erased address was already suppressed", async () => {
    const email = uniqueEmail("bounced");
    await suppress(email, "bounce");
    const erased = await json(
      `/api/v1/people?email=${encodeURIComponent(email)}`,
      "DELETE",
      {},
      ADMIN,
    );
    expect(await erased.json()).toMatchObject({ erased: { suppressed: 1, registrations: 0 } });
    expect(await suppression(email)).toMatchObject({ reason: "bounce" });
  });
});

const ORIGIN_HEADER = "https://workshops.test";

describe("a registrant's own data", () => {
  it("exports only this workshop's registration, and erasing gives the seat to the next in line", async () => {
    const w = await createWorkshop({ capacity: 1 });
    const other = await createWorkshop();
    const email = uniqueEmail("self");
    const name = "Samir Selfservice";
    const affiliation = "Office of Careful Words";
    const token = await registered(w.slug, { name, email, affiliation });
    await registered(other.slug, { name, email, affiliation });
    const next = uniqueEmail("next");
    await registered(w.slug, { name: "Waiting Person", email: next });
    const mine = (await byEmail(w.id, email))!;
    await json(
      `/api/v1/registrations/${mine.id}`,
      "PATCH",
      { notes: "Flagged by security" },
      ADMIN,
    );

    const page = await (await call(`/r/${token}`)).text();
    expect(page).toContain(`/r/${token}/export.json`);
    expect(page).toContain(`/r/${token}/erase`);

    const exported = await call(`/r/${token}/export.json`);
    expect(exported.headers.get("content-disposition")).toContain("attachment");
    const data = await exported.json();
    expect(data).toMatchObject({
      email,
      registration: { name, affiliation, status: "confirmed" },
      invitation: null,
    });
    const logged = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "person.export_self"), eq(auditLog.targetId, w.id)));
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toContain(email);
    // The organisers' notes and the person's other workshops are not in it.
    const text = JSON.stringify(data);
    expect(text).not.toContain("Flagged by security");
    expect(text).not.toContain((await workshopRow(other.id)).title);

    // Looking at the confirmation, or posting without it, changes nothing.
    const confirm = await call(`/r/${token}/erase`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('name="confirm" value="yes"');
    const unconfirmed = await call(`/r/${token}/erase`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(unconfirmed.status).toBe(303);
    expect((await registrationOf(w.id, mine.id)).status).toBe("confirmed");

    const done = await call(`/r/${token}/erase`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "confirm=yes",
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Your data is erased");

    expect(await registrationOf(w.id, mine.id)).toMatchObject({
      status: "cancelled",
      name: "",
      affiliation: null,
      notes: null,
    });
    expect((await byEmail(w.id, next))!.status).toBe("confirmed");
    expect((await workshopRow(w.id)).confirmedCount).toBe(1);
    expect(await tokenFromEmail(next, "workshop:promoted")).toBeTruthy();
    // No message reaches the erased person, whatever statuses the organisers pick.
    const message = await json(
      `/api/v1/workshops/${w.id}/messages`,
      "POST",
      { subject: "News", body: "Hello.", statuses: ["cancelled"] },
      ADMIN,
    );
    expect(await message.json()).toEqual({ recipients: 0 });
    // The link is dead, and only the other workshop's registration remains of the person,
    // sealed under that workshop's key: no table holds any of it in the clear.
    expect((await call(`/r/${token}`)).status).toBe(404);
    expect((await byEmail(other.id, email))!).toMatchObject({ status: "confirmed", name });
    expect(await tablesHolding([email, name, affiliation])).toEqual([]);
  });
});

describe("an invitee's own data", () => {
  it("exports the invitation and erases it with the registration it led to", async () => {
    const w = await createWorkshop({ registrationMode: "invitation", capacity: 5 });
    const email = uniqueEmail("invitee");
    const name = "Ines Invitee";
    await json(
      `/api/v1/workshops/${w.id}/invitations`,
      "POST",
      { invitees: [{ email, name, affiliation: "Council of Discreet Voices" }], send: true },
      ADMIN,
    );
    const token = await tokenFromEmail(email, "workshop:invitation", "i");
    expect(await (await call(`/i/${token}`)).text()).toContain(`/i/${token}/erase`);
    const before = await (await call(`/i/${token}/export.json`)).json();
    expect(before).toMatchObject({ invitation: { name, status: "sent" }, registration: null });
    await json(`/api/v1/public/invitations/${token}`, "POST", { response: "accept" });
    const accepted = await (await call(`/i/${token}/export.json`)).json();
    expect(accepted).toMatchObject({
      invitation: { status: "accepted" },
      registration: { status: "confirmed" },
    });

    const done = await call(`/i/${token}/erase`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "confirm=yes",
    });
    expect(done.status).toBe(200);
    expect((await call(`/i/${token}`)).status).toBe(404);
    const rows = await db().query.registrations.findMany({
      where: eq(registrations.workshopId, w.id),
    });
    expect(rows).toMatchObject([{ status: "cancelled", name: "" }]);
    expect((await workshopRow(w.id)).confirmedCount).toBe(0);
    expect(await tablesHolding([email, name, "Council of Discreet Voices"])).toEqual([]);
  });
});

describe("the retention purge", () => {
  it("leaves nothing of a whole workshop's people in any table", async () => {
    const w = await createWorkshop({
      capacity: 3,
      retentionDays: 30,
      questions: [{ id: "why", label: "Why do you come?", type: "text", required: false }],
    });
    const people = [
      { name: "Amira Qasimova", email: uniqueEmail("amira"), affiliation: "Ministry of Far Seas" },
      { name: "Bashir Noorani", email: uniqueEmail("bashir"), affiliation: "Institute of Maps" },
      { name: "Carla Haddadine", email: uniqueEmail("carla"), affiliation: "Free Press Guild" },
      { name: "Dalia Inviteddi", email: uniqueEmail("dalia"), affiliation: "Union of Rivers" },
      { name: "Elias Unansweri", email: uniqueEmail("elias"), affiliation: "Lantern Society" },
    ] as const;
    const [amira, bashir, carla, dalia, elias] = people;
    // Registrations: two confirmed, one waitlisted after an invitee takes the third seat.
    await registered(w.slug, { ...amira, answers: { why: "Secret reasons of Amira" } } as never);
    await registered(w.slug, bashir);
    await json(
      `/api/v1/workshops/${w.id}/invitations`,
      "POST",
      {
        invitees: [
          { email: dalia.email, name: dalia.name, affiliation: dalia.affiliation },
          { email: elias.email, name: elias.name, affiliation: elias.affiliation },
        ],
        send: true,
      },
      ADMIN,
    );
    const rsvp = await tokenFromEmail(dalia.email, "workshop:invitation", "i");
    await json(`/api/v1/public/invitations/${rsvp}`, "POST", { response: "accept" });
    await registered(w.slug, carla);
    expect((await byEmail(w.id, carla.email))!.status).toBe("waitlisted");
    // Check-in, a message, a report to the attendees, a webhook.
    const amiraRow = (await byEmail(w.id, amira.email))!;
    expect(
      (await json(`/api/v1/registrations/${amiraRow.id}/check-in`, "POST", {}, ADMIN)).status,
    ).toBe(200);
    await json(
      `/api/v1/registrations/${amiraRow.id}`,
      "PATCH",
      { notes: `Notes about ${amira.name}` },
      ADMIN,
    );
    expect(
      (
        await json(
          `/api/v1/workshops/${w.id}/messages`,
          "POST",
          { subject: "Room change", body: "Hall C.", statuses: ["confirmed", "attended"] },
          ADMIN,
        )
      ).status,
    ).toBe(202);
    const { publishedReport } = await import("./support/distribution");
    const report = await publishedReport({ workshopId: w.id });
    const created = await json(
      `/api/v1/reports/${report.id}/distributions`,
      "POST",
      { attendeesOf: { workshopId: w.id, statuses: ["confirmed", "attended"] } },
      ADMIN,
    );
    const { id: distributionId } = (await created.json()) as { id: string };
    const completed = await eventually(async () => {
      const d = await db().query.distributions.findFirst({
        where: eq(distributions.id, distributionId),
      });
      return d?.status === "completed" && d;
    }, 20_000);
    expect(completed).toMatchObject({ total: 3, sent: 3 });
    expect(
      (await postWebhook({ type: "email.bounced", data: { to: [bashir.email] } })).status,
    ).toBe(200);
    await allSent(people.map((p) => p.email));
    // Everything the test means to find is there before the purge.
    const traces = people.flatMap((p) => [p.email, p.name, p.affiliation]);
    expect((await tablesHolding(traces)).length).toBeGreaterThan(0);

    // The workshop ended 31 days ago: its retention period is over.
    const ended = Date.now() - 31 * 86_400_000;
    await db()
      .update(workshops)
      .set({ startsAt: new Date(ended - 3600_000), endsAt: new Date(ended) })
      .where(eq(workshops.id, w.id));
    await runCron(DAILY);

    expect(await tablesHolding([...traces, "Secret reasons of Amira"])).toEqual([]);
    // Rows and counts stay.
    const rows = await db().query.registrations.findMany({
      where: eq(registrations.workshopId, w.id),
    });
    expect(rows.map((r) => r.status).sort()).toEqual([
      "attended",
      "confirmed",
      "confirmed",
      "waitlisted",
    ]);
    expect((await workshopRow(w.id)).confirmedCount).toBe(3);
    expect(
      await db().query.distributions.findFirst({ where: eq(distributions.id, distributionId) }),
    ).toMatchObject({ total: 3, sent: 3 });
    // The bounce stays on the suppression list, as a hash.
    expect(await suppression(bashir.email)).toMatchObject({ reason: "bounce" });
  });

  it("deletes dev-mailbox messages and processed webhook ids after 30 days", async () => {
    const now = Date.now();
    const old = new Date(now - 31 * 86_400_000);
    const recent = new Date(now - 29 * 86_400_000);
    for (const [id, createdAt] of [
      ["old", old],
      ["recent", recent],
    ] as const) {
      await db()
        .insert(mailboxMessages)
        .values({
          id: `msg_${id}`,
          idempotencyKey: `k_${id}`,
          to: `${id}@example.org`,
          from: "x@example.org",
          subject: id,
          html: "",
          text: "",
          headers: {},
          attachments: [],
          createdAt,
        });
      await db()
        .insert(webhookEvents)
        .values({ id: `evt_${id}`, type: "email.delivered", createdAt });
    }
    await runCron(DAILY, now);
    const left = async () => ({
      mailbox: (await db().select().from(mailboxMessages)).map((m) => m.id),
      webhooks: (await db().select().from(webhookEvents)).map((e) => e.id),
    });
    const after = await left();
    expect(after.mailbox).toContain("msg_recent");
    expect(after.mailbox).not.toContain("msg_old");
    expect(after.webhooks).toContain("evt_recent");
    expect(after.webhooks).not.toContain("evt_old");
  });
});
