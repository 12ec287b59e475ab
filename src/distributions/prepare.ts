// Preparing a distribution: its email rendered once per language (stage `render`,
// renders.ts), its audience into the ledger, each recipient numbered into its chunk as it is
// collected (stage `audience`), then totals, one state row per chunk and one message per
// chunk (`chunks` → `ready`). No chunk exists before the renders do.
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { allInBatch, runInBatch } from "../db/raw";
import { deliveries, distributions } from "../db/schema";
import { reachable } from "../lib/forgotten";
import type { Verdict } from "../mail/consumer";
import type { MailQueueMessage } from "../mail/messages";
import type { Services } from "../services";
import { isListed, listedValues, suppressionKeys } from "../subscribers/suppression";
import { openFields } from "../vault/fields";
import type { Distribution } from "./context";
import { completeIfDone } from "./ledger";
import { renderStage } from "./renders";

/** Audience rows collected per prepare step. */
export const AUDIENCE_PAGE = 500;
export const CHUNK_SIZE = 100;
/** How long one prepare message may work before handing over to the next message. */
export const PREPARE_BUDGET_MS = 10_000;
/** Pages per prepare message at most: keeps each invocation far below D1's query limit. */
export const PREPARE_MAX_PAGES = 40;

/** Subscribers (alias `s`) following one of the topics; every subscriber when none. */
export function topicFilter(slugs: string[] | undefined) {
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

/**
 * Rows whose index this distribution holds already: a page run twice (two messages at
 * once). Attendees who are also subscribers sent to are left out before, in the Worker.
 */
function notCollected(distributionId: string, index: SQL) {
  return sql`AND NOT EXISTS (SELECT 1 FROM deliveries x WHERE x.distribution_id = ${distributionId} AND x.email_index = ${index})`;
}

/**
 * The state rows of the chunks this distribution has filled (a hundred recipients each,
 * numbered densely, so a full chunk never changes again) and has no row for yet, returning
 * their numbers: each is enqueued as soon as the page that filled it commits, instead of
 * after the whole audience, so sending starts while the rest is collected. Created once
 * (ON CONFLICT DO NOTHING): a page run twice enqueues nothing twice.
 */
function filledChunks(ctx: Services, distributionId: string) {
  const size = sql.raw(String(CHUNK_SIZE));
  return allInBatch<{ chunk: number }>(
    ctx.db,
    sql`WITH RECURSIVE
          done(n) AS (SELECT COALESCE((SELECT (chunk * ${size} + position + 1) / ${size} FROM deliveries
            WHERE distribution_id = ${distributionId} AND chunk >= 0 ORDER BY chunk DESC, position DESC LIMIT 1), 0)),
          c(chunk) AS (
            SELECT COALESCE((SELECT chunk + 1 FROM distribution_chunks WHERE distribution_id = ${distributionId}
              ORDER BY chunk DESC LIMIT 1), 0)
            UNION ALL SELECT chunk + 1 FROM c WHERE chunk + 1 < (SELECT n FROM done))
        INSERT INTO distribution_chunks (distribution_id, chunk)
          SELECT ${distributionId}, chunk FROM c WHERE chunk < (SELECT n FROM done)
        ON CONFLICT DO NOTHING
        RETURNING chunk`,
  );
}

/** The chunks a committed page filled (filledChunks), to enqueue. */
const filledBy = (rows: unknown) => (rows as { chunk: number }[]).map((r) => r.chunk);

type Cursor = NonNullable<Distribution["cursor"]>;

/** The sources of a distribution's audience, in the order they are collected. */
function sourcesOf(d: Distribution): Cursor["source"][] {
  const sources: Cursor["source"][] = [];
  if (d.audience.topics || !d.audience.attendeesOf) sources.push("topics");
  if (d.audience.attendeesOf) sources.push("attendees");
  return sources;
}

/**
 * Collects one page of the audience and moves the cursor past it: to the next source, or
 * to numbering, when a source is exhausted. Subscribers come first, so attendees can be
 * checked against them.
 */
/** Collects one page; returns the chunks it filled, for the caller to enqueue. */
async function collectPage(ctx: Services, d: Distribution): Promise<number[]> {
  const sources = sourcesOf(d);
  const cursor = d.cursor ?? { source: sources[0]!, after: "" };
  const i = sources.indexOf(cursor.source);
  const nextSource = i + 1 < sources.length ? { source: sources[i + 1]!, after: "" } : null;
  const page = { d, after: cursor.after, nextSource };
  if (cursor.source === "topics") return collectSubscribers(ctx, page);
  return collectAttendees(ctx, page, sources.includes("topics"));
}

interface Page {
  d: Distribution;
  /** The last source row collected so far. */
  after: string;
  /** Where the cursor goes once this source is exhausted; null: numbering. */
  nextSource: Cursor | null;
}

/**
 * The statement that moves the cursor on from where `d` left it (past a page, or to the next
 * source), only if no other run has moved it meanwhile.
 */
function advance(ctx: Services, d: Distribution, next: Cursor | null) {
  return ctx.db
    .update(distributions)
    .set(
      next
        ? { cursor: next, progressAt: new Date() }
        : { cursor: null, stage: "chunks", progressAt: new Date() },
    )
    .where(
      and(
        eq(distributions.id, d.id),
        eq(distributions.stage, "audience"),
        sql`${distributions.cursor} IS ${cursorText(d)}`,
      ),
    );
}

/**
 * How far numbering has got: eligible recipients numbered so far (the next number) and
 * skipped ones. A subscriber page carries them in the cursor; the first page, and a cursor
 * from before it did (a distribution collecting across a deploy), read them from the
 * ledger's key (two index rows).
 */
async function numberedSoFar(ctx: Services, d: Distribution) {
  const { next, skipped } = d.cursor ?? {};
  if (typeof next === "number" && typeof skipped === "number") return { next, skipped };
  const row = await ctx.db.get<{ next: number; skipped: number }>(
    sql`SELECT b.next AS next, b.skipped AS skipped FROM ${bases(d.id)}`,
  );
  return { next: Number(row?.next ?? 0), skipped: Number(row?.skipped ?? 0) };
}

/** The cursor exactly as stored: a statement guarded by it acts only if no other page ran. */
const cursorText = (d: Distribution) => (d.cursor ? JSON.stringify(d.cursor) : null);

/**
 * Subscribers of the topics, in SQL: each row's sealed address, name and address index are
 * copied as they are. Pending (unconfirmed) subscribers are not in the audience; the other
 * non-active ones are, as skipped, and so are suppressed ones (the list is keyed by the same
 * index), so `total` counts every address. Suppressions from before the vault hold an
 * unkeyed hash SQL cannot match: the chunk's check skips those.
 *
 * D1 bills every row a statement steps through, so the page is shaped to step through each
 * subscriber twice and nothing else: read once into two JSON arrays (to send, skipped), whose
 * indexes number the rows as they are inserted, with no window function (which steps through
 * its rows twice more). The insert reads nothing of `deliveries` (which would make SQLite
 * stage every row in a temporary table first): the page runs only while the cursor is the
 * one this step read, and the statement after it in the same batch moves the cursor past the
 * page, with the numbering reached; a page run twice (two messages at once, a retry) finds
 * the cursor moved and does nothing. A suppression probe costs a row only when it finds one.
 *
 * The numbering follows the order the aggregate receives the page in, which SQLite gives
 * as the subquery's ORDER BY (a co-routine) though SQL does not promise it; an ORDER BY in
 * the aggregate would sort the page again, a row read more per recipient. Were the order
 * ever to change, pages would overlap and leave holes in the numbering: the tests that
 * count ⌈eligible / 100⌉ chunks and exact totals would fail.
 */
async function collectSubscribers(
  ctx: Services,
  { d, after, nextSource }: Page,
): Promise<number[]> {
  const { db } = ctx;
  const { next, skipped } = await numberedSoFar(ctx, d);
  const current = cursorText(d);
  const size = sql.raw(String(CHUNK_SIZE));
  // D1 binds a JavaScript number as a REAL: numbering must stay integer arithmetic.
  const first = sql`CAST(${next} AS INTEGER)`;
  const firstSkipped = sql`CAST(${skipped} AS INTEGER)`;
  const where = (from: string) =>
    sql`s.status <> 'pending' AND s.id > ${from} ${topicFilter(d.audience.topics)}`;
  const [, filled, moved] = await db.batch([
    runInBatch(
      db,
      sql`INSERT INTO deliveries (id, distribution_id, email, email_index, name, language, subscriber_id, status, skip_reason, chunk, position)
          WITH page AS MATERIALIZED (
            SELECT json_group_array(json_array(e.id, e.email, e.email_index, e.name, e.language)) FILTER (WHERE e.reason IS NULL) AS ok,
              json_group_array(json_array(e.id, e.email, e.email_index, e.name, e.language, e.reason)) FILTER (WHERE e.reason IS NOT NULL) AS skipped
            FROM (SELECT s.id, s.email, s.email_index, s.name, s.language,
                    CASE WHEN s.status <> 'active' THEN s.status
                      WHEN EXISTS (SELECT 1 FROM suppressions p WHERE p.email_hash = s.email_index) THEN 'suppressed'
                    END AS reason
                  FROM subscribers s
                  WHERE ${where(after)}
                    AND EXISTS (SELECT 1 FROM distributions g WHERE g.id = ${d.id} AND g.stage = 'audience' AND g.cursor IS ${current})
                  ORDER BY s.id LIMIT ${AUDIENCE_PAGE}) e)
          SELECT * FROM (
            SELECT 'dlv_' || lower(hex(randomblob(12))), ${d.id}, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 0,
              'pending', NULL, (${first} + j.key) / ${size}, (${first} + j.key) % ${size}
            FROM page, json_each(page.ok) j
            UNION ALL
            SELECT 'dlv_' || lower(hex(randomblob(12))), ${d.id}, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 0,
              'skipped', j.value ->> 5, -1, -(${firstSkipped} + j.key + 1)
            FROM page, json_each(page.skipped) j)
          WHERE true
          ON CONFLICT (distribution_id, email_index) DO NOTHING`,
    ),
    filledChunks(ctx, d.id),
    // The page's last subscriber is the last one numbered or the last one skipped (both
    // are numbered in id order), each found through the ledger's key: two rows read.
    allInBatch<{ cursor: string }>(
      db,
      sql`UPDATE distributions SET progress_at = ${Date.now()},
            cursor = (SELECT json_object('source', 'topics',
                'after', COALESCE((SELECT max(x) FROM (
                  SELECT * FROM (SELECT subscriber_id AS x FROM deliveries
                    WHERE distribution_id = ${d.id} AND chunk >= 0 ORDER BY chunk DESC, position DESC LIMIT 1)
                  UNION ALL
                  SELECT * FROM (SELECT subscriber_id AS x FROM deliveries
                    WHERE distribution_id = ${d.id} AND chunk = -1 ORDER BY position LIMIT 1))), ${after}),
                'next', b.next, 'skipped', b.skipped) FROM ${bases(d.id)})
          WHERE id = ${d.id} AND stage = 'audience' AND cursor IS ${current}
          RETURNING cursor`,
    ),
  ]);
  const [advanced] = moved as { cursor: string }[];
  // Another run collected this page first: the caller reads the cursor it left.
  if (!advanced) return filledBy(filled);
  const now = JSON.parse(advanced.cursor) as Cursor;
  const inserted = now.next! - next + (now.skipped! - skipped);
  if (inserted === 0 && now.after === after) {
    // Nothing new, and the ledger's last rows do not say where the page ends (its rows
    // were collected already and the last ones numbered are not subscribers': a cursor
    // set back over attendees). Read where it ends, so collection always moves on.
    const end = await db.get<{ last: string | null }>(
      sql`SELECT max(id) AS last FROM (SELECT s.id FROM subscribers s WHERE ${where(after)} ORDER BY s.id LIMIT ${AUDIENCE_PAGE})`,
    );
    if (end?.last) {
      await advance(ctx, { ...d, cursor: now }, { ...now, after: end.last });
      return filledBy(filled);
    }
  }
  // A short page is the last one, unless rows were left out as collected already: one row
  // read (none at the end) tells which.
  const more =
    inserted >= AUDIENCE_PAGE ||
    Boolean(
      await db.get(sql`SELECT 1 AS one FROM subscribers s WHERE ${where(now.after)} LIMIT 1`),
    );
  if (!more) await advance(ctx, { ...d, cursor: now }, nextSource);
  return filledBy(filled);
}

/**
 * Attendees of a workshop by status, who did not opt out of the report. Their addresses are
 * sealed under the workshop's key, whose index means nothing among subscribers, so each page
 * is read into the Worker and opened there (chooseAttendees): an attendee already sent to as
 * a subscriber is left out, and one on the suppression list is recorded as skipped. Then one
 * statement copies the chosen rows as they are stored, numbered like subscribers, and a
 * second removes the skipped subscriber rows they replace (their consent to the workshop's
 * report stands on its own), so each address is counted once.
 */
async function collectAttendees(
  ctx: Services,
  { d, after, nextSource }: Page,
  dedupe: boolean,
): Promise<number[]> {
  const { db } = ctx;
  const of = d.audience.attendeesOf!;
  const where = sql`r.workshop_id = ${of.workshopId} AND r.receive_report = 1 AND r.status IN (${sql.join(
    of.statuses.map((s) => sql`${s}`),
    sql`, `,
  )}) AND ${reachable(sql`r.email`)}`;
  const rows = await db.all<{ id: string; email: string }>(
    sql`SELECT r.id AS id, r.email AS email FROM registrations r WHERE ${where} AND r.id > ${after} ORDER BY r.id LIMIT ${AUDIENCE_PAGE}`,
  );
  const next =
    rows.length === AUDIENCE_PAGE
      ? { source: "attendees" as const, after: rows.at(-1)!.id }
      : nextSource;
  const { chosen, replacing } = await chooseAttendees(ctx, d, rows, dedupe);
  if (Object.keys(chosen).length === 0) {
    await advance(ctx, d, next);
    return [];
  }
  const [, filled] = await db.batch([
    runInBatch(
      db,
      sql`INSERT INTO deliveries (id, distribution_id, email, email_index, name, language, registration_id, status, skip_reason, chunk, position)
          SELECT 'dlv_' || lower(hex(randomblob(12))), ${d.id}, a.email, a.email_index, a.name, a.language, a.id,
            CASE WHEN a.ok THEN 'pending' ELSE 'skipped' END,
            CASE WHEN a.ok THEN NULL ELSE 'suppressed' END,
            ${numbered()}
          FROM (SELECT r.id, r.email, r.email_index, r.name, r.language, j.value AS ok,
                  ROW_NUMBER() OVER (PARTITION BY j.value ORDER BY r.id) AS n
                FROM json_each(${JSON.stringify(chosen)}) j JOIN registrations r ON r.id = j.key
                WHERE ${where} ${notCollected(d.id, sql`r.email_index`)}) a, ${bases(d.id)}
          WHERE true
          ON CONFLICT (distribution_id, email_index) DO NOTHING`,
    ),
    filledChunks(ctx, d.id),
    // Only once the attendee's row is there (the statement above may leave it out: a page
    // run twice, a registration changed since it was read), so the address is never lost
    // from the count. The subscribers' indexes are only compared here, never written.
    ...(Object.keys(replacing).length > 0
      ? [
          runInBatch(
            db,
            sql`DELETE FROM deliveries
                WHERE distribution_id = ${d.id} AND chunk = -1 AND status = 'skipped' AND subscriber_id IS NOT NULL
                  AND email_index IN (SELECT j.key FROM json_each(${JSON.stringify(replacing)}) j
                    WHERE EXISTS (SELECT 1 FROM registrations r JOIN deliveries x
                      ON x.distribution_id = ${d.id} AND x.email_index = r.email_index AND x.registration_id = r.id
                      WHERE r.id = j.value))`,
          ),
        ]
      : []),
    advance(ctx, d, next),
  ]);
  return filledBy(filled);
}

interface Chosen {
  /** Registration id → 1 to send, 0 to record as suppressed. */
  chosen: Record<string, 0 | 1>;
  /**
   * The subscribers' index of a skipped subscriber row → the registration sent instead:
   * the same address, whose attendee consent holds though the subscription does not.
   */
  replacing: Record<string, string>;
}

/**
 * Which of a page of attendees go into the audience. Each consent counts on its own: an
 * attendee is left out only when their address is already sent to as a subscriber (one
 * email per address, relying on the subscription). A subscriber row skipped when collected
 * (unsubscribed, bounced, complained) withdrew the subscription, not the workshop report,
 * so the attendee is sent to in its place; but an address on the suppression list stays
 * one skipped row, whichever source found it. Also left out: attendees whose workshop key
 * is destroyed (purged: nobody to reach).
 */
async function chooseAttendees(
  ctx: Services,
  d: Distribution,
  rows: { id: string; email: string }[],
  dedupe: boolean,
): Promise<Chosen> {
  if (rows.length === 0) return { chosen: {}, replacing: {} };
  const [key, subscribersKey] = await Promise.all([
    ctx.vault.workshop(d.audience.attendeesOf!.workshopId),
    ctx.vault.subscribers(),
  ]);
  const opened = await Promise.all(
    rows.map((row) => openFields(key, "registrations", row, { email: "" })),
  );
  const people = opened.filter((p) => p.email);
  // The subscribers' index of each (and the legacy hash): the index also finds them among
  // the subscribers collected already. Computed here, never stored for an attendee.
  const keys = await Promise.all(people.map((p) => suppressionKeys(subscribersKey, p.email)));
  const [collected, listed] = await Promise.all([
    dedupe
      ? collectedIndexes(
          ctx,
          d.id,
          keys.map((k) => k.index),
        )
      : new Map<string, Collected>(),
    listedValues(
      ctx.db,
      keys.flatMap((k) => [k.index, k.legacy]),
    ),
  ]);
  const out: Chosen = { chosen: {}, replacing: {} };
  people.forEach((person, i) => {
    const k = keys[i]!;
    const suppressed = isListed(listed, k);
    const before = collected.get(k.index);
    if (before === "pending") return;
    if (before === "skipped") {
      if (suppressed) return;
      out.replacing[k.index] = person.id;
    }
    out.chosen[person.id] = suppressed ? 0 : 1;
  });
  return out;
}

/** A subscriber row already collected: to be sent (`pending`), or recorded as skipped. */
type Collected = "pending" | "skipped";

/** Which of these address indexes this distribution has collected already, and how. */
async function collectedIndexes(
  ctx: Services,
  distributionId: string,
  indexes: string[],
): Promise<Map<string, Collected>> {
  const found = await Promise.all(
    Array.from({ length: Math.ceil(indexes.length / 90) }, (_, i) =>
      ctx.db
        .select({ index: deliveries.emailIndex, status: deliveries.status })
        .from(deliveries)
        .where(
          and(
            eq(deliveries.distributionId, distributionId),
            inArray(deliveries.emailIndex, indexes.slice(i * 90, (i + 1) * 90)),
          ),
        ),
    ),
  );
  return new Map(found.flat().map((row) => [row.index!, row.status]));
}

/**
 * Once the audience is complete: totals (the skipped are chunk -1, whose positions count
 * down from -1), a state row for each chunk not yet made (the last, partly filled one; the
 * full ones were made and enqueued as their pages committed), and those are enqueued.
 */
async function finishPreparing(ctx: Services, d: Distribution): Promise<void> {
  const { db } = ctx;
  const [, created] = await db.batch([
    runInBatch(
      db,
      sql`UPDATE distributions SET stage = 'ready', progress_at = ${Date.now()},
            chunk_count = COALESCE((SELECT chunk + 1 FROM deliveries WHERE distribution_id = ${d.id} AND chunk >= 0 ORDER BY chunk DESC LIMIT 1), 0),
            -- Numbering is dense: those to send are the last numbered position + 1; the
            -- skipped are chunk -1, counted through the key without reading the others.
            -- Chunks sent while the audience was collected have counted their own skips.
            (total, skipped) = (SELECT b.next + s.n, distributions.skipped + s.n FROM ${bases(d.id)},
              (SELECT count(*) AS n FROM deliveries WHERE distribution_id = ${d.id} AND chunk = -1) s)
          WHERE id = ${d.id} AND stage = 'chunks'`,
    ),
    allInBatch<{ chunk: number }>(
      db,
      sql`WITH RECURSIVE n(chunk) AS (
            SELECT 0 WHERE (SELECT chunk_count FROM distributions WHERE id = ${d.id}) > 0
            UNION ALL SELECT chunk + 1 FROM n WHERE chunk + 1 < (SELECT chunk_count FROM distributions WHERE id = ${d.id}))
          INSERT INTO distribution_chunks (distribution_id, chunk) SELECT ${d.id}, chunk FROM n WHERE true
          ON CONFLICT DO NOTHING
          RETURNING chunk`,
    ),
    completeIfDone(db, d.id),
  ]);
  await enqueueChunks(ctx.queue, d.id, filledBy(created));
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

const ACK: Verdict = { action: "ack" };

/**
 * Prepares for a while (the render, then several pages), then enqueues a continuation unless
 * the distribution is ready. Every stage and page is committed on its own, so a crash loses
 * nothing: the next message, or the sweeper, continues from the stage and cursor in D1.
 * `attempt` counts this message's deliveries, the first being 1; the verdict says whether
 * to ack it or retry it (a template that throws, renders.ts).
 */
export async function prepareStep(
  ctx: Services,
  distributionId: string,
  attempt: number,
): Promise<Verdict> {
  const started = Date.now();
  for (let page = 0; page < PREPARE_MAX_PAGES && Date.now() - started < PREPARE_BUDGET_MS; page++) {
    const d = await ctx.db.query.distributions.findFirst({
      where: eq(distributions.id, distributionId),
    });
    if (d?.status !== "sending" || d.stage === "ready") return ACK;
    if (d.stage === "render") {
      const verdict = await renderStage(ctx, d, attempt);
      if (verdict) return verdict;
      continue;
    }
    if (d.stage === "audience") {
      const filled = await collectPage(ctx, d);
      const last = page + 1 >= PREPARE_MAX_PAGES || Date.now() - started >= PREPARE_BUDGET_MS;
      // The step's last chunks go behind its continuation, not ahead of it: the next step
      // then starts while they are still being sent, and the queue never runs dry between
      // steps (an empty queue waits for its batch timeout before the next chunk arrives).
      if (last) await ctx.queue.send({ kind: "distribution-prepare", distributionId });
      await enqueueChunks(ctx.queue, distributionId, filled);
      if (last) return ACK;
      continue;
    }
    await finishPreparing(ctx, d);
    return ACK;
  }
  await ctx.queue.send({ kind: "distribution-prepare", distributionId });
  return ACK;
}
