// Preparing a distribution: its audience into the ledger, each recipient numbered into its
// chunk as it is collected (stage `audience`), then totals, one state row per chunk and one
// message per chunk (`chunks` → `ready`).
import { and, eq, type SQL, sql } from "drizzle-orm";
import { runInBatch } from "../db/raw";
import { distributions } from "../db/schema";
import { reachable } from "../lib/forgotten";
import type { MailQueueMessage } from "../mail/messages";
import type { Services } from "../services";
import type { Distribution } from "./context";
import { completeIfDone } from "./ledger";

/** Audience rows collected per prepare step. */
export const AUDIENCE_PAGE = 500;
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
 * Recipients are numbered in the statement that collects them, so a row is written once:
 * the n-th eligible one of a page goes after the last one numbered so far (chunk, position
 * = its index ÷ and mod CHUNK_SIZE), the n-th skipped one into chunk -1 below the lowest
 * so far. The bases are read in the same statement (one index row each), and addresses
 * already collected (an attendee who is also a subscriber, a page run twice) are left out
 * before numbering, so eligible recipients fill the chunks densely: ⌈eligible / 100⌉ chunks.
 */
function bases(distributionId: string) {
  return sql`(SELECT
      COALESCE((SELECT chunk * ${sql.raw(String(CHUNK_SIZE))} + position + 1 FROM deliveries
        WHERE distribution_id = ${distributionId} AND chunk >= 0 ORDER BY chunk DESC, position DESC LIMIT 1), 0) AS next,
      COALESCE((SELECT -position FROM deliveries
        WHERE distribution_id = ${distributionId} AND chunk = -1 ORDER BY position LIMIT 1), 0) AS skipped) b`;
}

function numbered() {
  const size = sql.raw(String(CHUNK_SIZE));
  return sql`CASE WHEN a.ok THEN (b.next + a.n - 1) / ${size} ELSE -1 END,
    CASE WHEN a.ok THEN (b.next + a.n - 1) % ${size} ELSE -(b.skipped + a.n) END`;
}

function notCollected(distributionId: string, email: SQL) {
  return sql`AND NOT EXISTS (SELECT 1 FROM deliveries x WHERE x.distribution_id = ${distributionId} AND x.email = ${email})`;
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
        sql`INSERT INTO deliveries (id, distribution_id, email, name, language, subscriber_id, status, skip_reason, chunk, position)
            SELECT 'dlv_' || lower(hex(randomblob(12))), ${d.id}, a.email, a.name, a.language, a.id,
              CASE WHEN a.ok THEN 'pending' ELSE 'skipped' END,
              CASE WHEN a.ok THEN NULL ELSE a.status END,
              ${numbered()}
            FROM (SELECT s.id, s.email, s.name, s.language, s.status, s.status = 'active' AS ok,
                    ROW_NUMBER() OVER (PARTITION BY s.status = 'active' ORDER BY s.id) AS n
                  FROM subscribers s
                  WHERE ${where} ${upper} ${notCollected(d.id, sql`s.email`)}) a, ${bases(d.id)}
            WHERE true ORDER BY a.id
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
      sql`INSERT INTO deliveries (id, distribution_id, email, name, language, registration_id, status, skip_reason, chunk, position)
          SELECT 'dlv_' || lower(hex(randomblob(12))), ${d.id}, a.email, a.name, a.language, a.id,
            'pending', NULL, ${numbered()}
          FROM (SELECT r.id, r.email, r.name, r.language, 1 AS ok,
                  ROW_NUMBER() OVER (ORDER BY r.id) AS n
                FROM registrations r
                WHERE ${where} ${upper} ${notCollected(d.id, sql`r.email`)}) a, ${bases(d.id)}
          WHERE true ORDER BY a.id
          ON CONFLICT (distribution_id, email) DO NOTHING`,
    ),
    advance(boundary ? { source: "attendees", after: boundary.id } : nextSource()),
  ]);
}

/**
 * Once the audience is complete: totals (the skipped are chunk -1, whose positions count
 * down from -1), one state row per chunk, then every chunk is enqueued.
 */
async function finishPreparing(ctx: Services, d: Distribution): Promise<void> {
  const { db } = ctx;
  const [, , ready] = await db.batch([
    runInBatch(
      db,
      sql`UPDATE distributions SET stage = 'ready', progress_at = ${Date.now()},
            chunk_count = COALESCE((SELECT chunk + 1 FROM deliveries WHERE distribution_id = ${d.id} AND chunk >= 0 ORDER BY chunk DESC LIMIT 1), 0),
            (total, skipped) = (SELECT count(*), count(*) FILTER (WHERE status = 'skipped') FROM deliveries WHERE distribution_id = ${d.id})
          WHERE id = ${d.id} AND stage = 'chunks'`,
    ),
    runInBatch(
      db,
      sql`WITH RECURSIVE n(chunk) AS (
            SELECT 0 WHERE (SELECT chunk_count FROM distributions WHERE id = ${d.id}) > 0
            UNION ALL SELECT chunk + 1 FROM n WHERE chunk + 1 < (SELECT chunk_count FROM distributions WHERE id = ${d.id}))
          INSERT INTO distribution_chunks (distribution_id, chunk) SELECT ${d.id}, chunk FROM n WHERE true
          ON CONFLICT DO NOTHING`,
    ),
    db
      .select({ chunkCount: distributions.chunkCount })
      .from(distributions)
      .where(eq(distributions.id, d.id)),
    completeIfDone(db, d.id),
  ]);
  const chunkCount = (ready as { chunkCount: number }[])[0]?.chunkCount ?? 0;
  await enqueueChunks(
    ctx.queue,
    d.id,
    Array.from({ length: chunkCount }, (_, i) => i),
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
    await finishPreparing(ctx, d);
    return;
  }
  await ctx.queue.send({ kind: "distribution-prepare", distributionId });
}
