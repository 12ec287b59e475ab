// Report distributions. The per-recipient ledger (`deliveries`) in D1 is the source of
// truth; queue messages only say "work on this step / this chunk":
//
//   create → scheduled (or straight to sending): each language version rendered once;
//   prepare (a message per step): the audience is collected page by page with
//     INSERT … SELECT (never loaded into the Worker), deduplicated by the unique
//     (distribution, email) index; unsubscribed and suppressed addresses are recorded as
//     skipped; then the eligible ones are numbered into chunks of ≤ 100;
//   chunk: re-checks unsubscribes and suppressions (until the chunk is first attempted),
//     freezes its recipients (`sending`), makes one provider batch call with a key stable
//     per chunk, records the outcome, and completes the distribution when everyone is
//     sent, failed or skipped;
//   sweeper (cron): starts due distributions and resumes any whose messages were lost.
import { and, asc, desc, eq, inArray, lte, sql } from "drizzle-orm";
import { auditInsert } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { allInBatch, runInBatch } from "../db/raw";
import {
  type DistributionAudience,
  deliveries,
  distributionRenders,
  distributions,
  registrations,
  reports,
  subscribers,
  suppressions,
  topics,
  workshops,
} from "../db/schema";
import { conflict, invalid, notFound } from "../lib/errors";
import { newId } from "../lib/tokens";
import type { MailQueueMessage } from "../mail/messages";
import { MAIL_MAX_ATTEMPTS, retryDelaySeconds } from "../mail/retry";
import type { MailTransport, OutgoingEmail } from "../mail/transport";
import type { Actor } from "../organisers/roles";
import { getReport, type ReportWithVersions, versionFor } from "../reports/service";
import type { Services } from "../services";
import { unsubscribeToken } from "../subscribers/tokens";
import { personalise, renderReport, renderRows } from "./render";

export type Distribution = typeof distributions.$inferSelect;

/** Audience rows collected per prepare step. */
export const AUDIENCE_PAGE = 500;
/** Recipients numbered into chunks per prepare step (100 chunks). */
export const NUMBERING_PAGE = 10_000;
export const CHUNK_SIZE = 100;
/** A sending distribution idle this long is presumed to have lost its messages. */
export const STALL_AFTER_MS = 2 * 60 * 1000;

// ---------------------------------------------------------------- creating

export async function createDistribution(
  ctx: Services,
  actor: Actor,
  reportId: string,
  input: {
    topics?: string[];
    attendeesOf?: DistributionAudience["attendeesOf"];
    scheduledAt?: Date | null;
  },
  now = new Date(),
) {
  const { db } = ctx;
  const report = await getReport(db, reportId);
  if (report.status !== "published")
    throw conflict(
      "Publish the report before sending it (an embargo keeps the public page closed).",
    );
  if (input.topics?.length) {
    const known = await db.query.topics.findMany({ where: inArray(topics.slug, input.topics) });
    const unknown = input.topics.filter((s) => !known.some((t) => t.slug === s));
    if (unknown.length)
      throw invalid(
        "Unknown topics.",
        unknown.map((s) => ({ path: "topics", message: `No topic "${s}".` })),
      );
  }
  if (
    input.attendeesOf &&
    !(await db.query.workshops.findFirst({ where: eq(workshops.id, input.attendeesOf.workshopId) }))
  ) {
    throw invalid("No such workshop.", [
      { path: "attendeesOf.workshopId", message: "No such workshop." },
    ]);
  }
  const id = newId("dst");
  const startNow = !input.scheduledAt || input.scheduledAt <= now;
  const renders = await renderReport(report, ctx.settings.appUrl, now);
  await db.batch([
    db.insert(distributions).values({
      id,
      reportId,
      status: startNow ? "sending" : "scheduled",
      audience: {
        ...(input.topics ? { topics: input.topics } : {}),
        ...(input.attendeesOf ? { attendeesOf: input.attendeesOf } : {}),
      },
      scheduledAt: input.scheduledAt ?? null,
      startedAt: startNow ? now : null,
      progressAt: now,
    }),
    ...renderRows(db, id, renders),
    auditInsert(db, actor, {
      action: "distribution.create",
      targetType: "distribution",
      targetId: id,
      detail: { scheduled: !startNow },
    }),
  ]);
  if (startNow) await ctx.queue.send({ kind: "distribution-prepare", distributionId: id });
  return getDistribution(db, id);
}

export async function getDistribution(db: Db, id: string): Promise<Distribution> {
  const row = await db.query.distributions.findFirst({ where: eq(distributions.id, id) });
  if (!row) throw notFound("No such distribution.");
  return row;
}

