// What the public side answers never tells one person about another: registering with an
// address that is already registered answers as a new registrant is answered, and the
// address's owner gets their link by email. Public forms refuse overlong text with an
// explanation, and the public pages give no live count of places.
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emails, registrations } from "../src/db/schema";
import { ADMIN, call, db, eventually, form, json, uniqueEmail } from "./support/helpers";
import { invitationRowOf, subscriberRowOf } from "./support/vault";
import { addPerson, createWorkshop, inviteAndGetToken } from "./support/workshops";

const register = (slug: string, body: Record<string, unknown>) =>
  json(`/api/v1/public/workshops/${slug}/registrations`, "POST", body);

const statusOf = async (id: string) =>
  (await db().query.registrations.findFirst({ where: eq(registrations.id, id) }))!.status;

// A cancelled registration's owner is offered the restore instead (same limit, same answer).
const linksSent = async (to: string) =>
  (
    await db()
      .select()
      .from(emails)
      .where(
        and(
          eq(emails.to, to),
          inArray(emails.kind, ["workshop:already_registered", "workshop:restore_offer"]),
        ),
      )
  ).length;

describe("registering without verification", () => {
  it("answers an address that is already registered exactly as a new one", async () => {
    const w = await createWorkshop({ requireVerification: false, capacity: 10 });
    const rejected = await addPerson(w.id);
    await json(`/api/v1/registrations/${rejected.id}`, "PATCH", { status: "rejected" }, ADMIN);
    const attended = await addPerson(w.id);
    await json(`/api/v1/registrations/${attended.id}/check-in`, "POST", {}, ADMIN);
    const cancelled = await addPerson(w.id);
    await json(`/api/v1/registrations/${cancelled.id}`, "PATCH", { status: "cancelled" }, ADMIN);

    const fresh = await register(w.slug, { name: "New", email: uniqueEmail("new") });
    expect(fresh.status).toBe(201);
    const answer = await fresh.text();
    expect(JSON.parse(answer)).toEqual({ status: "confirmed" });
    for (const [person, status] of [
      [rejected, "rejected"],
      [attended, "attended"],
      [cancelled, "cancelled"],
    ] as const) {
      const res = await register(w.slug, { name: "Someone Else", email: person.email });
      expect(res.status).toBe(201);
      expect(await res.text()).toBe(answer);
      // Nothing changed, and the owner of the address got their link: once per 10 minutes.
      expect(await statusOf(person.id)).toBe(status);
      await register(w.slug, { name: "Someone Else", email: person.email });
      // Sent after the answers (their timing says nothing), and once: the claim is atomic.
      await eventually(async () => (await linksSent(person.email)) > 0);
      expect(await linksSent(person.email)).toBe(1);
    }

    // The form says the same to both, with the same status code.
    const page = (email: string) =>
      form(`/workshops/${w.slug}/register`, { name: "Form", email, language: "en" });
    const other = uniqueEmail("f");
    const [known, unknown] = await Promise.all([page(rejected.email), page(other)]);
    expect(known.status).toBe(unknown.status);
    expect((await known.text()).replaceAll(rejected.email, "…")).toBe(
      (await unknown.text()).replaceAll(other, "…"),
    );
  });

  it("answers as a new registrant would be answered in approval mode and when full", async () => {
    const approval = await createWorkshop({
      requireVerification: false,
      registrationMode: "approval",
    });
    const seated = await addPerson(approval.id);
    const known = await register(approval.slug, { name: "X", email: seated.email });
    const fresh = await register(approval.slug, { name: "Y", email: uniqueEmail("a") });
    expect([known.status, await known.json()]).toEqual([201, { status: "pending_approval" }]);
    expect([fresh.status, await fresh.json()]).toEqual([201, { status: "pending_approval" }]);

    const full = await createWorkshop({ requireVerification: false, capacity: 1 });
    const only = await addPerson(full.id);
    const again = await register(full.slug, { name: "X", email: only.email });
    const next = await register(full.slug, { name: "Y", email: uniqueEmail("w") });
    expect([again.status, await again.json()]).toEqual([201, { status: "waitlisted" }]);
    expect([next.status, await next.json()]).toEqual([201, { status: "waitlisted" }]);
    expect(await statusOf(only.id)).toBe("confirmed");

    // The choice is the API's documented behaviour.
    const openapi = await (await call("/api/v1/openapi.json")).text();
    expect(openapi).toContain("a public answer never reveals another registration");
  });
});

