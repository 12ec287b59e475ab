// What the public side answers never tells one person about another: registering with an
// address that is already registered answers as a new registrant is answered, and the
// address's owner gets their link by email. Public forms refuse overlong text with an
// explanation, and the public pages give no live count of places.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emails, registrations } from "../src/db/schema";
import { ADMIN, call, db, form, json, uniqueEmail } from "./support/helpers";
import { addPerson, createWorkshop } from "./support/workshops";

const register = (slug: string, body: Record<string, unknown>) =>
  json(`/api/v1/public/workshops/${slug}/registrations`, "POST", body);

const statusOf = async (id: string) =>
  (await db().query.registrations.findFirst({ where: eq(registrations.id, id) }))!.status;

const linksSent = async (to: string) =>
  (
    await db()
      .select()
      .from(emails)
      .where(and(eq(emails.to, to), eq(emails.kind, "workshop:already_registered")))
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
