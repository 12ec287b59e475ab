// Paced to the provider: every Resend call takes a slot of RESEND_RATE from D1, whichever
// chunk, message or consumer invocation makes it; a 429 still slows everyone down.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sendChunk } from "../src/distributions/chunk";
import { prepareStep } from "../src/distributions/prepare";
import type { Env } from "../src/env";
import worker from "../src/index";
import type { MailQueueMessage } from "../src/mail/messages";
import { Mailer } from "../src/mail/outbox";
import { holdOff, intervalMs, paceAccount, rateFrom, reserveSlot } from "../src/mail/pacing";
import { transportFor } from "../src/mail/transports";
import { settingsFrom } from "../src/services";
import { distributionRow, distributionTo, drain, type Queued } from "./support/distribution";
import { fakeResend } from "./support/fake-resend";
import { db, simpleEmail, uniqueEmail } from "./support/helpers";

const account = () => `test:${Math.random().toString(36).slice(2, 10)}`;

/** The production transport (paced Resend) for a fake namespace, at `rate` requests/s. */
function pacedTransport(fake: ReturnType<typeof fakeResend>, rate: number) {
  const settings = settingsFrom({ ...fake.env, RESEND_RATE: String(rate) } as Env);
  return transportFor(settings.mail, db())!;
}

/** Runs the preparation messages; returns the chunk messages it queued. */
async function prepared(setup: Awaited<ReturnType<typeof distributionTo>>): Promise<Queued[]> {
  const chunks: Queued[] = [];
  for (let batch = setup.queue.take(); batch.length > 0; batch = setup.queue.take()) {
    for (const m of batch) {
      if (m.body.kind === "distribution-prepare")
        await prepareStep(setup.ctx, m.body.distributionId, m.attempts);
      else chunks.push(m);
    }
  }
  return chunks;
}

describe("the slot", () => {
  it("reads RESEND_RATE, 2 by default", () => {
    expect(rateFrom(undefined)).toBe(2);
    expect(rateFrom("")).toBe(2);
    expect(rateFrom("0")).toBe(2);
    expect(rateFrom("five")).toBe(2);
    expect(rateFrom("5")).toBe(5);
    expect(rateFrom("0.5")).toBe(0.5);
    expect(settingsFrom(env).mail.resendRate).toBe(2);
  });

  it("is handed out once to each caller, an interval apart, however many ask at once", async () => {
    const acct = account();
    const slots = await Promise.all(
      Array.from({ length: 5 }, () => reserveSlot(db(), acct, 100, 10_000)),
    );
    const waits = slots.map((s) => ("waitMs" in s ? s.waitMs : Number.NaN)).sort((a, b) => a - b);
    expect(waits[0]).toBeLessThanOrEqual(20);
    // Each later slot is a whole interval after the one before (less the time the reservations
    // themselves took, which also passed for the waiter).
    for (let i = 1; i < waits.length; i++) {
      expect(waits[i]! - waits[i - 1]!).toBeGreaterThan(60);
      expect(waits[i]! - waits[i - 1]!).toBeLessThanOrEqual(100);
    }
    expect(waits[4]).toBeGreaterThan(300);
  });

  it("is not taken when it is further off than the horizon", async () => {
    const acct = account();
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await reserveSlot(db(), acct, 100, 250));
    expect(taken.slice(0, 3).every((s) => "waitMs" in s)).toBe(true);
    expect(taken[3]).toMatchObject({ notBeforeMs: expect.any(Number) });
    const notBefore = (taken[3] as { notBeforeMs: number }).notBeforeMs;
    expect(notBefore).toBeGreaterThan(250);
    expect(notBefore).toBeLessThanOrEqual(300);
  });

  it("moves back when the provider says to wait", async () => {
    const acct = account();
    await holdOff(db(), acct, 20_000);
    const slot = await reserveSlot(db(), acct, 100, 5_000);
    expect("notBeforeMs" in slot && slot.notBeforeMs).toBeGreaterThan(19_000);
  });
});