describe("free text on public forms", () => {
  const long = (n: number) => "n".repeat(n);
  const tooLongName = "Your name is too long: use at most 200 characters.";

  it("is limited on the subscription form and API, with the reason given", async () => {
    const email = uniqueEmail("sub");
    const api = await json("/api/v1/public/subscriptions", "POST", { email, name: long(201) });
    expect(api.status).toBe(422);
    const longAddress = `${long(250)}@example.org`;
    const address = await json("/api/v1/public/subscriptions", "POST", { email: longAddress });
    expect(address.status).toBe(422);
    expect(((await address.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe(
      "email",
    );

    const page = await form("/subscribe", { email, name: long(5000), language: "en" });
    expect(page.status).toBe(422);
    expect(await page.text()).toContain(tooLongName);
    const ar = await form("/subscribe?lang=ar", { email, name: long(201), language: "ar" });
    expect(ar.status).toBe(422);
    expect(await ar.text()).toContain("الاسم طويل جداً");
    expect((await form("/subscribe", { email: longAddress, language: "en" })).status).toBe(422);
    // Nothing was recorded, and nothing was sent.
    expect(await subscriberRowOf(email)).toBe(undefined);
    expect(await db().query.emails.findFirst({ where: eq(emails.to, email) })).toBe(undefined);
  });

  it("is limited on the RSVP form and API, with the reason given", async () => {
    const w = await createWorkshop({
      registrationMode: "invitation",
      questions: [{ id: "why", label: "Why", type: "text" }],
    });
    const email = uniqueEmail("inv");
    const token = await inviteAndGetToken(w.id, email);
    const page = await form(`/i/${token}`, {
      response: "accept",
      name: long(201),
      language: "en",
    });
    expect(page.status).toBe(422);
    expect(await page.text()).toContain(tooLongName);
    const ar = await form(`/i/${token}?lang=ar`, {
      response: "accept",
      name: long(201),
      language: "ar",
    });
    expect(ar.status).toBe(422);
    expect(await ar.text()).toContain("الاسم طويل جداً");
    const rsvp = (body: Record<string, unknown>) =>
      json(`/api/v1/public/invitations/${token}`, "POST", { response: "accept", ...body });
    expect((await rsvp({ name: long(201) })).status).toBe(422);
    expect((await rsvp({ answers: { why: long(2001) } })).status).toBe(422);
    // Still unanswered.
    expect((await invitationRowOf(w.id, email))!.status).toBe("sent");
    expect((await rsvp({ name: long(200) })).status).toBe(200);
  });

  it("is explained on the registration form when a name or address is too long", async () => {
    const w = await createWorkshop();
    const page = await form(`/workshops/${w.slug}/register`, {
      name: long(201),
      email: `${long(250)}@example.org`,
      language: "en",
    });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain(tooLongName);
    expect(html).toContain("Enter a valid email address.");
    const api = await register(w.slug, { name: "Long", email: `${long(250)}@example.org` });
    expect(api.status).toBe(422);
  });
});

describe("the public count of places", () => {
  it("says available, few left or full, never how many; organisers still see numbers", async () => {
    const w = await createWorkshop({ capacity: 10 });
    const pages = async () =>
      Promise.all([
        call(`/workshops/${w.slug}?lang=en`).then((r) => r.text()),
        call(`/workshops/${w.slug}?lang=ar`).then((r) => r.text()),
        call("/?lang=en").then((r) => r.text()),
      ]);
    const count = /\d+\s*places left|بقي \d+/;

    let [en, ar, home] = await pages();
    expect(en).toContain("Places available");
    expect(ar).toContain("الأماكن متاحة");
    for (const html of [en, ar, home]) expect(html).not.toMatch(count);

    for (let i = 0; i < 8; i++) await addPerson(w.id);
    [en, ar, home] = await pages();
    expect(en).toContain("Few places left");
    expect(ar).toContain("بقيت أماكن قليلة");
    expect(home).toContain("Few places left");
    for (const html of [en, ar, home]) expect(html).not.toMatch(count);

    for (let i = 0; i < 2; i++) await addPerson(w.id);
    [en, ar] = await pages();
    expect(en).toContain("Full — waitlist open");

    const seen = (await (await call(`/api/v1/workshops/${w.id}`, { headers: ADMIN })).json()) as {
      seats: unknown;
    };
    expect(seen.seats).toEqual({ confirmed: 10, capacity: 10, available: 0 });
  });
});
