// Preparing a distribution: its audience into the ledger (stage `audience`), the eligible
// recipients numbered into chunks (`chunks`), then totals and one message per chunk (`ready`).
import { and, eq, sql } from "drizzle-orm";
import { allInBatch, runInBatch } from "../db/raw";
import { distributions } from "../db/schema";
import { reachable } from "../lib/forgotten";
import type { MailQueueMessage } from "../mail/messages";
import type { Services } from "../services";
import type { Distribution } from "./context";
import { getDistribution } from "./create";
import { completeIfDone } from "./ledger";

/** Audience rows collected per prepare step. */
export const AUDIENCE_PAGE = 500;
/** Recipients numbered into chunks per prepare step (100 chunks). */
export const NUMBERING_PAGE = 10_000;
export const CHUNK_SIZE = 100;
/** How long one prepare message may work before handing over to the next message. */
export const PREPARE_BUDGET_MS = 10_000;
/** Pages per prepare message at most: keeps each invocation far below D1's query limit. */
export const PREPARE_MAX_PAGES = 40;

function topicFilter(slugs: string[] | undefined) {
  if (!slugs?.length) return sql``;
  return sql`AND s.id IN (SELECT st.subscriber_id FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id WHERE t.slug IN (${sql.join(
    slugs.map((s) => sql`${s}`),
    sql`, `,
  )}))`;
}

/**
 * Collects one page of the audience and moves the cursor past it: to the next source, or
 * to numbering, when a source is exhausted.
 */
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
    // are, as skipped, so `total` counts every address. Suppressed addresses are skipped
    // when their chunk is checked: the list holds hashes, which SQL cannot compute.
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
              CASE WHEN s.status <> 'active' THEN 'skipped' ELSE 'pending' END,
              CASE WHEN s.status <> 'active' THEN s.status END
            FROM subscribers s
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
  )}) AND r.id > ${cursor.after} AND ${reachable(sql`r.email`)}`;
  const boundary = await db.get<{ id: string }>(
    sql`SELECT r.id AS id FROM registrations r WHERE ${where} ORDER BY r.id LIMIT 1 OFFSET ${AUDIENCE_PAGE - 1}`,
  );
  const upper = boundary ? sql`AND r.id <= ${boundary.id}` : sql``;
  await db.batch([
    runInBatch(
      db,
      sql`INSERT INTO deliveries (id, distribution_id, email, name, language, registration_id, status, skip_reason)
          SELECT 'dlv_' || lower(hex(randomblob(12))), ${d.id}, r.email, r.name, r.language, r.id,
            'pending', NULL
          FROM registrations r
          WHERE ${where} ${upper} ORDER BY r.id
          ON CONFLICT (distribution_id, email) DO NOTHING`,
    ),
    advance(boundary ? { source: "attendees", after: boundary.id } : nextSource()),
  ]);
}

/**
 * Numbers up to NUMBERING_PAGE pending recipients into chunks of CHUNK_SIZE, densely, so
 * provider calls ≤ ⌈pending / 100⌉ (suppressed ones are skipped when their chunk runs). Chunk numbers are stored: a resumed chunk is the same
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

export async function enqueueChunks(
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
