// Consent kept apart: a subscription and a registration's "send me the report" are two
// consents, each checked on its own. One email per address; its footer names the consent it
// relies on, and its one-click link withdraws that one and nothing else.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deliveries, mailboxMessages, registrations, subscribers } from "../src/db/schema";
import { createDistribution } from "../src/distributions/create";
import { DevMailboxTransport } from "../src/mail/dev-mailbox";
import { BUILT_IN_OWNER } from "../src/organisers/service";
import { readUnsubscribeToken } from "../src/subscribers/tokens";
import {
  distributionRow,
  drain,
  engine,
  publishedReport,
  RecordingQueue,
  seedAttendees,
  seedSubscribers,
  topic,
} from "./support/distribution";
import { call, db, suppress, uniqueEmail } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

type Mail = typeof mailboxMessages.$inferSelect;

/** The mail a distribution sent (every chunk of these audiences fits in chunk 0). */
const mailOf = (distributionId: string) =>
  db()
    .select()
    .from(mailboxMessages)
    .where(eq(mailboxMessages.idempotencyKey, `distribution/${distributionId}/chunk/0`));

/** The one-click link of an email, and what it withdraws. */
async function linkOf(mail: Mail) {
  const url = mail.headers["List-Unsubscribe"]!.slice(1, -1);
  const token = new URL(url).pathname.split("/u/")[1]!;
  // The visible link is the same one.
  expect(mail.html).toContain(url);
  return { url, token, subject: await readUnsubscribeToken(env.TOKEN_SECRET, token) };
}

