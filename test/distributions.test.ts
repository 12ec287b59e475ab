import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, asc, count, eq, gte } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { meteredD1, newMeter } from "../src/db/metering";
import {
  deliveries,
  distributionChunks,
  distributionRenders,
  distributions,
  emails,
  mailboxMessages,
  type ReportVersionContent,
  registrations,
  subscribers,
  suppressions,
  webhookEvents,
} from "../src/db/schema";
import { sendChunk } from "../src/distributions/chunk";
import { createDistribution, resumeDistribution } from "../src/distributions/create";
import { prepareStep } from "../src/distributions/prepare";
import { sendReport } from "../src/distributions/presend";
import { renderStage } from "../src/distributions/renders";
import { sweepDistributions } from "../src/distributions/sweeper";
import type { Env } from "../src/env";
import type { Lang } from "../src/i18n";
import worker from "../src/index";
import { isSealed } from "../src/lib/crypto";
import { DevMailboxTransport } from "../src/mail/dev-mailbox";
import type { MailQueueMessage } from "../src/mail/messages";
import { ResendTransport } from "../src/mail/resend";
import { MAIL_MAX_ATTEMPTS } from "../src/mail/retry";
import { BUILT_IN_OWNER } from "../src/organisers/service";
import type { Services } from "../src/services";
import { workshopKeyName } from "../src/vault/keys";
import {
  distributionRow,
  drain,
  engine,
  publishedReport,
  type Queued,
  RecordingQueue,
  seedAttendees,
  seedSubscribers,
  distributionTo as setup,
  topic,
} from "./support/distribution";
import { fakeResend } from "./support/fake-resend";
import {
  ADMIN,
  call,
  db,
  eventually,
  json,
  suppress,
  suppression,
  uniqueEmail,
} from "./support/helpers";
import { postWebhook } from "./support/svix";
import { subscriberIndex, subscriberRowOf, vault } from "./support/vault";
import { createWorkshop } from "./support/workshops";

const suppressed = suppression;

async function attendee(workshopId: string, email: string, language: Lang, receiveReport = true) {
  const res = await json(
    `/api/v1/workshops/${workshopId}/registrations`,
    "POST",
    { name: `Attendee ${email}`, email, language, notify: false },
    ADMIN,
  );
  const r = (await res.json()) as { id: string };
  if (!receiveReport)
    await db()
      .update(registrations)
      .set({ receiveReport: false })
      .where(eq(registrations.id, r.id));
  return r.id;
}

