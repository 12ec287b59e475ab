// Paced to the provider, not by its errors. Resend limits a team to a few requests a second
// (RESEND_RATE, default 2), counted across everything that calls it: every chunk of every
// distribution and every transactional email, from however many consumer invocations run
// at once. So every call first takes the next free slot from one row in D1:
//
//   slot = MAX(next_at, now); next_at = slot + interval      (one conditional upsert)
//
// and waits for it: by sleeping when the slot is near, or, when it is further off than
// SLEEP_AT_MOST_MS, by not taking it and answering like a 429, so the caller's message goes
// back to the queue with a delay instead of holding an invocation (a chunk is re-enqueued
// without spending a retry). The clock is D1's, the one clock every invocation shares.
//
// A 429 still slows everyone down: the provider's retry-after moves next_at, so an account
// whose real limit is lower than RESEND_RATE is still served, at the cost of a few refusals.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { allInBatch } from "../db/raw";
import { sha256Hex } from "../lib/tokens";
import type { MailTransport, OutgoingEmail, SendOutcome } from "./transport";

export const DEFAULT_RESEND_RATE = 2;

/**
 * Calls are spaced 2 % wider than 1/rate: the provider counts arrivals, and arrivals jitter
 * by a few milliseconds (network, timers) around their slots. At 5 requests/s that absorbs
 * 20 ms of jitter per second-long window, for 2 % of the throughput.
 */
export const PACE_MARGIN = 0.02;

/** A slot further off than this is not taken: the message is retried after the wait. */
export const SLEEP_AT_MOST_MS = 5_000;

/** Milliseconds between two calls at `rate` requests per second. */
export function intervalMs(rate: number): number {
  return Math.ceil((1000 / rate) * (1 + PACE_MARGIN));
}

/** RESEND_RATE as a number of requests per second; the default when unset or not positive. */
export function rateFrom(value: string | undefined): number {
  const rate = Number(value);
  return value && Number.isFinite(rate) && rate > 0 ? rate : DEFAULT_RESEND_RATE;
}

const NOW_MS = sql.raw("CAST(unixepoch('subsec') * 1000 AS INTEGER)");

export type Slot = { waitMs: number } | { notBeforeMs: number };

/**
 * Takes the next slot of `account` if it starts within `horizonMs`: answers how long to
 * wait for it. Otherwise takes nothing and answers how far off the next slot is.
 * One batch: the conditional upsert, and a read of where the account stands.
 */
export async function reserveSlot(
  db: Db,
  account: string,
  interval: number,
  horizonMs = SLEEP_AT_MOST_MS,
): Promise<Slot> {
  const [taken, state] = await db.batch([
    allInBatch<{ wait_ms: number }>(
      db,
      sql`INSERT INTO provider_pacing (account, next_at) VALUES (${account}, ${NOW_MS} + ${interval})
          ON CONFLICT (account) DO UPDATE SET next_at = MAX(next_at, ${NOW_MS}) + ${interval}
            WHERE next_at <= ${NOW_MS} + ${horizonMs}
          RETURNING next_at - ${interval} - ${NOW_MS} AS wait_ms`,
    ),
    allInBatch<{ ahead_ms: number }>(
      db,
      sql`SELECT next_at - ${NOW_MS} AS ahead_ms FROM provider_pacing WHERE account = ${account}`,
    ),
  ]);
  const slot = (taken as { wait_ms: number }[])[0];
  if (slot) return { waitMs: Math.max(0, slot.wait_ms) };
  return { notBeforeMs: Math.max(0, (state as { ahead_ms: number }[])[0]?.ahead_ms ?? 0) };
}

/** The provider said to wait: no slot starts before `waitMs` from now. */
export async function holdOff(db: Db, account: string, waitMs: number): Promise<void> {
  await db.run(
    sql`INSERT INTO provider_pacing (account, next_at) VALUES (${account}, ${NOW_MS} + ${waitMs})
        ON CONFLICT (account) DO UPDATE SET next_at = MAX(next_at, ${NOW_MS} + ${waitMs})`,
  );
}

/** The pacing row of a provider account: named by a hash, so no key is stored. */
export async function paceAccount(baseUrl: string, apiKey: string): Promise<string> {
  return `resend:${(await sha256Hex(`${baseUrl}\n${apiKey}`)).slice(0, 24)}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A transport whose every call waits for its slot of the account's rate. */
export class PacedTransport implements MailTransport {
  readonly name: MailTransport["name"];
  private readonly interval: number;

  constructor(
    private readonly inner: MailTransport,
    private readonly db: Db,
    private readonly account: Promise<string>,
    rate: number,
  ) {
    this.name = inner.name;
    this.interval = intervalMs(rate);
  }

  send(email: OutgoingEmail, idempotencyKey: string): Promise<SendOutcome> {
    return this.paced(() => this.inner.send(email, idempotencyKey));
  }

  sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendOutcome> {
    return this.paced(() => this.inner.sendBatch(emails, idempotencyKey));
  }

  private async paced(call: () => Promise<SendOutcome>): Promise<SendOutcome> {
    const account = await this.account;
    const slot = await reserveSlot(this.db, account, this.interval);
    if ("notBeforeMs" in slot) {
      const seconds = Math.max(1, Math.ceil(slot.notBeforeMs / 1000));
      return {
        ok: false,
        retryable: true,
        rateLimited: true,
        retryAfterSeconds: seconds,
        error: `paced: no provider slot for ${seconds} s (RESEND_RATE)`,
      };
    }
    if (slot.waitMs > 0) await sleep(slot.waitMs);
    const outcome = await call();
    if (!outcome.ok && outcome.rateLimited)
      await holdOff(this.db, account, (outcome.retryAfterSeconds ?? 1) * 1000);
    return outcome;
  }
}