/** The distributions of a report, newest first. */
export function listDistributions(db: Db, reportId: string): Promise<Distribution[]> {
  return db.query.distributions.findMany({
    where: eq(distributions.reportId, reportId),
    orderBy: [desc(distributions.createdAt)],
  });
}

export function distributionJson(d: Distribution) {
  return {
    id: d.id,
    reportId: d.reportId,
    status: d.status,
    audience: d.audience,
    scheduledAt: d.scheduledAt?.toISOString() ?? null,
    total: d.total,
    sent: d.sent,
    failed: d.failed,
    skipped: d.skipped,
    delivered: d.delivered,
    bounced: d.bounced,
    complained: d.complained,
    preparing: d.status === "sending" && d.stage !== "ready",
    startedAt: d.startedAt?.toISOString() ?? null,
    completedAt: d.completedAt?.toISOString() ?? null,
  };
}

/** Stops whatever has not gone out: pending recipients become skipped ("cancelled"). */
export async function cancelDistribution(db: Db, actor: Actor, id: string) {
  const current = await getDistribution(db, id);
  if (current.status === "cancelled") return current;
  if (current.status !== "scheduled" && current.status !== "sending")
    throw conflict(`A ${current.status} distribution cannot be cancelled.`);
  const op = newId("op");
  await db.batch([
    db
      .update(distributions)
      .set({ status: "cancelled", completedAt: new Date() })
      .where(
        and(eq(distributions.id, id), inArray(distributions.status, ["scheduled", "sending"])),
      ),
    db
      .update(deliveries)
      .set({ status: "skipped", skipReason: "cancelled", op })
      .where(and(eq(deliveries.distributionId, id), eq(deliveries.status, "pending"))),
    countInto(db, id, "skipped", op),
    auditInsert(db, actor, {
      action: "distribution.cancel",
      targetType: "distribution",
      targetId: id,
    }),
  ]);
  return getDistribution(db, id);
}

/**
 * Adds to a counter the rows one operation changed. Given a chunk, the count goes through
 * the (distribution, chunk) index and reads at most 100 rows.
 */
function countInto(
  db: Db,
  distributionId: string,
  counter: "sent" | "failed" | "skipped",
  op: string,
  chunk?: number,
) {
  const where =
    chunk === undefined
      ? sql`distribution_id = ${distributionId} AND op = ${op}`
      : sql`distribution_id = ${distributionId} AND chunk = ${sql.raw(String(chunk))} AND op = ${op}`;
  return runInBatch(
    db,
    sql`UPDATE distributions SET ${sql.raw(counter)} = ${sql.raw(counter)} + (SELECT count(*) FROM deliveries WHERE ${where}), progress_at = ${Date.now()} WHERE id = ${distributionId}`,
  );
}

function completeIfDone(db: Db, distributionId: string) {
  return runInBatch(
    db,
    sql`UPDATE distributions SET status = 'completed', completed_at = ${Date.now()}
        WHERE id = ${distributionId} AND status = 'sending' AND stage = 'ready' AND sent + failed + skipped >= total`,
  );
}

// ---------------------------------------------------------------- preparing

function topicFilter(slugs: string[] | undefined) {
  if (!slugs?.length) return sql``;
  return sql`AND s.id IN (SELECT st.subscriber_id FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id WHERE t.slug IN (${sql.join(
    slugs.map((s) => sql`${s}`),
    sql`, `,
  )}))`;
}

