// Sending one chunk: recheck and freeze its recipients, build the batch from the stored
// renders, make one provider call, record the outcome. A chunk message may arrive any
// number of times: the ledger's statuses, and the provider's idempotency key for an answer
// that was lost, make every arrival after the first harmless.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Db, runBatch } from "../db/client";
import {
  deliveries,
  distributionRenders,
  distributions,
  registrations,
  reports,
  subscribers,
} from "../db/schema";
import { isForgotten } from "../lib/forgotten";
import { openStatuses, statusesFrom } from "../lib/state-machine";
import { newId } from "../lib/tokens";
import { MAIL_MAX_ATTEMPTS, retryDelaySeconds } from "../mail/retry";
import type { MailTransport, OutgoingEmail, SendOutcome } from "../mail/transport";
import { personalise } from "../reports/email";
import type { Services } from "../services";
import { suppressedAmong } from "../subscribers/suppression";
import { unsubscribeToken } from "../subscribers/tokens";
import type { Distribution } from "./context";
import { forgetIfMarked } from "./forget";
import { completeIfDone, countInto } from "./ledger";
import { DELIVERY_TRANSITIONS, moveDeliveries } from "./status";

export type ChunkVerdict =
  | { action: "ack" }
  | { action: "retry"; delaySeconds: number }
  | { action: "requeue"; delaySeconds: number };

type Delivery = typeof deliveries.$inferSelect;

export function chunkIdempotencyKey(distributionId: string, chunk: number): string {
  return `distribution/${distributionId}/chunk/${chunk}`;
}

export async function sendChunk(
  ctx: Services,
  transport: MailTransport,
  distributionId: string,
  chunk: number,
  attempt: number,
): Promise<ChunkVerdict> {
  const { db } = ctx;
  const d = await db.query.distributions.findFirst({ where: eq(distributions.id, distributionId) });
  // A cancelled distribution's chunk still runs, to skip whoever it had not reached yet.
  if (!d || (d.status !== "sending" && d.status !== "cancelled")) return { action: "ack" };
  const sending = await recheckAndFreeze(db, d, chunk);
  if (sending.length === 0) return { action: "ack" };
  const emails = await buildBatch(ctx, d, sending);
  const outcome = await transport.sendBatch(emails, chunkIdempotencyKey(distributionId, chunk));
  return recordOutcome(db, distributionId, chunk, sending, outcome, attempt);
}

/**
 * Skips the chunk's pending recipients who are no longer eligible (all of them when the
 * distribution was cancelled), then freezes the rest as `sending`. Returns the frozen
 * recipients, in the order the batch sends them; none when there is nothing to send.
 */
async function recheckAndFreeze(db: Db, d: Distribution, chunk: number): Promise<Delivery[]> {
  const inChunk = and(eq(deliveries.distributionId, d.id), eq(deliveries.chunk, chunk));
  const rows = await db.query.deliveries.findMany({
    where: inChunk,
    orderBy: [asc(deliveries.id)],
  });
  const open = rows.filter((r) => openStatuses(DELIVERY_TRANSITIONS).includes(r.status));
  if (open.length === 0) return [];

  // Until a chunk is first attempted, unsubscribes and suppressions still apply to it; from
  // then on its recipient set is frozen, so every retry sends the same payload.
  const skippable = statusesFrom(DELIVERY_TRANSITIONS, "skipped");
  const pending = open.filter((r) => skippable.includes(r.status));
  const cancelled = d.status === "cancelled";
  const skip = cancelled
    ? new Map(pending.map((p) => [p.id, "cancelled"]))
    : await noLongerEligible(db, pending);
  // A cancelled chunk never sends: a row it froze earlier will not be retried, so a mark to
  // forget it is honoured now.
  const forgetFrozen = db
    .update(deliveries)
    .set(forgetIfMarked)
    .where(and(inChunk, eq(deliveries.forget, true)));
  const op = newId("op");
  const skipStatements = [...skip.entries()].map(([id, reason]) =>
    moveDeliveries(db, "skipped", eq(deliveries.id, id), { skipReason: reason, op }),
  );
  const freeze = moveDeliveries(db, "sending", inChunk, {
    attempts: sql`${deliveries.attempts} + 1`,
  });
  await runBatch(db, [
    ...skipStatements,
    countInto(db, d.id, "skipped", op, chunk),
    ...(cancelled ? [forgetFrozen] : [freeze]),
    completeIfDone(db, d.id),
  ]);
  if (cancelled) return [];

  return db.query.deliveries.findMany({
    where: and(inChunk, eq(deliveries.status, "sending")),
    orderBy: [asc(deliveries.id)],
  });
}

/**
 * Which pending recipients became ineligible since the audience was collected: erased (their
 * row no longer has an address), suppressed, unsubscribed, or opted out of the report.
 */
