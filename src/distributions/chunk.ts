// Sending one chunk: open its recipients (each with their source's key, recipients.ts),
// recheck them and freeze the chunk, build the batch from the stored renders (renders.ts),
// make one provider call, record the outcome on the chunk. State is kept per chunk
// (`distribution_chunks`); a recipient's row changes only for an exception (skipped).
// A chunk message may arrive any number of times: the chunk's status, and the provider's
// idempotency key for an answer that was lost, make every arrival after the first harmless.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Db, runBatch } from "../db/client";
import { runInBatch } from "../db/raw";
import {
  dataKeys,
  deliveries,
  distributionChunks,
  distributionRenders,
  distributions,
  registrations,
  reports,
  subscribers,
  suppressions,
} from "../db/schema";
import { recipientTags } from "../lib/recipient-tags";
import { newId } from "../lib/tokens";
import { MAIL_MAX_ATTEMPTS, retryDelaySeconds } from "../mail/retry";
import type { MailTransport, OutgoingEmail, SendOutcome } from "../mail/transport";
import { personalise } from "../reports/email";
import type { Services } from "../services";
import { isListed, listedValues, suppressionKeys } from "../subscribers/suppression";
import { unsubscribeToken } from "../subscribers/tokens";
import { SUBSCRIBERS_KEY } from "../vault/keys";
import type { Distribution } from "./context";
import { forgetIfMarked } from "./forget";
import { completeIfDone, countChunkInto, countInto } from "./ledger";
import { openRecipients, type Recipient } from "./recipients";
import { moveChunks, moveDeliveries } from "./status";

export type ChunkVerdict =
  | { action: "ack" }
  | { action: "retry"; delaySeconds: number }
  | { action: "requeue"; delaySeconds: number };

type Delivery = typeof deliveries.$inferSelect;
type Chunk = typeof distributionChunks.$inferSelect;
/** A frozen recipient's row and, opened with its source's key, whom it goes to. */
type Sending = { row: Delivery; to: Recipient }[];

export function chunkIdempotencyKey(distributionId: string, chunk: number): string {
  return `distribution/${distributionId}/chunk/${chunk}`;
}

/** How often a chunk re-reads its recipients when an erasure raced its check. */
const FREEZE_TRIES = 3;

export async function sendChunk(
  ctx: Services,
  transport: MailTransport,
  distributionId: string,
  chunk: number,
  attempt: number,
): Promise<ChunkVerdict> {
  const { db } = ctx;
  const [d, c] = await Promise.all([
    db.query.distributions.findFirst({ where: eq(distributions.id, distributionId) }),
    chunkRow(db, distributionId, chunk),
  ]);
  // A cancelled distribution's chunk still runs, to forget whoever its last attempt froze.
  if (!d || !c || (d.status !== "sending" && d.status !== "cancelled" && d.status !== "paused"))
    return { action: "ack" };
  // Paused: a chunk not attempted yet is not sent, and its message is done with (the chunk
  // stays `pending`; resuming enqueues every pending chunk again). One attempted already
  // (frozen, being retried) is finished: its recipients may have it, and its set is fixed.
  if (d.status === "paused" && c.status !== "sending") return { action: "ack" };
  if (d.status === "cancelled") {
    // Cancelling skipped every chunk not yet attempted, but one made after it (a race with
    // preparation) skips its recipients here. One in flight is never retried, so a mark to
    // forget is honoured now.
    if (c.status === "pending") await runBatch(db, skipCancelled(db, distributionId, chunk));
    if (c.status === "sending") await runBatch(db, forgetMarked(db, distributionId, chunk));
    return { action: "ack" };
  }
  let sending: Sending | null = null;
  if (c.status === "pending") sending = await recheckAndFreeze(ctx, d, chunk);
  else if (c.status === "sending") {
    // A retry: the same recipients again, one attempt more (`sending` → `sending`).
    await moveChunks(db, "sending", thisChunk(distributionId, chunk), {
      attempts: sql`${distributionChunks.attempts} + 1`,
    });
    sending = await openedFrozen(ctx, d, chunk);
    // Everyone it froze was purged meanwhile (their key destroyed): nobody left to send to,
    // and whether the lost attempt reached them is unknown, so the chunk counts as failed.
    if (sending.length === 0)
      return recordOutcome(db, distributionId, chunk, 0, ERASED_IN_FLIGHT, attempt);
  }
  if (!sending || sending.length === 0) return { action: "ack" };
  const emails = await buildBatch(ctx, d, chunk, sending);
  const outcome = await transport.sendBatch(emails, chunkIdempotencyKey(distributionId, chunk));
  return recordOutcome(db, distributionId, chunk, sending.length, outcome, attempt);
}