describe("a distribution to a mixed audience", () => {
  it("sends exactly one email per eligible address, in its language, through the real queue", async () => {
    const t = await topic(`mix-${Date.now()}`);
    const other = await topic(`other-${Date.now()}`);
    const w = await createWorkshop({ capacity: 20 });
    const shared = uniqueEmail("both");
    const [arSub, enSub, unsub, otherTopic] = [
      uniqueEmail("ar"),
      uniqueEmail("en"),
      uniqueEmail("unsub"),
      uniqueEmail("other"),
    ];
    const suppressed = uniqueEmail("supp");
    await seedSubscribers([
      { email: arSub, language: "ar", topicIds: [t.id] },
      { email: enSub, language: "en", topicIds: [t.id] },
      { email: shared, language: "ar", topicIds: [t.id] },
      { email: unsub, status: "unsubscribed", topicIds: [t.id] },
      { email: suppressed, topicIds: [t.id] },
      { email: otherTopic, topicIds: [other.id] },
    ]);
    await suppress(suppressed, "manual");
    const attendeeEn = uniqueEmail("att");
    const optedOut = uniqueEmail("optout");
    await attendee(w.id, shared, "en");
    await attendee(w.id, attendeeEn, "en");
    await attendee(w.id, optedOut, "en", false);

    const report = await publishedReport({ workshopId: w.id });
    const res = await json(
      `/api/v1/reports/${report.id}/distributions`,
      "POST",
      { topics: [t.slug], attendeesOf: { workshopId: w.id, statuses: ["confirmed", "attended"] } },
      ADMIN,
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const done = await eventually(async () => {
      const d = (await (await call(`/api/v1/distributions/${id}`, { headers: ADMIN })).json()) as {
        status: string;
        total: number;
        sent: number;
        skipped: number;
        failed: number;
      };
      return d.status === "completed" ? d : null;
    }, 20_000);
    // arSub, enSub, shared (once), attendeeEn sent; unsub and suppressed skipped; the opted-out
    // attendee and the other topic's subscriber are not in the audience at all.
    expect(done).toMatchObject({ total: 6, sent: 4, skipped: 2, failed: 0 });

    const mail = await db()
      .select()
      .from(mailboxMessages)
      .where(eq(mailboxMessages.idempotencyKey, `distribution/${id}/chunk/0`));
    expect(mail.map((m) => m.to).sort()).toEqual([arSub, enSub, shared, attendeeEn].sort());
    const subjectOf = (to: string) => mail.find((m) => m.to === to)!.subject;
    expect(subjectOf(arSub)).toBe("خلاصات الورشة");
    expect(subjectOf(shared)).toBe("خلاصات الورشة"); // the subscriber record (ar) wins the dedupe
    expect(subjectOf(enSub)).toBe("What the workshop concluded");
    const one = mail.find((m) => m.to === enSub)!;
    expect(one.headers["List-Unsubscribe"]).toMatch(
      /^<http:\/\/localhost:8787\/u\/[^>?]+\?lang=(en|ar)>$/,
    );
    expect(one.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(one.html).toContain(one.headers["List-Unsubscribe"]!.slice(1, -1));
    expect(one.text).toContain("Unsubscribe");
    expect(one.html).not.toMatch(/<img/i);
    expect(one.html).not.toContain("%%");
  });
});

describe("a distribution to sealed subscribers and attendees", () => {
  /** Subscribers of a new topic and attendees of a new workshop, some of them both. */
  async function audience() {
    const t = await topic(`sealed-${Math.random().toString(36).slice(2, 8)}`);
    const w = await createWorkshop();
    const [both, subOnly, attOnly, suppressedOld, suppressedNew] = [
      "both",
      "subonly",
      "attonly",
      "suppold",
      "suppnew",
    ].map((p) => uniqueEmail(p)) as [string, string, string, string, string];
    await seedSubscribers([
      { email: both, language: "ar", topicIds: [t.id], name: "Basma Subscriberova" },
      { email: subOnly, topicIds: [t.id], name: "Sami Onlysubscriber" },
    ]);
    await seedAttendees(w.id, [
      { email: both, name: "Basma Attendeeva" },
      { email: attOnly, name: "Ata Onlyattendee", language: "ar" },
      { email: suppressedOld, name: "Suha Legacyhash" },
      { email: suppressedNew, name: "Samir Keyedindex" },
    ]);
    // One suppressed as before the vault (unkeyed hash), one under the subscribers' key.
    await suppress(suppressedOld);
    await db()
      .insert(suppressions)
      .values({ emailHash: await subscriberIndex(suppressedNew), reason: "complaint" });
    const report = await publishedReport({ workshopId: w.id });
    const queue = new RecordingQueue();
    const ctx = engine(queue);
    const d = await createDistribution(ctx, BUILT_IN_OWNER, report.id, {
      topics: [t.slug],
      attendeesOf: { workshopId: w.id, statuses: ["confirmed"] },
    });
    const names = ["Basma", "Sami", "Ata", "Suha", "Samir"];
    return { w, d, ctx, queue, both, subOnly, attOnly, suppressedOld, suppressedNew, names };
  }

  const mailOf = (distributionId: string) =>
    db()
      .select()
      .from(mailboxMessages)
      .where(eq(mailboxMessages.idempotencyKey, `distribution/${distributionId}/chunk/0`));

  it("sends once to an attendee who is also a subscriber, and keeps no plaintext in the ledger", async () => {
    const a = await audience();
    await drain(a.ctx, a.queue, new DevMailboxTransport(db()), { deliverTwice: true });
    expect(await distributionRow(a.d.id)).toMatchObject({
      status: "completed",
      total: 5,
      sent: 3,
      skipped: 2,
      failed: 0,
    });
    const mail = await mailOf(a.d.id);
    expect(mail.map((m) => m.to).sort()).toEqual([a.both, a.subOnly, a.attOnly].sort());
    // The subscriber record wins the dedupe: their language, their name.
    const toBoth = mail.find((m) => m.to === a.both)!;
    expect(toBoth.subject).toBe("خلاصات الورشة");
    expect(toBoth.text).toContain("Basma Subscriberova");
    expect(mail.find((m) => m.to === a.attOnly)!.text).toContain("Ata Onlyattendee");

    const rows = await db().select().from(deliveries).where(eq(deliveries.distributionId, a.d.id));
    const ledger = JSON.stringify(rows);
    for (const address of [a.both, a.subOnly, a.attOnly, a.suppressedOld, a.suppressedNew])
      expect(ledger).not.toContain(address.split("@")[0]);
    for (const name of a.names) expect(ledger).not.toContain(name);
    expect(rows.every((r) => isSealed(r.email) && isSealed(r.name))).toBe(true);
    expect(rows.filter((r) => r.status === "skipped").map((r) => r.skipReason)).toEqual([
      "suppressed",
      "suppressed",
    ]);
    // Attendees carry their workshop's index, never the one that links them to subscribers.
    const attendee = rows.find((r) => r.registrationId)!;
    const registration = (await db().query.registrations.findFirst({
      where: eq(registrations.id, attendee.registrationId!),
    }))!;
    expect(attendee.emailIndex).toBe(registration.emailIndex);
    const indexes = new Set(rows.map((r) => r.emailIndex));
    expect(indexes.has(await subscriberIndex(a.attOnly))).toBe(false);
    expect(indexes.has(await subscriberIndex(a.both))).toBe(true);
  });

  it("moves on when its cursor is set back over a ledger whose last rows are attendees'", async () => {
    const a = await audience();
    await prepareOnly(a.ctx, a.queue);
    // The last rows numbered and skipped are attendees' (no subscriber id), so they cannot
    // say where a page of subscribers ends: collection must still move on, sending nothing
    // twice. (No chunk has run: the skipped count is the one the totals will set again.)
    await db()
      .update(distributions)
      .set({ cursor: null, stage: "audience", skipped: 0 })
      .where(eq(distributions.id, a.d.id));
    await a.queue.send({ kind: "distribution-prepare", distributionId: a.d.id });
    await drain(a.ctx, a.queue, new DevMailboxTransport(db()));
    expect(await distributionRow(a.d.id)).toMatchObject({
      status: "completed",
      total: 5,
      sent: 3,
      skipped: 2,
    });
    expect((await mailOf(a.d.id)).map((m) => m.to).sort()).toEqual(
      [a.both, a.subOnly, a.attOnly].sort(),
    );
  });

  it("skips as erased the attendees whose workshop key is destroyed before their chunk runs", async () => {
    const a = await audience();
    await prepareOnly(a.ctx, a.queue);
    await vault().destroy(workshopKeyName(a.w.id), new Date());
    await drain(engine(a.queue), a.queue, new DevMailboxTransport(db()));
    expect(await distributionRow(a.d.id)).toMatchObject({
      status: "completed",
      total: 5,
      sent: 2,
      skipped: 3,
    });
    expect((await mailOf(a.d.id)).map((m) => m.to).sort()).toEqual([a.both, a.subOnly].sort());
    const skipped = await db()
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.distributionId, a.d.id), eq(deliveries.status, "skipped")));
    expect(skipped.map((r) => r.skipReason).sort()).toEqual(["erased", "suppressed", "suppressed"]);
  });
});

function assertExactlyOnce(delivered: { to: string }[], addresses: string[]) {
  const counts = new Map<string, number>();
  for (const d of delivered) counts.set(d.to, (counts.get(d.to) ?? 0) + 1);
  expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
  expect(addresses.filter((a) => !counts.has(a))).toEqual([]);
}