/** Collects one page of the audience; returns whether there is more. */
async function collectPage(ctx: Services, d: Distribution): Promise<void> {
  const { db } = ctx;
  const audience = d.audience;
  const sources: ("topics" | "attendees")[] = [];
  if (audience.topics || !audience.attendeesOf) sources.push("topics");
  if (audience.attendeesOf) sources.push("attendees");
  const cursor = d.cursor ?? { source: sources[0]!, after: "" };
  const advance = (next: Distribution["cursor"] | null) =>
    db
      .update(distributions)
      .set(
        next
          ? { cursor: next, progressAt: new Date() }
          : { cursor: null, stage: "chunks", progressAt: new Date() },
      )
      .where(and(eq(distributions.id, d.id), eq(distributions.stage, "audience")));
  const nextSource = () => {
    const i = sources.indexOf(cursor.source);
    return i + 1 < sources.length ? { source: sources[i + 1]!, after: "" } : null;
  };

  if (cursor.source === "topics") {
    // Pending (unconfirmed) subscribers are not in the audience; the other non-active ones
    // are, as skipped, so `total` counts every address.
    const where = sql`s.status <> 'pending' AND s.id > ${cursor.after} ${topicFilter(audience.topics)}`;
    const boundary = await db.get<{ id: string }>(
      sql`SELECT s.id AS id FROM subscribers s WHERE ${where} ORDER BY s.id LIMIT 1 OFFSET ${AUDIENCE_PAGE - 1}`,
    );
    const upper = boundary ? sql`AND s.id <= ${boundary.id}` : sql``;
    await db.batch([
      runInBatch(
        db,
        sql`INSERT INTO deliveries (id, distribution_id, email, name, language, subscriber_id, status, skip_reason)
            SELECT 'dlv_' || lower(hex(randomblob(12))), ${d.id}, s.email, s.name, s.language, s.id,
              CASE WHEN s.status <> 'active' OR x.email IS NOT NULL THEN 'skipped' ELSE 'pending' END,
              CASE WHEN s.status <> 'active' THEN s.status WHEN x.email IS NOT NULL THEN 'suppressed' END
            FROM subscribers s LEFT JOIN suppressions x ON x.email = s.email
            WHERE ${where} ${upper} ORDER BY s.id
            ON CONFLICT (distribution_id, email) DO NOTHING`,
      ),
      advance(boundary ? { source: "topics", after: boundary.id } : nextSource()),
    ]);
    return;
  }

  // Attendees of a workshop by status, who did not opt out of the report.
  const of = audience.attendeesOf!;
  const where = sql`r.workshop_id = ${of.workshopId} AND r.receive_report = 1 AND r.status IN (${sql.join(
    of.statuses.map((s) => sql`${s}`),
    sql`, `,
  )}) AND r.id > ${cursor.after} AND r.email NOT LIKE 'purged:%'`;
  const boundary = await db.get<{ id: string }>(
    sql`SELECT r.id AS id FROM registrations r WHERE ${where} ORDER BY r.id LIMIT 1 OFFSET ${AUDIENCE_PAGE - 1}`,
  );
  const upper = boundary ? sql`AND r.id <= ${boundary.id}` : sql``;
  await db.batch([
    runInBatch(
      db,
      sql`INSERT INTO deliveries (id, distribution_id, email, name, language, registration_id, status, skip_reason)
          SELECT 'dlv_' || lower(hex(randomblob(12))), ${d.id}, r.email, r.name, r.language, r.id,
            CASE WHEN x.email IS NOT NULL THEN 'skipped' ELSE 'pending' END,
            CASE WHEN x.email IS NOT NULL THEN 'suppressed' END
          FROM registrations r LEFT JOIN suppressions x ON x.email = r.email
          WHERE ${where} ${upper} ORDER BY r.id
          ON CONFLICT (distribution_id, email) DO NOTHING`,
    ),
    advance(boundary ? { source: "attendees", after: boundary.id } : nextSource()),
  ]);
}

/**
 * Numbers up to NUMBERING_PAGE eligible recipients into chunks of CHUNK_SIZE, densely, so
 * provider calls = ⌈eligible / 100⌉. Chunk numbers are stored: a resumed chunk is the same
 * recipients with the same idempotency key.
 */
async function numberPage(ctx: Services, d: Distribution): Promise<boolean> {
  const { db } = ctx;
  const [numbered] = await db.batch([
    allInBatch<{ id: string }>(
      db,
      sql`UPDATE deliveries SET chunk = CAST(${d.chunkCount} AS INTEGER) + (r.n - 1) / ${sql.raw(String(CHUNK_SIZE))}
          FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM deliveries
                WHERE distribution_id = ${d.id} AND status = 'pending' AND chunk IS NULL ORDER BY id LIMIT ${NUMBERING_PAGE}) r
          WHERE deliveries.id = r.id RETURNING deliveries.id`,
    ),
    runInBatch(
      db,
      sql`UPDATE distributions SET chunk_count = (SELECT COALESCE(MAX(chunk), -1) + 1 FROM deliveries WHERE distribution_id = ${d.id}), progress_at = ${Date.now()}
          WHERE id = ${d.id}`,
    ),
  ]);
  return (numbered as unknown[]).length === NUMBERING_PAGE;
}

/** Totals once the audience is complete; then every chunk is enqueued. */
async function finishPreparing(ctx: Services, d: Distribution): Promise<void> {
  const { db } = ctx;
  await db.batch([
    runInBatch(
      db,
      sql`UPDATE distributions SET stage = 'ready', progress_at = ${Date.now()},
            (total, skipped) = (SELECT count(*), count(*) FILTER (WHERE status = 'skipped') FROM deliveries WHERE distribution_id = ${d.id})
          WHERE id = ${d.id} AND stage = 'chunks'`,
    ),
    completeIfDone(db, d.id),
  ]);
  const ready = await getDistribution(db, d.id);
  await enqueueChunks(
    ctx.queue,
    d.id,
    Array.from({ length: ready.chunkCount }, (_, i) => i),
  );
}