const ERASED_IN_FLIGHT: SendOutcome = {
  ok: false,
  retryable: false,
  error: "every recipient was purged while the chunk was in flight",
};

function chunkRow(db: Db, distributionId: string, chunk: number): Promise<Chunk | undefined> {
  return db.query.distributionChunks.findFirst({
    where: and(
      eq(distributionChunks.distributionId, distributionId),
      eq(distributionChunks.chunk, chunk),
    ),
  });
}

const thisChunk = (distributionId: string, chunk: number) =>
  and(eq(distributionChunks.distributionId, distributionId), eq(distributionChunks.chunk, chunk));

const inChunk = (distributionId: string, chunk: number) =>
  and(eq(deliveries.distributionId, distributionId), eq(deliveries.chunk, chunk));

/** The recipients of an attempted chunk: its rows not skipped, in batch order. */
function frozen(db: Db, distributionId: string, chunk: number): Promise<Delivery[]> {
  return db
    .select()
    .from(deliveries)
    .where(and(inChunk(distributionId, chunk), eq(deliveries.status, "pending")))
    .orderBy(asc(deliveries.position));
}

/**
 * The frozen recipients, opened. A retry must send what the first attempt sent, but one
 * whose key was destroyed since (a purge, or an owner destroying it early) cannot be opened
 * and is left out rather than sent: erasure outranks the identical payload.
 */
async function openedFrozen(ctx: Services, d: Distribution, chunk: number): Promise<Sending> {
  const rows = await frozen(ctx.db, d.id, chunk);
  const opened = await openRecipients(ctx.vault, d, rows);
  return rows.flatMap((row) => {
    const to = opened.get(row.position);
    return to ? [{ row, to }] : [];
  });
}

/**
 * Skips the chunk's recipients who are no longer eligible, then freezes the chunk with the
 * rest (`sending`, one attempt more, its size). Returns the frozen recipients, in batch
 * order; null when another arrival moved the chunk first and it is no longer this one's to
 * send, or when nobody is left (the chunk is then `skipped`).
 */