describe("a distribution paced to RESEND_RATE", () => {
  it("holds the rate across chunks and concurrent consumer invocations: no 429", async () => {
    const rate = 5;
    const fake = fakeResend();
    await fake.limit(rate);
    const setup = await distributionTo(600);
    const chunks = await prepared(setup);
    expect(chunks).toHaveLength(6);
    // Two invocations at once, each with its own transport: only the D1 row is shared.
    const invocation = async (messages: Queued[]) => {
      const transport = pacedTransport(fake, rate);
      for (const m of messages) {
        if (m.body.kind !== "distribution-chunk") continue;
        const verdict = await sendChunk(
          setup.ctx,
          transport,
          m.body.distributionId,
          m.body.chunk,
          1,
        );
        expect(verdict).toEqual({ action: "ack" });
      }
    };
    const started = Date.now();
    await Promise.all([invocation(chunks.slice(0, 3)), invocation(chunks.slice(3))]);
    const elapsed = Date.now() - started;

    const { calls } = await fake.state();
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // N calls at R per second take at least (N - 1) / R seconds: the last slot is handed out
    // (N - 1) intervals after the first. (When each call arrives also depends on how busy
    // the machine is, so the gaps between arrivals are not asserted one by one.)
    expect(elapsed).toBeGreaterThanOrEqual((calls.length - 1) * intervalMs(rate));
    expect(await distributionRow(setup.distributionId)).toMatchObject({
      status: "completed",
      sent: 600,
    });
  });

  it("still completes when the provider's limit is lower than RESEND_RATE, slowed by its 429s", async () => {
    const fake = fakeResend();
    await fake.limit(2);
    const setup = await distributionTo(500);
    // The queue recorder hands requeued chunks back at once: only the pacing makes them wait.
    await drain(setup.ctx, setup.queue, pacedTransport(fake, 8));
    const { calls, delivered } = await fake.state();
    const refused = calls.filter((c) => c.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(5);
    // After each 429, the next call waited out its retry-after (1 s here) in the pacer.
    for (const r of refused) {
      const next = calls.find((c) => c.at > r.at);
      if (next) expect(next.at - r.at).toBeGreaterThanOrEqual(900);
    }
    expect(new Set(delivered.map((d) => d.to)).size).toBe(500);
    expect(delivered).toHaveLength(500);
    expect(await distributionRow(setup.distributionId)).toMatchObject({
      status: "completed",
      sent: 500,
      failed: 0,
    });
  });

  it("puts a chunk back on the queue, without calling the provider, when its slot is far off", async () => {
    const fake = fakeResend();
    const setup = await distributionTo(3);
    const [chunk] = await prepared(setup);
    const transport = pacedTransport(fake, 2);
    // A 429 with a long retry-after was seen a moment ago, by another invocation.
    await holdOff(db(), await paceAccount(fake.baseUrl, fake.env.RESEND_API_KEY!), 30_000);
    const body = chunk!.body as { distributionId: string; chunk: number };
    const verdict = await sendChunk(setup.ctx, transport, body.distributionId, body.chunk, 1);
    expect(verdict.action).toBe("requeue");
    expect((verdict as { delaySeconds: number }).delaySeconds).toBeGreaterThanOrEqual(29);
    expect((await fake.state()).calls).toHaveLength(0);
    expect((await distributionRow(setup.distributionId)).status).toBe("sending");
  });
});

describe("transactional email", () => {
  it("takes its slots from the same rate, through the real queue entry", async () => {
    const fake = fakeResend();
    const mailer = new Mailer(db(), env.MAIL_QUEUE);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id, query } = mailer.outboxInsert(simpleEmail({ to: uniqueEmail("paced") }));
      await query;
      ids.push(id);
    }
    const batch = createMessageBatch<MailQueueMessage>(
      "workshops-mail",
      ids.map((emailId, i) => ({
        id: `m${i}`,
        timestamp: new Date(),
        attempts: 1,
        body: { kind: "email", emailId },
      })),
    );
    const ctx = createExecutionContext();
    const started = Date.now();
    await worker.queue(batch, { ...fake.env, RESEND_RATE: "4" } as Env, ctx);
    const elapsed = Date.now() - started;
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(3);
    const { calls } = await fake.state();
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(elapsed).toBeGreaterThanOrEqual(2 * intervalMs(4));
  });
});