async function enqueueChunks(
  queue: Queue<MailQueueMessage>,
  distributionId: string,
  chunks: number[],
) {
  for (let i = 0; i < chunks.length; i += 100) {
    await queue.sendBatch(
      chunks
        .slice(i, i + 100)
        .map((chunk) => ({ body: { kind: "distribution-chunk" as const, distributionId, chunk } })),
    );
  }
}

/** One prepare step; enqueues the next step until the distribution is ready. */
/** How long one prepare message may work before handing over to the next message. */
export const PREPARE_BUDGET_MS = 10_000;
/** Pages per prepare message at most: keeps each invocation far below D1's query limit. */
export const PREPARE_MAX_PAGES = 40;

/**
 * Prepares for a while (several pages), then enqueues a continuation unless the
 * distribution is ready. Every page is committed on its own, so a crash loses nothing:
 * the next message, or the sweeper, continues from the cursor in D1.
 */
export async function prepareStep(ctx: Services, distributionId: string): Promise<void> {
  const started = Date.now();
  for (let page = 0; page < PREPARE_MAX_PAGES && Date.now() - started < PREPARE_BUDGET_MS; page++) {
    const d = await ctx.db.query.distributions.findFirst({
      where: eq(distributions.id, distributionId),
    });
    if (d?.status !== "sending" || d.stage === "ready") return;
    if (d.stage === "audience") {
      await collectPage(ctx, d);
      continue;
    }
    if (await numberPage(ctx, d)) continue;
    await finishPreparing(ctx, await getDistribution(ctx.db, distributionId));
    return;
  }
  await ctx.queue.send({ kind: "distribution-prepare", distributionId });
}

// ---------------------------------------------------------------- sending a chunk

export type ChunkVerdict =
  | { action: "ack" }
  | { action: "retry"; delaySeconds: number }
  | { action: "requeue"; delaySeconds: number };

type Delivery = typeof deliveries.$inferSelect;