async function recheckAndFreeze(
  ctx: Services,
  d: Distribution,
  chunk: number,
): Promise<Sending | null> {
  const { db } = ctx;
  for (let tries = 0; tries < FREEZE_TRIES; tries++) {
    const rows = await frozen(db, d.id, chunk);
    const opened = await openRecipients(ctx.vault, d, rows);
    // Until a chunk is first attempted, unsubscribes, suppressions and erasures still apply
    // to it; from then on its recipient set is frozen, so every retry sends the same payload.
    const skip = await noLongerEligible(ctx, d, rows, opened);
    const sending = rows.flatMap((row) => {
      const to = opened.get(row.position);
      return to && !skip.has(row.position) ? [{ row, to }] : [];
    });
    const op = newId("op");
    const byReason = new Map<string, number[]>();
    for (const [position, reason] of skip)
      byReason.set(reason, [...(byReason.get(reason) ?? []), position]);
    const skipStatements = [...byReason].map(([reason, positions]) =>
      moveDeliveries(
        db,
        "skipped",
        and(inChunk(d.id, chunk), inArray(deliveries.position, positions)),
        { skipReason: reason, op },
      ),
    );
    // The guard `forget = 0`: an erasure since the read above flags the chunk, and the
    // freeze waits for a fresh read rather than send what the erasure took away.
    const freeze = moveChunks(
      db,
      sending.length > 0 ? "sending" : "skipped",
      and(
        eq(distributionChunks.distributionId, d.id),
        eq(distributionChunks.chunk, chunk),
        eq(distributionChunks.status, "pending"),
        eq(distributionChunks.forget, false),
      ),
      { attempts: sql`${distributionChunks.attempts} + 1`, size: sending.length, op },
    ).returning({ chunk: distributionChunks.chunk });
    const results = await runBatch(db, [
      ...skipStatements,
      ...(skip.size > 0
        ? [countInto(db, d.id, "skipped", op, { chunk, positions: [...skip.keys()] })]
        : []),
      freeze,
      completeIfDone(db, d.id),
    ]);
    const froze = (results.at(-2) as unknown[]).length > 0;
    if (froze) return sending.length > 0 ? sending : null;
    // Not frozen by this arrival: another one did it (send what it froze), or an erasure
    // flagged the chunk (clear the flag, read again).
    const now = await chunkRow(db, d.id, chunk);
    if (now?.status === "sending") return openedFrozen(ctx, d, chunk);
    if (now?.status !== "pending") return null;
    await db
      .update(distributionChunks)
      .set({ forget: false })
      .where(
        and(
          eq(distributionChunks.distributionId, d.id),
          eq(distributionChunks.chunk, chunk),
          eq(distributionChunks.status, "pending"),
        ),
      );
  }
  return null;
}

/**
 * Changes made this long before a distribution was created are in its audience already:
 * collection reads statuses and the suppression list after creation. The margin covers the
 * Worker's clock (which stamps unsubscribes) against D1's (which stamps the rest).
 */
const CHANGED_SINCE_MARGIN_MS = 10 * 60_000;

/**
 * Which recipients became ineligible since the audience was collected, by position: erased
 * (their row no longer has an address, or their key was destroyed), suppressed,
 * unsubscribed, or opted out of the report. Collection already left out whoever was
 * ineligible then, so only what changed since is read: subscribers who unsubscribed and
 * entries added to the suppression list after the distribution was created (each through
 * its index), not every recipient's row; attendees' opt-outs, which carry no time, are read
 * for the chunk's attendees alone.
 */
async function noLongerEligible(
  ctx: Services,
  d: Distribution,
  rows: Delivery[],
  opened: Map<number, Recipient | null>,
): Promise<Map<number, string>> {
  const { db } = ctx;
  const out = new Map<number, string>();
  for (const p of rows) if (!opened.get(p.position)) out.set(p.position, "erased");
  const pending = rows.filter((p) => !out.has(p.position));
  if (pending.length === 0) return out;
  const since = d.createdAt.getTime() - CHANGED_SINCE_MARGIN_MS;
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
          .where(
            and(
              // Through the index of the unsubscribed (`+id` keeps SQLite off the key):
              // rows read are those who unsubscribed since, not the chunk's hundred.
              sql`${subscribers.unsubscribedAt} IS NOT NULL AND ${subscribers.unsubscribedAt} >= ${since}`,
              sql`+${subscribers.id} IN (${sql.join(
                ids.map((id) => sql`${id}`),
                sql`, `,
              )})`,
            ),
          ),
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
    suppressedPositions(ctx, since, pending, opened),
  ]);
  const subStatus = new Map(subs.flat().map((s) => [s.id, s.status]));
  const regOptIn = new Map(regs.flat().map((r) => [r.id, r.receiveReport]));
  for (const p of pending) {
    const status = p.subscriberId ? subStatus.get(p.subscriberId) : undefined;
    if (suppressed.has(p.position)) out.set(p.position, "suppressed");
    else if (status && status !== "active") out.set(p.position, status);
    else if (p.registrationId && regOptIn.get(p.registrationId) === false)
      out.set(p.position, "opted_out");
  }
  return out;
}