describe("delivery through the provider", () => {
  it("makes ⌈eligible / 100⌉ batch calls with keys stable per chunk", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId, addresses } = await setup(250);
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl));
    const state = await fake.state();
    expect(state.calls.map((c) => [c.path, c.idempotencyKey, c.recipients.length])).toEqual([
      ["/emails/batch", `distribution/${distributionId}/chunk/0`, 100],
      ["/emails/batch", `distribution/${distributionId}/chunk/1`, 100],
      ["/emails/batch", `distribution/${distributionId}/chunk/2`, 50],
    ]);
    assertExactlyOnce(state.delivered, addresses);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      total: 250,
      sent: 250,
      skipped: 0,
      failed: 0,
    });
  });

  it("enqueues each full chunk as its page commits, before the audience is complete", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId, addresses } = await setup(1_150);
    // What the distribution's stage was when each chunk was enqueued.
    const stages: string[] = [];
    const enqueued: number[] = [];
    const sendBatch = queue.sendBatch.bind(queue);
    queue.sendBatch = async (batch) => {
      const list = [...batch];
      const { stage } = await distributionRow(distributionId);
      for (const m of list)
        if (m.body.kind === "distribution-chunk") {
          stages.push(stage);
          enqueued.push(m.body.chunk);
        }
      await sendBatch(list);
    };
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl));
    // Three pages of 500: the first two fill chunks 0–9 while collecting; the last one
    // fills chunk 10 and leaves 50 for the last chunk, made when the audience is complete.
    expect(enqueued).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(stages.slice(0, 10).every((s) => s === "audience")).toBe(true);
    expect(stages.at(-1)).not.toBe("audience");
    await expectEachSentOnce(fake, distributionId, addresses);
  });

  it("completes when chunks sent during collection skipped someone", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId, addresses } = await setup(1_150);
    const transport = new ResendTransport("re_test", fake.baseUrl);
    // Chunk 0 is sent the moment the first page fills it, while the audience is still being
    // collected, after its first recipient unsubscribed.
    const sendBatch = queue.sendBatch.bind(queue);
    let first = true;
    queue.sendBatch = async (batch) => {
      const list = [...batch];
      const zero = list.find((m) => m.body.kind === "distribution-chunk" && m.body.chunk === 0);
      if (zero && first) {
        first = false;
        expect((await distributionRow(distributionId)).stage).toBe("audience");
        const [who] = await db()
          .select({ id: deliveries.subscriberId })
          .from(deliveries)
          .where(
            and(
              eq(deliveries.distributionId, distributionId),
              eq(deliveries.chunk, 0),
              eq(deliveries.position, 0),
            ),
          );
        await db()
          .update(subscribers)
          .set({ status: "unsubscribed", unsubscribedAt: new Date() })
          .where(eq(subscribers.id, who!.id!));
        await sendChunk(ctx, transport, distributionId, 0, 1);
      }
      await sendBatch(list.filter((m) => m !== zero));
    };
    await drain(ctx, queue, transport);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      total: 1_150,
      sent: 1_149,
      skipped: 1,
    });
    expect((await fake.state()).delivered).toHaveLength(1_149);
    expect(addresses).toHaveLength(1_150);
  });

  it("resumes chunks made before a pause that came during collection", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId, addresses } = await setup(1_150);
    // Paused as the first page's chunks are enqueued: their messages arrive while paused and
    // are spent, collection stops, and resuming must send those chunks too.
    const sendBatch = queue.sendBatch.bind(queue);
    let paused = false;
    queue.sendBatch = async (batch) => {
      const list = [...batch];
      if (!paused && list.some((m) => m.body.kind === "distribution-chunk")) {
        paused = true;
        await db()
          .update(distributions)
          .set({ status: "paused" })
          .where(eq(distributions.id, distributionId));
      }
      await sendBatch(list);
    };
    const transport = new ResendTransport("re_test", fake.baseUrl);
    await drain(ctx, queue, transport);
    expect((await distributionRow(distributionId)).stage).toBe("audience");
    expect((await fake.state()).delivered).toHaveLength(0);
    await resumeDistribution(ctx, BUILT_IN_OWNER, distributionId);
    await drain(ctx, queue, transport);
    assertExactlyOnce((await fake.state()).delivered, addresses);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      sent: 1_150,
    });
  });

  /** Each of the 1,150 addresses got one email, in ⌈1,150 / 100⌉ chunks. */
  async function expectEachSentOnce(
    fake: ReturnType<typeof fakeResend>,
    distributionId: string,
    addresses: string[],
  ) {
    assertExactlyOnce((await fake.state()).delivered, addresses);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      total: 1_150,
      sent: 1_150,
      chunkCount: 12,
    });
  }

  /** Sets a collected audience's cursor back, and runs the send: each of 1,150 once. */
  async function collectAgainFrom(
    { queue, ctx, distributionId, addresses }: Awaited<ReturnType<typeof setup>>,
    cursor: (typeof distributions.$inferSelect)["cursor"],
  ) {
    const fake = fakeResend();
    await db()
      .update(distributions)
      .set({ cursor, stage: "audience" })
      .where(eq(distributions.id, distributionId));
    await queue.send({ kind: "distribution-prepare", distributionId });
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl));
    await expectEachSentOnce(fake, distributionId, addresses);
  }

  it("collects nothing twice when its cursor did not move (a crash after a page committed)", async () => {
    const sent = await setup(1_150);
    await prepareOnly(sent.ctx, sent.queue);
    // As if every page's cursor move had been lost: collection starts over.
    await collectAgainFrom(sent, null);
  });

  it("resumes a collection whose cursor holds no numbering (one from before it did)", async () => {
    const sent = await setup(1_150);
    const { queue, ctx, distributionId } = sent;
    await prepareOnly(ctx, queue);
    // As it was mid-collection across a deploy: five chunks collected, the cursor after the
    // last of them and without the numbering reached.
    const last = (await db().query.deliveries.findFirst({
      where: and(
        eq(deliveries.distributionId, distributionId),
        eq(deliveries.chunk, 4),
        eq(deliveries.position, 99),
      ),
    }))!;
    await db()
      .delete(deliveries)
      .where(and(eq(deliveries.distributionId, distributionId), gte(deliveries.chunk, 5)));
    await db()
      .delete(distributionChunks)
      .where(
        and(
          eq(distributionChunks.distributionId, distributionId),
          gte(distributionChunks.chunk, 5),
        ),
      );
    queue.messages = queue.messages.filter(
      (m) => m.body.kind !== "distribution-chunk" || m.body.chunk < 5,
    );
    await collectAgainFrom(sent, { source: "topics", after: last.subscriberId! });
    const perChunk = await db()
      .select({ chunk: deliveries.chunk, n: count() })
      .from(deliveries)
      .where(eq(deliveries.distributionId, distributionId))
      .groupBy(deliveries.chunk);
    expect(perChunk.map((c) => c.n)).toEqual([...Array(11).fill(100), 50]);
  });

  it("produces no duplicate provider sends when every queue message is delivered twice", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId, addresses } = await setup(180);
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl), { deliverTwice: true });
    const state = await fake.state();
    expect(state.calls.filter((c) => !c.replay)).toHaveLength(2);
    assertExactlyOnce(state.delivered, addresses);
    expect(await distributionRow(distributionId)).toMatchObject({ status: "completed", sent: 180 });
  });

  it("loses nothing and sends nothing twice when the consumer dies after the provider call", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId, addresses } = await setup(150);
    // The provider sends chunk 0, but the answer is lost (as if the Worker died before
    // recording it); the retry reuses the key and the provider returns the first result.
    await fake.inject({ sendThenStatus: 500 });
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl));
    const state = await fake.state();
    assertExactlyOnce(state.delivered, addresses);
    expect(state.calls.filter((c) => c.replay)).toHaveLength(1);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      sent: 150,
      failed: 0,
    });
  });

  it("completes through the sweeper when queue messages are lost mid-send", async () => {
    const fake = fakeResend();
    const transport = new ResendTransport("re_test", fake.baseUrl);
    const { queue, ctx, distributionId, addresses } = await setup(320);
    // Every chunk message except chunk 0 is lost (a restart), and one chunk is left frozen
    // half-way: attempted, answer never recorded.
    await drain(ctx, queue, transport, {
      lose: (m) => m.body.kind === "distribution-chunk" && m.body.chunk !== 0,
    });
    await fake.inject({ sendThenStatus: 503 });
    const { sendChunk } = await import("../src/distributions/chunk");
    expect((await sendChunk(ctx, transport, distributionId, 1, 1)).action).toBe("retry");
    expect((await distributionRow(distributionId)).status).toBe("sending");

    const later = new Date(Date.now() + 3 * 60 * 1000);
    await sweepDistributions(ctx, later);
    await drain(ctx, queue, transport);
    const state = await fake.state();
    assertExactlyOnce(state.delivered, addresses);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      total: 320,
      sent: 320,
    });
  });

  it("slows down on 429 without failing, and retries 5xx", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId, addresses } = await setup(120);
    await fake.inject(
      { status: 429, retryAfter: 7 },
      { status: 429, retryAfter: 7 },
      { status: 429, retryAfter: 7 },
      { status: 429, retryAfter: 7 },
      { status: 429, retryAfter: 7 },
      { status: 429, retryAfter: 7 },
      { status: 429, retryAfter: 7 },
      { status: 500 },
      { status: 502 },
    );
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl));
    const delays = queue.delays;
    // Seven 429s in a row (more than the retry budget) still end in a completed send, each
    // wait no shorter than the provider asked.
    expect(delays.filter((d) => d >= 7).length).toBeGreaterThanOrEqual(7);
    assertExactlyOnce((await fake.state()).delivered, addresses);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      sent: 120,
      failed: 0,
    });
  });

  it("records recipients as failed after the last 5xx retry, and still completes", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId } = await setup(30);
    await fake.inject(...Array.from({ length: 6 }, () => ({ status: 503 })));
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl));
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      total: 30,
      sent: 0,
      failed: 30,
    });
  });
});