async function noLongerEligible(db: Db, rows: Delivery[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of rows) if (isForgotten(p.email)) out.set(p.id, "erased");
  const pending = rows.filter((p) => !out.has(p.id));
  if (pending.length === 0) return out;
  const subscriberIds = pending.map((p) => p.subscriberId).filter((x): x is string => Boolean(x));
  const registrationIds = pending
    .map((p) => p.registrationId)
    .filter((x): x is string => Boolean(x));
  // Halves keep each statement under D1's 100 bound parameters.
  const halves = <T>(xs: T[]) => [xs.slice(0, 50), xs.slice(50)].filter((h) => h.length > 0);
  const [subs, regs, suppressed] = await Promise.all([
    Promise.all(
      halves(subscriberIds).map((ids) =>
        db
          .select({ id: subscribers.id, status: subscribers.status })
          .from(subscribers)
          .where(inArray(subscribers.id, ids)),
      ),
    ),
    Promise.all(
      halves(registrationIds).map((ids) =>
        db
          .select({ id: registrations.id, receiveReport: registrations.receiveReport })
          .from(registrations)
          .where(inArray(registrations.id, ids)),
      ),
    ),
    suppressedAmong(
      db,
      pending.map((p) => p.email),
    ),
  ]);
  const subStatus = new Map(subs.flat().map((s) => [s.id, s.status]));
  const regOptIn = new Map(regs.flat().map((r) => [r.id, r.receiveReport]));
  for (const p of pending) {
    if (suppressed.has(p.email)) out.set(p.id, "suppressed");
    else if (p.subscriberId && subStatus.get(p.subscriberId) !== "active")
      out.set(p.id, subStatus.get(p.subscriberId) ?? "erased");
    else if (p.registrationId && regOptIn.get(p.registrationId) === false)
      out.set(p.id, "opted_out");
  }
  return out;
}

/** One email per frozen recipient, in their language, from the renders stored at creation. */
async function buildBatch(
  ctx: Services,
  d: Distribution,
  sending: Delivery[],
): Promise<OutgoingEmail[]> {
  const { db } = ctx;
  const report = (await db.query.reports.findFirst({ where: eq(reports.id, d.reportId) }))!;
  const renders = await db.query.distributionRenders.findMany({
    where: eq(distributionRenders.distributionId, d.id),
  });
  const base = ctx.settings.appUrl;
  return Promise.all(
    sending.map(async (r) => {
      const render =
        renders.find((x) => x.language === r.language) ??
        renders.find((x) => x.language === report.defaultLanguage) ??
        renders[0]!;
      const subject = r.subscriberId
        ? { kind: "subscriber" as const, id: r.subscriberId }
        : { kind: "registration" as const, id: r.registrationId ?? r.id };
      const unsubscribeUrl = `${base}/u/${await unsubscribeToken(ctx.settings.tokenSecret, subject)}`;
      return {
        from: ctx.settings.mailFrom,
        to: r.email,
        subject: render.subject,
        ...personalise(render, r.name || r.email.split("@")[0]!, unsubscribeUrl),
        headers: {
          "List-Unsubscribe": `<${unsubscribeUrl}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        attachments: [],
      };
    }),
  );
}

/**
 * Sent or failed for the frozen recipients, or a verdict that keeps them frozen for the
 * next attempt. `attempt` counts this chunk's deliveries from the queue, the first being 1.
 */
async function recordOutcome(
  db: Db,
  distributionId: string,
  chunk: number,
  sending: Delivery[],
  outcome: SendOutcome,
  attempt: number,
): Promise<ChunkVerdict> {
  const doneOp = newId("op");
  if (outcome.ok) {
    await runBatch(db, [
      ...sending.map((r, i) =>
        moveDeliveries(db, "sent", eq(deliveries.id, r.id), {
          op: doneOp,
          providerId: outcome.providerIds?.[i] ?? null,
          ...forgetIfMarked,
        }),
      ),
      countInto(db, distributionId, "sent", doneOp, chunk),
      completeIfDone(db, distributionId),
    ]);
    return { action: "ack" };
  }
  // A 429 is the provider asking us to slow down: wait as long as it says, as often as it
  // says, without spending one of the chunk's retries.
  if (outcome.rateLimited)
    return {
      action: "requeue",
      delaySeconds: retryDelaySeconds(attempt, outcome.retryAfterSeconds ?? 5),
    };
  if (outcome.retryable && attempt < MAIL_MAX_ATTEMPTS)
    return { action: "retry", delaySeconds: retryDelaySeconds(attempt) };
  await db.batch([
    moveDeliveries(
      db,
      "failed",
      and(eq(deliveries.distributionId, distributionId), eq(deliveries.chunk, chunk)),
      { op: doneOp, ...forgetIfMarked },
    ),
    countInto(db, distributionId, "failed", doneOp, chunk),
    completeIfDone(db, distributionId),
  ]);
  console.error("distribution chunk failed", distributionId, chunk, outcome.error);
  return { action: "ack" };
}