/** Which pending recipients became ineligible since the audience was collected. */
async function noLongerEligible(db: Db, pending: Delivery[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (pending.length === 0) return out;
  const subscriberIds = pending.map((p) => p.subscriberId).filter((x): x is string => Boolean(x));
  const registrationIds = pending
    .map((p) => p.registrationId)
    .filter((x): x is string => Boolean(x));
  // Halves keep each statement under D1's 100 bound parameters.
  const halves = <T>(xs: T[]) => [xs.slice(0, 50), xs.slice(50)].filter((h) => h.length > 0);
  const [subs, regs, blocked] = await Promise.all([
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
    Promise.all(
      halves(pending.map((p) => p.email)).map((addresses) =>
        db
          .select({ email: suppressions.email })
          .from(suppressions)
          .where(inArray(suppressions.email, addresses)),
      ),
    ),
  ]);
  const subStatus = new Map(subs.flat().map((s) => [s.id, s.status]));
  const regOptIn = new Map(regs.flat().map((r) => [r.id, r.receiveReport]));
  const suppressed = new Set(blocked.flat().map((b) => b.email));
  for (const p of pending) {
    if (suppressed.has(p.email)) out.set(p.id, "suppressed");
    else if (p.subscriberId && subStatus.get(p.subscriberId) !== "active")
      out.set(p.id, subStatus.get(p.subscriberId) ?? "erased");
    else if (p.registrationId && regOptIn.get(p.registrationId) === false)
      out.set(p.id, "opted_out");
  }
  return out;
}

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
  if (!d || (d.status !== "sending" && d.status !== "cancelled")) return { action: "ack" };
  const rows = await db.query.deliveries.findMany({
    where: and(eq(deliveries.distributionId, distributionId), eq(deliveries.chunk, chunk)),
    orderBy: [asc(deliveries.id)],
  });
  const open = rows.filter((r) => r.status === "pending" || r.status === "sending");
  if (open.length === 0) return { action: "ack" };

  // Until a chunk is first attempted, unsubscribes and suppressions still apply to it; from
  // then on its recipient set is frozen, so every retry sends the same payload.
  const pending = open.filter((r) => r.status === "pending");
  const skip =
    d.status === "cancelled"
      ? new Map(pending.map((p) => [p.id, "cancelled"]))
      : await noLongerEligible(db, pending);
  const op = newId("op");
  const skipStatements = [...skip.entries()].map(([id, reason]) =>
    db
      .update(deliveries)
      .set({ status: "skipped", skipReason: reason, op })
      .where(and(eq(deliveries.id, id), eq(deliveries.status, "pending"))),
  );
  const freeze = db
    .update(deliveries)
    .set({ status: "sending", attempts: sql`${deliveries.attempts} + 1` })
    .where(
      and(
        eq(deliveries.distributionId, distributionId),
        eq(deliveries.chunk, chunk),
        inArray(deliveries.status, ["pending", "sending"]),
      ),
    );
  await runBatch(db, [
    ...skipStatements,
    countInto(db, distributionId, "skipped", op, chunk),
    ...(d.status === "cancelled" ? [] : [freeze]),
    completeIfDone(db, distributionId),
  ]);
  if (d.status === "cancelled") return { action: "ack" };

  const sending = await db.query.deliveries.findMany({
    where: and(
      eq(deliveries.distributionId, distributionId),
      eq(deliveries.chunk, chunk),
      eq(deliveries.status, "sending"),
    ),
    orderBy: [asc(deliveries.id)],
  });
  if (sending.length === 0) return { action: "ack" };

  const report = (await db.query.reports.findFirst({ where: eq(reports.id, d.reportId) }))!;
  const renders = await db.query.distributionRenders.findMany({
    where: eq(distributionRenders.distributionId, distributionId),
  });
  const base = ctx.settings.appUrl;
  const emails: OutgoingEmail[] = await Promise.all(
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

  const outcome = await transport.sendBatch(emails, chunkIdempotencyKey(distributionId, chunk));
  const doneOp = newId("op");
  if (outcome.ok) {
    await runBatch(db, [
      ...sending.map((r, i) =>
        db
          .update(deliveries)
          .set({ status: "sent", op: doneOp, providerId: outcome.providerIds?.[i] ?? null })
          .where(and(eq(deliveries.id, r.id), eq(deliveries.status, "sending"))),
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
    db
      .update(deliveries)
      .set({ status: "failed", op: doneOp })
      .where(
        and(
          eq(deliveries.distributionId, distributionId),
          eq(deliveries.chunk, chunk),
          eq(deliveries.status, "sending"),
        ),
      ),
    countInto(db, distributionId, "failed", doneOp, chunk),
    completeIfDone(db, distributionId),
  ]);
  console.error("distribution chunk failed", distributionId, chunk, outcome.error);
  return { action: "ack" };
}

// ---------------------------------------------------------------- sweeper

/** Starts due scheduled distributions and resumes stalled ones from the ledger. */
export async function sweepDistributions(ctx: Services, now = new Date()): Promise<void> {
  const { db } = ctx;
  const due = await db
    .update(distributions)
    .set({ status: "sending", startedAt: now, progressAt: now })
    .where(and(eq(distributions.status, "scheduled"), lte(distributions.scheduledAt, now)))
    .returning({ id: distributions.id });
  for (const d of due) await ctx.queue.send({ kind: "distribution-prepare", distributionId: d.id });

  const stalled = await db
    .update(distributions)
    .set({ progressAt: now })
    .where(
      and(
        eq(distributions.status, "sending"),
        lte(distributions.progressAt, new Date(now.getTime() - STALL_AFTER_MS)),
      ),
    )
    .returning();
  for (const d of stalled) {
    if (d.stage !== "ready") {
      await ctx.queue.send({ kind: "distribution-prepare", distributionId: d.id });
      continue;
    }
    const open = await db
      .selectDistinct({ chunk: deliveries.chunk })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.distributionId, d.id),
          inArray(deliveries.status, ["pending", "sending"]),
        ),
      );
    await enqueueChunks(
      ctx.queue,
      d.id,
      open.map((o) => o.chunk).filter((c): c is number => c !== null),
    );
    if (open.length === 0) await completeIfDone(db, d.id);
  }
}

// ---------------------------------------------------------------- test send

/** The report as recipients would get it, to one address (the organiser's), now. */
export async function testSend(
  ctx: Services,
  report: ReportWithVersions,
  to: string,
  lang: "en" | "ar",
) {
  const renders = await renderReport(report, ctx.settings.appUrl);
  const version = versionFor(report, lang);
  const render = renders.find((r) => r.language === version.language)!;
  const url = `${ctx.settings.appUrl}/admin/reports/${report.id}`;
  const { html, text } = personalise(render, to.split("@")[0]!, url);
  return ctx.mailer.send({
    to,
    subject: `[Test] ${render.subject}`,
    html,
    text,
    kind: "report:test",
    headers: {
      "List-Unsubscribe": `<${url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  });
}