/** Collects the audience and queues the chunks, without sending any. */
async function prepareOnly(ctx: Services, queue: RecordingQueue) {
  while (queue.messages.some((m) => m.body.kind === "distribution-prepare")) {
    const m = queue.messages.shift()!;
    if (m.body.kind === "distribution-prepare")
      await prepareStep(ctx, m.body.distributionId, m.attempts);
    else queue.messages.push(m);
  }
}

describe("what a distribution costs in D1", () => {
  it("reads at most 5 rows and writes at most 3 per recipient, from the checks to the last chunk", async () => {
    const fake = fakeResend();
    const addresses = Array.from({ length: 1_150 }, () => uniqueEmail("cost"));
    await seedSubscribers([
      ...addresses.map((email, i) => ({
        email,
        language: i % 3 ? ("en" as const) : ("ar" as const),
      })),
      { email: uniqueEmail("gone"), status: "unsubscribed" as const },
    ]);
    await suppress(addresses[7]!);
    const report = await publishedReport();
    const queue = new RecordingQueue();
    const meter = newMeter();
    const metered = createDb(meteredD1(env.DB, meter));
    const ctx: Services = { ...engine(queue), db: metered };
    // What the API's send does: the checks (the audience counted), then the distribution.
    const d = await sendReport(ctx, BUILT_IN_OWNER, report.id, { confirm: true });
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl));
    // The audience is every subscriber of the database, those of earlier tests too.
    const row = await distributionRow(d.id);
    expect(row.status).toBe("completed");
    expect(row.total).toBeGreaterThan(1_150);
    const delivered = (await fake.state()).delivered;
    assertExactlyOnce(
      delivered,
      addresses.filter((_, i) => i !== 7),
    );
    expect(delivered.some((m) => m.to === addresses[7])).toBe(false);
    expect(meter.rowsRead / row.total).toBeLessThanOrEqual(5);
    expect(meter.rowsWritten / row.total).toBeLessThanOrEqual(3);
  });
});

describe("what a chunk rechecks before it sends", () => {
  it("only what changed since collection, and entries from before the vault for everyone", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId, addresses } = await setup(5);
    await prepareOnly(ctx, queue);
    const [unsubscribed, bounced, old] = addresses;
    // After collection: one unsubscribes, one bounces elsewhere (a new entry of the list).
    await db()
      .update(subscribers)
      .set({ status: "unsubscribed", unsubscribedAt: new Date() })
      .where(eq(subscribers.id, (await subscriberRowOf(unsubscribed!))!.id));
    await db()
      .insert(suppressions)
      .values({ emailHash: await subscriberIndex(bounced!), reason: "bounce" });
    // An entry from before the vault (the unkeyed hash, older than the subscribers' key),
    // which collection could not match in SQL.
    const { sha256Hex } = await import("../src/lib/tokens");
    await db()
      .insert(suppressions)
      .values({ emailHash: await sha256Hex(old!), reason: "complaint", createdAt: new Date(0) });
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl));
    const delivered = (await fake.state()).delivered.map((d) => d.to);
    expect(delivered.sort()).toEqual(addresses.slice(3).sort());
    const skipped = await db()
      .select({ reason: deliveries.skipReason })
      .from(deliveries)
      .where(and(eq(deliveries.distributionId, distributionId), eq(deliveries.status, "skipped")));
    expect(skipped.map((r) => r.reason).sort()).toEqual([
      "suppressed",
      "suppressed",
      "unsubscribed",
    ]);
  });
});