/**
 * The positions of recipients whose address is on the suppression list, under either key.
 * Entries older than `since` were matched when the audience was collected, except those made
 * before the vault (an unkeyed hash SQL cannot compute, or its hash made later with the old
 * time): while any exist, each recipient is looked up under both keys. The rest is the few
 * entries added since, read through their time's index.
 */
async function suppressedPositions(
  ctx: Services,
  since: number,
  rows: Delivery[],
  opened: Map<number, Recipient | null>,
): Promise<Set<number>> {
  const [recent, legacyExist] = await Promise.all([
    ctx.db
      .select({ hash: suppressions.emailHash })
      .from(suppressions)
      .where(sql`${suppressions.createdAt} >= ${since}`),
    legacyEntriesExist(ctx.db),
  ]);
  // Nothing added since and nothing from before the vault: no address to compute at all.
  if (recent.length === 0 && !legacyExist) return new Set();
  const key = await ctx.vault.subscribers();
  const keys = await Promise.all(
    rows.map((p) => suppressionKeys(key, opened.get(p.position)!.email)),
  );
  // Entries from before the vault, and those hashed from them since (which keep their old
  // time, so "added since" misses them): every recipient is looked up under both keys.
  const legacy = legacyExist
    ? await listedValues(
        ctx.db,
        keys.flatMap((k) => [k.index, k.legacy]),
      )
    : new Set<string>();
  const listed = new Set([...recent.map((r) => r.hash), ...legacy]);
  return new Set(rows.filter((_, i) => isListed(listed, keys[i]!)).map((p) => p.position));
}

/**
 * Whether the suppression list holds entries from before the vault (made before the
 * subscribers' key was): one row at most, through the index of entries by time.
 */
async function legacyEntriesExist(db: Db): Promise<boolean> {
  const found = await db.get<{ one: number }>(
    sql`SELECT 1 AS one FROM ${suppressions} WHERE ${suppressions.createdAt} <
      COALESCE((SELECT ${dataKeys.createdAt} FROM ${dataKeys} WHERE ${dataKeys.name} = ${SUBSCRIBERS_KEY}), 0)
      LIMIT 1`,
  );
  return Boolean(found);
}

/**
 * A distribution's renders and its report's default language do not change once its chunks
 * exist (the render stage comes first): each isolate reads them once per distribution, not
 * once per chunk.
 */
const rendersOf = new Map<
  string,
  Promise<{ renders: (typeof distributionRenders.$inferSelect)[]; defaultLanguage: string }>
>();
const RENDERS_KEPT = 16;

function renders(db: Db, d: Distribution) {
  let kept = rendersOf.get(d.id);
  if (!kept) {
    kept = Promise.all([
      db.query.reports.findFirst({
        where: eq(reports.id, d.reportId),
        columns: { defaultLanguage: true },
      }),
      db.query.distributionRenders.findMany({
        where: eq(distributionRenders.distributionId, d.id),
      }),
    ]).then(([report, renders]) => {
      // Never kept empty: a chunk cannot be sent without them, and the message is retried.
      if (renders.length === 0) throw new Error(`distribution ${d.id} has no stored renders`);
      return { renders, defaultLanguage: report!.defaultLanguage };
    });
    kept.catch(() => rendersOf.delete(d.id));
    if (rendersOf.size >= RENDERS_KEPT) rendersOf.delete(rendersOf.keys().next().value!);
    rendersOf.set(d.id, kept);
  }
  return kept;
}

/**
 * Renders stored before the footer named its consent have no consent slots (their footer
 * is in the render), so there is nothing to fill.
 */
const NO_WORDING = { why: "", stop: "" };

