// "Also subscribe to the newsletter" on the registration form: one email, not two. The
// registration's email carries the subscription's confirm link; the subscription stays
// pending (double opt-in) until that link is used.
import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emails } from "../src/db/schema";
import { call, db, emailsTo, form, json, latestEmail, uniqueEmail } from "./support/helpers";
import { subscriberRowOf } from "./support/vault";
import { createWorkshop } from "./support/workshops";

const register = (slug: string, body: Record<string, unknown>) =>
  json(`/api/v1/public/workshops/${slug}/registrations`, "POST", body);

/** Every email written to an address, whatever its kind. */
const allEmailsTo = (email: string) =>
  db().select({ kind: emails.kind }).from(emails).where(emailsTo(email));

const subscriptionLink = (text: string) => text.match(/\/s\/([A-Za-z0-9_.-]+)/)?.[1];

describe("also subscribe", () => {
  it("sends one email with the confirm link; the link activates the subscription", async () => {
    const w = await createWorkshop();
    const email = uniqueEmail("both");
    const res = await register(w.slug, { name: "Both", email, subscribe: true });
    expect(res.status).toBe(202);

    const mail = await latestEmail(email, "workshop:verify");
    expect(mail?.text).toContain("Confirm your newsletter subscription");
    const token = subscriptionLink(mail!.text);
    expect(token).toBeTruthy();
    expect(await allEmailsTo(email)).toEqual([{ kind: "workshop:verify" }]);
    expect((await subscriberRowOf(email))?.status).toBe("pending");

    // The link opens the subscriber's page, whose button confirms.
    expect((await call(`/s/${token}`)).status).toBe(200);
    expect((await call(`/s/${token}/confirm`, { method: "POST" })).status).toBe(200);
    expect((await subscriberRowOf(email))?.status).toBe("active");
  });

  it("works from the Arabic form of a workshop without verification", async () => {
    const w = await createWorkshop({ requireVerification: false, language: "ar" });
    const email = uniqueEmail("form");
    const res = await form(`/workshops/${w.slug}/register?lang=ar`, {
      name: "ليلى",
      email,
      subscribe: "true",
    });
    expect(res.status).toBe(201);
    const mail = await latestEmail(email, "workshop:confirmed");
    expect(mail?.text).toContain("تأكيد الاشتراك في النشرة الإخبارية");
    expect(subscriptionLink(mail!.text)).toBeTruthy();
    expect(await allEmailsTo(email)).toEqual([{ kind: "workshop:confirmed" }]);
    expect((await subscriberRowOf(email))?.status).toBe("pending");
  });

  it("adds nothing for an active subscriber, and answers as for anyone", async () => {
    const active = uniqueEmail("active");
    expect((await json("/api/v1/public/subscriptions", "POST", { email: active })).status).toBe(
      202,
    );
    const prompt = await latestEmail(active, "subscriber:confirm");
    const token = subscriptionLink(prompt!.text)!;
    expect((await call(`/s/${token}/confirm`, { method: "POST" })).status).toBe(200);
    expect((await subscriberRowOf(active))?.status).toBe("active");

    const w = await createWorkshop();
    const fresh = uniqueEmail("fresh");
    const answers = await Promise.all(
      [active, fresh].map(async (email) => {
        const res = await register(w.slug, { name: "Someone", email, subscribe: true });
        return [res.status, await res.text()];
      }),
    );
    expect(answers[0]).toEqual(answers[1]);

    const mail = await latestEmail(active, "workshop:verify");
    expect(mail?.text).not.toContain("/s/");
    expect(mail?.text).not.toContain("Confirm your newsletter subscription");
    const subscriberEmails = await db()
      .select({ id: emails.id })
      .from(emails)
      .where(and(like(emails.kind, "subscriber:%"), emailsTo(active)));
    expect(subscriberEmails).toHaveLength(1);
    expect((await subscriberRowOf(active))?.status).toBe("active");
  });

  it("leaves no subscription behind when the registration is refused", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const email = uniqueEmail("refused");
    const res = await register(w.slug, { name: "Refused", email, subscribe: true });
    expect(res.status).toBe(409);
    expect(await subscriberRowOf(email)).toBeFalsy();
    expect(await db().select().from(emails).where(eq(emails.to, email))).toEqual([]);
  });
});