describe("unsubscribing", () => {
  it("works with one cross-origin POST without cookies, and applies to chunks already queued", async () => {
    const { queue, ctx, distributionId, addresses } = await setup(3);
    // The audience is collected and the chunk is queued, but not sent yet.
    await prepareOnly(ctx, queue);
    expect(queue.messages.map((m) => m.body.kind)).toEqual(["distribution-chunk"]);

    const sub = (await subscriberRowOf(addresses[0]!))!;
    const { unsubscribeToken } = await import("../src/subscribers/tokens");
    const token = await unsubscribeToken(env.TOKEN_SECRET, { kind: "subscriber", id: sub.id });
    // A GET shows a button and changes nothing.
    expect((await call(`/u/${token}`)).status).toBe(200);
    expect(
      (await db().query.subscribers.findFirst({ where: eq(subscribers.id, sub.id) }))!.status,
    ).toBe("active");
    const res = await call(`/u/${token}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://mail.example.net",
        "Sec-Fetch-Site": "cross-site",
      },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(
      (await db().query.subscribers.findFirst({ where: eq(subscribers.id, sub.id) }))!.status,
    ).toBe("unsubscribed");

    await drain(ctx, queue, new DevMailboxTransport(db()));
    const sent = await db()
      .select()
      .from(mailboxMessages)
      .where(eq(mailboxMessages.idempotencyKey, `distribution/${distributionId}/chunk/0`));
    expect(sent.map((m) => m.to).sort()).toEqual(addresses.slice(1).sort());
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      total: 3,
      sent: 2,
      skipped: 1,
    });
  });

  it("refuses a forged token", async () => {
    const res = await call("/u/u.s:sub_x.0.AAAAAAAAAAAAAAAAAAAAAAAAAAA", {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(404);
  });
});

describe("erasure during a distribution", () => {
  const subscriberId = async (email: string) => (await subscriberRowOf(email))!.id;
  const erase = async (email: string) =>
    expect(
      (
        await call(`/api/v1/subscribers/${await subscriberId(email)}`, {
          method: "DELETE",
          headers: ADMIN,
        })
      ).status,
    ).toBe(204);
  const ledger = (id: string) =>
    db().select().from(deliveries).where(eq(deliveries.distributionId, id));

  it("skips a person erased while their chunk waits, and sends the rest of the chunk", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId, addresses } = await setup(4);
    await prepareOnly(ctx, queue);
    await erase(addresses[1]!);
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl));

    const state = await fake.state();
    expect(state.delivered.map((d) => d.to).sort()).toEqual(
      [addresses[0], addresses[2], addresses[3]].sort(),
    );
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      total: 4,
      sent: 3,
      failed: 0,
      skipped: 1,
    });
    const rows = await ledger(distributionId);
    expect(rows.filter((r) => r.status === "skipped")).toMatchObject([
      { skipReason: "erased", name: null, subscriberId: null },
    ]);
    expect(JSON.stringify(rows)).not.toContain(addresses[1]);
  });

  it("forgets a person erased while their chunk is in flight, once its outcome is recorded", async () => {
    const fake = fakeResend();
    const transport = new ResendTransport("re_test", fake.baseUrl);
    const { queue, ctx, distributionId, addresses } = await setup(3);
    await prepareOnly(ctx, queue);
    // The provider sends the chunk but the answer is lost: the chunk is frozen, in flight.
    await fake.inject({ sendThenStatus: 500 });
    expect((await sendChunk(ctx, transport, distributionId, 0, 1)).action).toBe("retry");
    await erase(addresses[0]!);
    // The retry carries the same payload, so the provider replays its first answer.
    expect((await sendChunk(ctx, transport, distributionId, 0, 2)).action).toBe("ack");
    const state = await fake.state();
    expect(state.calls.map((c) => [c.status, c.replay])).toEqual([
      [500, false],
      [200, true],
    ]);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      total: 3,
      sent: 3,
      failed: 0,
    });
    const rows = await ledger(distributionId);
    expect(JSON.stringify(rows)).not.toContain(addresses[0]);
    // Sent with its chunk: the row itself stays as collected, only forgotten.
    expect(rows.filter((r) => r.subscriberId === null)).toMatchObject([
      { status: "pending", chunk: 0, name: null, forget: false },
    ]);
    expect(
      await db().query.distributionChunks.findFirst({
        where: eq(distributionChunks.distributionId, distributionId),
      }),
    ).toMatchObject({ status: "sent", size: 3, forget: false });
  });
});

describe("webhooks", () => {
  /**
   * A sent distribution, and what Resend's webhook events about each email carry: its id,
   * recipient and tags (the fake echoes the tags it was sent, as Resend does).
   */
  async function sentDelivery() {
    const fake = fakeResend();
    const { queue, ctx, distributionId } = await setup(2);
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl));
    const rows = (await fake.state()).delivered.map((d) => ({
      email: d.to,
      data: { email_id: d.id, to: [d.to], tags: d.tags },
    }));
    expect(rows).toHaveLength(2);
    for (const r of rows)
      expect(r.data.tags).toMatchObject({ distribution: distributionId, chunk: "0" });
    return { distributionId, rows };
  }

  it("verify the signature and the timestamp tolerance, and process a replay once", async () => {
    const { distributionId, rows } = await sentDelivery();
    const event = {
      type: "email.delivered",
      data: rows[0]!.data,
    };
    expect((await postWebhook(event, { tamper: true })).status).toBe(401);
    expect(
      (await postWebhook(event, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status,
    ).toBe(401);
    expect(
      (await postWebhook(event, { secret: "whsec_d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk=" }))
        .status,
    ).toBe(401);
    const first = await postWebhook(event, { id: "msg_replayed" });
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    const again = await postWebhook(event, { id: "msg_replayed" });
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(await distributionRow(distributionId)).toMatchObject({ delivered: 1, bounced: 0 });
  });

  it("suppress a bounced address for every later send, including a running distribution", async () => {
    const { distributionId, rows } = await sentDelivery();
    const bounced = rows[1]!;
    await postWebhook({
      type: "email.bounced",
      data: bounced.data,
    });
    expect(await suppression(bounced.email)).toMatchObject({ reason: "bounce" });
    expect((await subscriberRowOf(bounced.email))!.status).toBe("bounced");
    expect(await distributionRow(distributionId)).toMatchObject({ bounced: 1 });
    // A later distribution to the same topic skips the address.
    const report = await publishedReport();
    const queue = new RecordingQueue();
    const ctx = engine(queue);
    const sub = (await db().query.subscribers.findFirst({
      where: eq(subscribers.emailIndex, await subscriberIndex(bounced.email)),
      with: { topics: { with: { topic: true } } },
    }))!;
    const d = await createDistribution(ctx, BUILT_IN_OWNER, report.id, {
      topics: [sub.topics[0]!.topic.slug],
    });
    await drain(ctx, queue, new DevMailboxTransport(db()));
    expect(await distributionRow(d.id)).toMatchObject({
      status: "completed",
      total: 2,
      sent: 1,
      skipped: 1,
    });
  });

  it("record an event only with its processing: a failure leaves it for the redelivery", async () => {
    const { distributionId, rows } = await sentDelivery();
    const bounced = rows[0]!;
    const event = {
      type: "email.bounced",
      data: bounced.data,
    };
    // Processing fails half-way (the suppression cannot be written), as D1 trouble would.
    await env.DB.prepare(
      "CREATE TRIGGER fail_suppression BEFORE INSERT ON suppressions BEGIN SELECT RAISE(ABORT, 'injected'); END",
    ).run();
    try {
      expect((await postWebhook(event, { id: "msg_fails_once" })).status).toBe(500);
    } finally {
      await env.DB.prepare("DROP TRIGGER fail_suppression").run();
    }
    expect(
      await db().query.webhookEvents.findFirst({ where: eq(webhookEvents.id, "msg_fails_once") }),
    ).toBeUndefined();
    expect(await distributionRow(distributionId)).toMatchObject({ bounced: 0 });

    // Resend delivers the same event again: this time it is processed, once.
    const again = await postWebhook(event, { id: "msg_fails_once" });
    expect(await again.json()).toEqual({ received: true, duplicate: false });
    expect(await distributionRow(distributionId)).toMatchObject({ bounced: 1 });
    expect((await subscriberRowOf(bounced.email))!.status).toBe("bounced");
    expect(await suppressed(bounced.email)).toMatchObject({ reason: "bounce" });
    const third = await postWebhook(event, { id: "msg_fails_once" });
    expect(await third.json()).toEqual({ received: true, duplicate: true });
    expect(await distributionRow(distributionId)).toMatchObject({ bounced: 1 });
  });
});

describe("cancelling", () => {
  it("stops what has not gone out", async () => {
    const { queue, ctx, distributionId } = await setup(250);
    // Prepare, send chunk 0 only, then cancel.
    const { prepareStep } = await import("../src/distributions/prepare");
    const { sendChunk } = await import("../src/distributions/chunk");
    for (let m = queue.messages.shift(); m; m = queue.messages.shift()) {
      if (m.body.kind === "distribution-prepare")
        await prepareStep(ctx, m.body.distributionId, m.attempts);
      else if (m.body.kind === "distribution-chunk" && m.body.chunk === 0)
        await sendChunk(ctx, new DevMailboxTransport(db()), distributionId, 0, 1);
    }
    const res = await json(`/api/v1/distributions/${distributionId}/cancel`, "POST", {}, ADMIN);
    expect(await res.json()).toMatchObject({
      status: "cancelled",
      total: 250,
      sent: 100,
      skipped: 150,
    });
    const later = await sendChunk(ctx, new DevMailboxTransport(db()), distributionId, 1, 1);
    expect(later.action).toBe("ack");
    expect(
      await db()
        .select()
        .from(mailboxMessages)
        .where(eq(mailboxMessages.idempotencyKey, `distribution/${distributionId}/chunk/1`)),
    ).toHaveLength(0);
  });

  it("schedules for later, and the cron starts it when due", async () => {
    const t = await topic(`sched-${Date.now()}`);
    await seedSubscribers([{ email: uniqueEmail("sched"), topicIds: [t.id] }]);
    const report = await publishedReport();
    const at = new Date(Date.now() + 3600_000);
    const res = await json(
      `/api/v1/reports/${report.id}/distributions`,
      "POST",
      { topics: [t.slug], scheduledAt: at.toISOString() },
      ADMIN,
    );
    const { id, status } = (await res.json()) as { id: string; status: string };
    expect(status).toBe("scheduled");
    const queue = new RecordingQueue();
    await sweepDistributions(engine(queue), new Date());
    expect((await distributionRow(id)).status).toBe("scheduled");
    await sweepDistributions(engine(queue), new Date(at.getTime() + 1000));
    expect((await distributionRow(id)).status).toBe("sending");
    expect(queue.messages.map((m) => m.body.kind)).toEqual(["distribution-prepare"]);
  });

  it("refuses to send a draft", async () => {
    const res = await json(
      "/api/v1/reports",
      "POST",
      { defaultLanguage: "en", versions: [{ language: "en", title: "Draft", body: "x" }] },
      ADMIN,
    );
    const { id } = (await res.json()) as { id: string };
    expect((await json(`/api/v1/reports/${id}/distributions`, "POST", {}, ADMIN)).status).toBe(409);
  });
});

describe("emails stay out of the outbox table", () => {
  it("distribution emails are not stored per recipient in the outbox", async () => {
    const { queue, ctx } = await setup(5);
    await drain(ctx, queue, new DevMailboxTransport(db()));
    expect(
      await db()
        .select()
        .from(emails)
        .where(and(eq(emails.kind, "report"))),
    ).toHaveLength(0);
  });
});

describe("rendering in the queue consumer", () => {
  const rendersOf = (distributionId: string) =>
    db()
      .select()
      .from(distributionRenders)
      .where(eq(distributionRenders.distributionId, distributionId))
      .orderBy(asc(distributionRenders.language));

  /** A recorded content the template throws on: a language it has no words for. */
  const unrenderable = (content: ReportVersionContent[]) =>
    content.map((v, i) => (i === 0 ? { ...v, language: "xx" as Lang } : v));

  /** Runs the real queue handler on one prepare message, as the queue would deliver it. */
  async function deliverPrepare(distributionId: string, attempts: number, workerEnv: Env) {
    const batch = createMessageBatch<MailQueueMessage>("workshops-mail", [
      {
        id: "prepare",
        timestamp: new Date(),
        attempts,
        body: { kind: "distribution-prepare", distributionId },
      },
    ]);
    const delays: (number | undefined)[] = [];
    const message = batch.messages[0]!;
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      delays.push(options?.delaySeconds);
      retry(options);
    };
    const ctx = createExecutionContext();
    await worker.queue(batch, workerEnv, ctx);
    return { ...(await getQueueResult(batch, ctx)), delay: delays[0] };
  }

  it("records the content on the request, and the prepare step renders each language once", async () => {
    const { queue, ctx, distributionId, addresses } = await setup(2);
    // The request wrote the distribution and what to render, and queued the prepare step.
    expect(await rendersOf(distributionId)).toEqual([]);
    const made = await distributionRow(distributionId);
    expect(made).toMatchObject({ status: "sending", stage: "render", error: null });
    expect(made.content!.map((v) => [v.language, v.title]).sort()).toEqual([
      ["ar", "خلاصات الورشة"],
      ["en", "What the workshop concluded"],
    ]);
    expect(queue.messages.map((m) => m.body.kind)).toEqual(["distribution-prepare"]);

    await prepareOnly(ctx, queue);
    const renders = await rendersOf(distributionId);
    expect(renders.map((r) => [r.language, r.subject])).toEqual([
      ["ar", "خلاصات الورشة"],
      ["en", "What the workshop concluded"],
    ]);
    expect(await distributionRow(distributionId)).toMatchObject({ stage: "ready", content: null });

    await drain(ctx, queue, new DevMailboxTransport(db()));
    expect(await distributionRow(distributionId)).toMatchObject({ status: "completed", sent: 2 });
    const mail = await db()
      .select()
      .from(mailboxMessages)
      .where(eq(mailboxMessages.idempotencyKey, `distribution/${distributionId}/chunk/0`));
    expect(mail.map((m) => m.to).sort()).toEqual([...addresses].sort());
  });

  it("renders a scheduled one when it starts, from the report as it was when it was made", async () => {
    const t = await topic(`later-${Date.now()}`);
    const reader = uniqueEmail("later");
    await seedSubscribers([{ email: reader, topicIds: [t.id] }]);
    const report = await publishedReport();
    const at = new Date(Date.now() + 3600_000);
    const res = await json(
      `/api/v1/reports/${report.id}/distributions`,
      "POST",
      { topics: [t.slug], scheduledAt: at.toISOString() },
      ADMIN,
    );
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(await rendersOf(id)).toEqual([]);
    // An edit after sending changes the public page, not the email on its way.
    const edit = await json(
      `/api/v1/reports/${report.id}`,
      "PATCH",
      { versions: [{ language: "en", title: "Edited afterwards", body: "Changed." }] },
      ADMIN,
    );
    expect(edit.status).toBe(200);

    const queue = new RecordingQueue();
    const ctx = engine(queue);
    await sweepDistributions(ctx, new Date(at.getTime() + 1000));
    await drain(ctx, queue, new DevMailboxTransport(db()));
    expect((await rendersOf(id)).map((r) => r.language)).toEqual(["ar", "en"]);
    expect(await distributionRow(id)).toMatchObject({ status: "completed", sent: 1 });
    const mail = (await db().query.mailboxMessages.findFirst({
      where: eq(mailboxMessages.to, reader),
    }))!;
    expect(mail.subject).toBe("What the workshop concluded");
    expect(mail.text).not.toContain("Changed.");
  });

  it("retries a template that throws, then fails the distribution with the reason, sending nothing", async () => {
    const fake = fakeResend();
    const { distributionId } = await setup(3);
    const { content } = await distributionRow(distributionId);
    await db()
      .update(distributions)
      .set({ content: unrenderable(content!) })
      .where(eq(distributions.id, distributionId));

    const delays: number[] = [];
    for (let attempt = 1; attempt < MAIL_MAX_ATTEMPTS; attempt++) {
      const result = await deliverPrepare(distributionId, attempt, fake.env);
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages.map((r) => r.msgId)).toEqual(["prepare"]);
      delays.push(result.delay!);
      const row = await distributionRow(distributionId);
      expect(row).toMatchObject({ status: "sending", stage: "render" });
      expect(row.error).toMatch(/^rendering failed: /);
      // Not taken for lost by the sweeper before its retry is due.
      expect(row.progressAt!.getTime()).toBeGreaterThan(Date.now());
    }
    expect(delays[0]!).toBeGreaterThanOrEqual(15);
    for (let i = 1; i < delays.length; i++)
      expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);

    const last = await deliverPrepare(distributionId, MAIL_MAX_ATTEMPTS, fake.env);
    expect(last.explicitAcks).toEqual(["prepare"]);
    expect(last.retryMessages).toEqual([]);
    const res = await call(`/api/v1/distributions/${distributionId}`, { headers: ADMIN });
    const failed = (await res.json()) as Record<string, unknown>;
    expect(failed).toMatchObject({ status: "failed", total: 0, sent: 0, preparing: false });
    expect(failed.error).toMatch(/^rendering failed: /);
    expect(failed.completedAt).not.toBeNull();

    // Nothing rendered, collected or sent, and nothing resumes it.
    expect(await rendersOf(distributionId)).toEqual([]);
    expect(
      await db().select().from(deliveries).where(eq(deliveries.distributionId, distributionId)),
    ).toEqual([]);
    const queue = new RecordingQueue();
    await sweepDistributions(engine(queue), new Date(Date.now() + 60 * 60 * 1000));
    expect(
      queue.messages.filter(
        (m) => "distributionId" in m.body && m.body.distributionId === distributionId,
      ),
    ).toEqual([]);
    expect((await fake.state()).calls).toEqual([]);
    expect(
      (await json(`/api/v1/distributions/${distributionId}/cancel`, "POST", {}, ADMIN)).status,
    ).toBe(409);
  });

  it("does not render again when a prepare message is delivered again", async () => {
    const fake = fakeResend();
    const { queue, ctx, distributionId, addresses } = await setup(150);
    // The first delivery renders, then its Worker dies before collecting anyone or acking.
    expect(await renderStage(ctx, await distributionRow(distributionId), 1)).toBeNull();
    const rendered = await rendersOf(distributionId);
    expect(rendered.map((r) => r.language)).toEqual(["ar", "en"]);
    expect(await distributionRow(distributionId)).toMatchObject({
      stage: "audience",
      content: null,
    });
    // Were a later delivery to render again, it would now throw and say so.
    await db()
      .update(distributions)
      .set({
        content: unrenderable([
          { language: "en", title: "Again", summary: null, body: "Again.", webUrl: null },
        ]),
      })
      .where(eq(distributions.id, distributionId));

    // The same message again, and every message twice: the prepare step runs at the audience
    // stage, then once more when the distribution is ready.
    await drain(ctx, queue, new ResendTransport("re_test", fake.baseUrl), { deliverTwice: true });
    expect(await rendersOf(distributionId)).toEqual(rendered);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      sent: 150,
      error: null,
    });
    assertExactlyOnce((await fake.state()).delivered, addresses);
  });
});

describe("automatic pause", () => {
  /**
   * A distribution of `count` sent through the fake provider, chunks 0 to 2 only: the
   * messages of the later chunks are held back, to arrive once it has paused. Earlier
   * delivered events are stood for by the counter, set to `delivered`.
   */
  async function halfSent(count: number, delivered: number) {
    const fake = fakeResend();
    const transport = new ResendTransport("re_test", fake.baseUrl);
    const sent = await setup(count);
    const held: Queued[] = [];
    await drain(sent.ctx, sent.queue, transport, {
      lose: (m) => {
        const later = m.body.kind === "distribution-chunk" && m.body.chunk >= 3;
        if (later) held.push(m);
        return later;
      },
    });
    await db()
      .update(distributions)
      .set({ delivered })
      .where(eq(distributions.id, sent.distributionId));
    const events = (await fake.state()).delivered.map((d) => ({
      data: { email_id: d.id, to: [d.to], tags: d.tags },
    }));
    expect(events).toHaveLength(300);
    return { ...sent, fake, transport, held, events };
  }

  const post = async (type: string, event: { data: unknown }) =>
    expect((await postWebhook({ type, data: event.data })).status).toBe(200);

  it("pauses on complaints over 0.3 % once 200 are delivered, holds the rest, resumes once", async () => {
    const { ctx, queue, distributionId, fake, transport, held, events, addresses } = await halfSent(
      500,
      198,
    );
    for (const e of events.slice(0, 5)) await post("email.complained", e);
    // 5 of 198: far over the rate, but too few delivered to judge it.
    await post("email.delivered", events[10]!);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "sending",
      delivered: 199,
      complained: 5,
      pauseReason: null,
    });
    await post("email.delivered", events[11]!);
    const paused = await json(`/api/v1/distributions/${distributionId}`, "GET", undefined, ADMIN);
    expect(await paused.json()).toMatchObject({
      status: "paused",
      pauseReason: "complaints at 2.50 % of delivered (5 of 200), over 0.3 %",
    });
    const page = await call(`/admin/distributions/${distributionId}`, { headers: ADMIN });
    // The page keeps each "%" on the line of its number (a no-break space).
    const html = (await page.text()).replaceAll("\u00a0", " ");
    expect(html).toContain("complaints at 2.50 % of delivered (5 of 200), over 0.3 %");
    expect(html).toContain(`/admin/distributions/${distributionId}/resume`);

    // The held chunks arrive while paused: not sent, still to send.
    queue.messages.push(...held);
    await drain(ctx, queue, transport);
    expect((await fake.state()).calls).toHaveLength(3);
    const chunks = await db()
      .select({ chunk: distributionChunks.chunk, status: distributionChunks.status })
      .from(distributionChunks)
      .where(eq(distributionChunks.distributionId, distributionId))
      .orderBy(asc(distributionChunks.chunk));
    expect(chunks.map((c) => c.status)).toEqual(["sent", "sent", "sent", "pending", "pending"]);
    expect((await distributionRow(distributionId)).status).toBe("paused");

    // The sweeper leaves it alone, however long it waits.
    await sweepDistributions(ctx, new Date(Date.now() + 60 * 60 * 1000));
    expect(queue.messages).toEqual([]);
    expect((await distributionRow(distributionId)).status).toBe("paused");

    // Resumed, with the held messages redelivered too and every message twice.
    expect(await resumeDistribution(ctx, BUILT_IN_OWNER, distributionId)).toMatchObject({
      status: "sending",
    });
    queue.messages.push(...held);
    await drain(ctx, queue, transport, { deliverTwice: true });
    assertExactlyOnce((await fake.state()).delivered, addresses);
    expect((await fake.state()).delivered).toHaveLength(500);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "completed",
      sent: 500,
      pauseReason: "complaints at 2.50 % of delivered (5 of 200), over 0.3 %",
    });
    // It pauses by itself once: the same rates do not stop it again after a resume.
    await post("email.complained", events[20]!);
    expect((await distributionRow(distributionId)).status).toBe("completed");
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, { post?: unknown }>;
    };
    expect(doc.paths["/api/v1/distributions/{id}/resume"]?.post).toBeDefined();
    // Nothing left to resume.
    const again = await json(`/api/v1/distributions/${distributionId}/resume`, "POST", {}, ADMIN);
    expect(again.status).toBe(409);
  });

  it("pauses on bounces over 5 % of delivered, and is cancelled from paused", async () => {
    const { ctx, queue, distributionId, fake, transport, held, events } = await halfSent(450, 200);
    // Exactly 5 % is not over it.
    for (const e of events.slice(0, 10)) await post("email.bounced", e);
    expect((await distributionRow(distributionId)).status).toBe("sending");
    await post("email.bounced", events[10]!);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "paused",
      bounced: 11,
      pauseReason: "bounces at 5.50 % of delivered (11 of 200), over 5 %",
    });

    const res = await json(`/api/v1/distributions/${distributionId}/cancel`, "POST", {}, ADMIN);
    expect(await res.json()).toMatchObject({
      status: "cancelled",
      total: 450,
      sent: 300,
      skipped: 150,
    });
    queue.messages.push(...held);
    await drain(ctx, queue, transport);
    expect((await fake.state()).calls).toHaveLength(3);
    const resumed = await json(`/api/v1/distributions/${distributionId}/resume`, "POST", {}, ADMIN);
    expect(resumed.status).toBe(409);
  });

  it("never pauses below 200 delivered", async () => {
    const { distributionId, events } = await halfSent(400, 150);
    for (const e of events.slice(0, 40)) await post("email.bounced", e);
    for (const e of events.slice(40, 45)) await post("email.complained", e);
    expect(await distributionRow(distributionId)).toMatchObject({
      status: "sending",
      bounced: 40,
      complained: 5,
      pauseReason: null,
    });
  });
});