/** One email per frozen recipient, in their language, from the distribution's stored renders. */
async function buildBatch(
  ctx: Services,
  d: Distribution,
  chunk: number,
  sending: Sending,
): Promise<OutgoingEmail[]> {
  const { renders: all, defaultLanguage } = await renders(ctx.db, d);
  const base = ctx.settings.appUrl;
  return Promise.all(
    sending.map(async ({ row: r, to }) => {
      const render =
        all.find((x) => x.language === r.language) ??
        all.find((x) => x.language === defaultLanguage) ??
        all[0]!;
      // The consent this copy relies on is its delivery's source: the footer names it and
      // the one-click link withdraws it, and nothing else (prepare.ts decides which source
      // an address is sent under).
      const subject = r.subscriberId
        ? { kind: "subscriber" as const, id: r.subscriberId }
        : { kind: "registration" as const, id: r.registrationId ?? r.id };
      // In the email's language, so the page it opens speaks it too (`?lang=` comes first
      // when pages pick theirs). The one-click POST goes to this same URL, query and all.
      const unsubscribeUrl = `${base}/u/${await unsubscribeToken(ctx.settings.tokenSecret, subject)}?lang=${render.language}`;
      const consent =
        (subject.kind === "subscriber" ? render.consent?.subscriber : render.consent?.attendee) ??
        NO_WORDING;
      return {
        from: ctx.settings.mailFrom,
        to: to.email,
        subject: render.subject,
        ...personalise(render, {
          name: to.name || to.email.split("@")[0]!,
          unsubscribeUrl,
          consent,
        }),
        headers: {
          "List-Unsubscribe": `<${unsubscribeUrl}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        attachments: [],
        // A webhook finds the recipient by these, with no provider id stored per recipient.
        tags: recipientTags({ distributionId: d.id, chunk, position: r.position }),
      };
    }),
  );
}

function skipCancelled(db: Db, distributionId: string, chunk: number) {
  const op = newId("op");
  return [
    moveDeliveries(db, "skipped", inChunk(distributionId, chunk), { skipReason: "cancelled", op }),
    countInto(db, distributionId, "skipped", op, { chunk }),
    moveChunks(db, "skipped", thisChunk(distributionId, chunk), { op }),
  ];
}

/** Forgets the chunk's recipients erased while it was in flight (forget.ts), if any. */
function forgetMarked(db: Db, distributionId: string, chunk: number) {
  // Driven by the chunk's flag: the IN list is empty unless it is set, so a chunk nobody was
  // erased from reads none of its recipient rows (a plain condition would scan all 100).
  const flagged = sql`(distribution_id, chunk) IN (SELECT distribution_id, chunk FROM distribution_chunks WHERE distribution_id = ${distributionId} AND chunk = ${sql.raw(String(chunk))} AND forget = 1)`;
  return [
    db
      .update(deliveries)
      .set(forgetIfMarked)
      .where(and(eq(deliveries.forget, true), flagged)),
    runInBatch(
      db,
      sql`UPDATE distribution_chunks SET forget = 0 WHERE distribution_id = ${distributionId} AND chunk = ${sql.raw(String(chunk))} AND forget = 1 AND status <> 'pending'`,
    ),
  ];
}

/**
 * Sent or failed for the frozen chunk (its size added to the counter once), or a verdict
 * that keeps it frozen for the next attempt. `attempt` counts this chunk's deliveries from
 * the queue, the first being 1.
 */
async function recordOutcome(
  db: Db,
  distributionId: string,
  chunk: number,
  size: number,
  outcome: SendOutcome,
  attempt: number,
): Promise<ChunkVerdict> {
  const doneOp = newId("op");
  const it = thisChunk(distributionId, chunk);
  if (outcome.ok) {
    await runBatch(db, [
      moveChunks(db, "sent", it, {
        op: doneOp,
        providerIds: outcome.providerIds ?? null,
      }),
      countChunkInto(db, distributionId, chunk, "sent", doneOp),
      ...forgetMarked(db, distributionId, chunk),
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
  await runBatch(db, [
    moveChunks(db, "failed", it, { op: doneOp }),
    countChunkInto(db, distributionId, chunk, "failed", doneOp),
    ...forgetMarked(db, distributionId, chunk),
    completeIfDone(db, distributionId),
  ]);
  console.error("distribution chunk failed", distributionId, chunk, size, outcome.error);
  return { action: "ack" };
}