/** A mail provider's one-click POST (RFC 8058), from another origin, without cookies. */
const oneClick = (token: string) =>
  call(`/u/${token}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: "https://mail.example.net",
      "Sec-Fetch-Site": "cross-site",
    },
    body: "List-Unsubscribe=One-Click",
  });

const subscriberStatus = async (id: string) =>
  (await db().query.subscribers.findFirst({ where: eq(subscribers.id, id) }))!.status;
const receivesReport = async (id: string) =>
  (await db().query.registrations.findFirst({ where: eq(registrations.id, id) }))!.receiveReport;

/**
 * Subscribers of a new topic who are also attendees of a new workshop:
 * - `unsubscribed` left the newsletter but did not decline the workshop's report;
 * - `both` consents to both;
 * - `neither` left the newsletter and declined the report;
 * - `suppressed` left the newsletter and is on the suppression list.
 */
async function audience() {
  const slug = `consent-${Math.random().toString(36).slice(2, 8)}`;
  const t = await topic(slug);
  const title = `Closed dialogue ${Math.random().toString(36).slice(2, 6)}`;
  const w = await createWorkshop({ title });
  const [unsubscribed, both, neither, suppressed] = ["unsub", "both", "neither", "supp"].map((p) =>
    uniqueEmail(`consent-${p}`),
  ) as [string, string, string, string];
  const [unsubscribedSub, bothSub, neitherSub, suppressedSub] = await seedSubscribers([
    { email: unsubscribed, status: "unsubscribed", topicIds: [t.id] },
    { email: both, topicIds: [t.id], name: "Bushra Subscribed" },
    { email: neither, status: "unsubscribed", topicIds: [t.id] },
    { email: suppressed, status: "unsubscribed", topicIds: [t.id] },
  ]);
  const [unsubscribedReg, bothReg, neitherReg, suppressedReg] = await seedAttendees(w.id, [
    { email: unsubscribed, name: "Umayma Attendee", language: "ar" },
    { email: both, name: "Bushra Attendee" },
    { email: neither, name: "Nadia Declined", receiveReport: false },
    { email: suppressed, name: "Suhail Suppressed" },
  ]);
  await suppress(suppressed, "manual");
  const report = await publishedReport({ workshopId: w.id });
  const send = async () => {
    const queue = new RecordingQueue();
    const ctx = engine(queue);
    const d = await createDistribution(ctx, BUILT_IN_OWNER, report.id, {
      topics: [t.slug],
      attendeesOf: { workshopId: w.id, statuses: ["confirmed"] },
    });
    await drain(ctx, queue, new DevMailboxTransport(db()), { deliverTwice: true });
    return d.id;
  };
  return {
    title,
    topicName: `Topic ${slug}`,
    send,
    unsubscribed: { email: unsubscribed, sub: unsubscribedSub!, reg: unsubscribedReg! },
    both: { email: both, sub: bothSub!, reg: bothReg! },
    neither: { email: neither, sub: neitherSub!, reg: neitherReg! },
    suppressed: { email: suppressed, sub: suppressedSub!, reg: suppressedReg! },
  };
}

describe("consent kept apart", () => {
  it("sends an unsubscribed attendee the workshop's report, relying on their registration", async () => {
    const a = await audience();
    const id = await a.send();
    const mail = await mailOf(id);
    // One email per address: `both` once (as a subscriber), `unsubscribed` once (as an attendee).
    expect(mail.map((m) => m.to).sort()).toEqual([a.both.email, a.unsubscribed.email].sort());

    const toUnsubscribed = mail.find((m) => m.to === a.unsubscribed.email)!;
    // In the attendee's language (Arabic), naming the workshop, not a subscription.
    expect(toUnsubscribed.subject).toBe("خلاصات الورشة");
    expect(toUnsubscribed.text).toContain(`لأنك سجّلت في «${a.title}»`);
    expect(toUnsubscribed.text).toContain("إيقاف تقارير هذه الورشة");
    expect(toUnsubscribed.text).toContain("Umayma Attendee");
    expect(toUnsubscribed.text).not.toContain("اشتركت");
    const link = await linkOf(toUnsubscribed);
    expect(link.subject).toEqual({ kind: "registration", id: a.unsubscribed.reg });

    // Each address is one row of the ledger: the attendee replaced the skipped subscriber.
    const rows = await db().select().from(deliveries).where(eq(deliveries.distributionId, id));
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.subscriberId === a.unsubscribed.sub)).toEqual([]);
    expect(rows.find((r) => r.registrationId === a.unsubscribed.reg)).toMatchObject({
      status: "pending",
    });
    // Declined and suppressed stay one skipped row each, as the subscriber collected first.
    expect(
      rows
        .filter((r) => r.status === "skipped")
        .map((r) => [r.subscriberId, r.skipReason])
        .sort(),
    ).toEqual(
      [
        [a.neither.sub, "unsubscribed"],
        [a.suppressed.sub, "unsubscribed"],
      ].sort(),
    );
    expect(await distributionRow(id)).toMatchObject({
      status: "completed",
      total: 4,
      sent: 2,
      skipped: 2,
      failed: 0,
    });
  });

  it("sends one email relying on the subscription to someone who consented to both", async () => {
    const a = await audience();
    const mail = await mailOf(await a.send());
    const toBoth = mail.filter((m) => m.to === a.both.email);
    expect(toBoth).toHaveLength(1);
    const [one] = toBoth as [Mail];
    expect(one.text).toContain(
      `You receive this because you subscribed to our reports on ${a.topicName}.`,
    );
    expect(one.text).toContain("Unsubscribe from our reports");
    expect(one.text).not.toContain("registered for");
    expect(one.text).toContain("Bushra Subscribed");
    expect((await linkOf(one)).subject).toEqual({ kind: "subscriber", id: a.both.sub });
  });

  it("each one-click link withdraws its own consent and nothing else", async () => {
    const a = await audience();
    const first = await mailOf(await a.send());
    const attendeeLink = await linkOf(first.find((m) => m.to === a.unsubscribed.email)!);
    const subscriberLink = await linkOf(first.find((m) => m.to === a.both.email)!);

    // The pages say which consent they withdraw before anything changes.
    const attendeePage = await (await call(`/u/${attendeeLink.token}?lang=en`)).text();
    expect(attendeePage).toContain("Stop reports about this workshop");
    expect(attendeePage).toContain("Your subscription to our reports, if you have one");
    expect(attendeePage).not.toContain(a.title);
    expect(await (await call(`/u/${subscriberLink.token}?lang=en`)).text()).toContain(
      "stop receiving our reports as a subscriber",
    );

    expect((await oneClick(subscriberLink.token)).status).toBe(200);
    expect(await subscriberStatus(a.both.sub)).toBe("unsubscribed");
    expect(await receivesReport(a.both.reg)).toBe(true);

    expect((await oneClick(attendeeLink.token)).status).toBe(200);
    expect(await receivesReport(a.unsubscribed.reg)).toBe(false);
    expect(await subscriberStatus(a.unsubscribed.sub)).toBe("unsubscribed");

    // The next send of the same report: `both` left the newsletter but not the workshop's
    // report, so they get it as an attendee; `unsubscribed` withdrew both and gets nothing.
    const second = await mailOf(await a.send());
    expect(second.map((m) => m.to)).toEqual([a.both.email]);
    const [again] = second as [Mail];
    expect(again.text).toContain(`You receive this because you registered for “${a.title}”.`);
    expect(again.text).toContain("Bushra Attendee");
    const againLink = await linkOf(again);
    expect(againLink.subject).toEqual({ kind: "registration", id: a.both.reg });

    expect((await oneClick(againLink.token)).status).toBe(200);
    expect(await receivesReport(a.both.reg)).toBe(false);
    expect(await mailOf(await a.send())).toEqual([]);
  });

  it("keeps an attendee out when their subscriber delivery will be sent", async () => {
    const a = await audience();
    const id = await a.send();
    const rows = await db()
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.distributionId, id), eq(deliveries.registrationId, a.both.reg)));
    expect(rows).toEqual([]);
  });
});
