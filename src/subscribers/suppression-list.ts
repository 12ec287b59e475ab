// Owners managing the suppression list (src/subscribers/suppression.ts holds the list and
// its checks). The list keeps no address, only its index under the subscribers' key, so an
// owner sees entries by reason and date, and looks an address up by typing it: the index is
// computed from it and asked for. Adding and lifting are audited; a lift also keeps its
// reason, who lifted it and what the entry was in `suppression_lifts`, the history a lookup
// shows. An entry that records an erasure is never lifted: it is the one trace that keeps
// someone who asked to be forgotten from being added again by an import or a form, and an
// owner cannot tell from an index whether the person now wants otherwise.
import { and, count, desc, eq, inArray, not, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { actorRef, audit, auditInsertIf } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { paginate } from "../db/paginate";
import { SUPPRESSION_REASONS, subscribers, suppressionLifts, suppressions } from "../db/schema";
import { conflict, notFound } from "../lib/errors";
import { cleanText, normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";
import type { Services } from "../services";
import {
  erasedEntry,
  type SuppressionReason,
  suppressedSql,
  suppressInsert,
  suppressionKeys,
} from "./suppression";

/** Longest note an owner may keep with an entry or a lift. */
export const SUPPRESSION_NOTE_MAX = 500;

type EntryRow = typeof suppressions.$inferSelect;
type LiftRow = typeof suppressionLifts.$inferSelect;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** An entry as owners see it. `id` is the index itself: the list has no other key. */
export function entryJson(row: EntryRow) {
  return {
    id: row.emailHash,
    reason: row.reason,
    since: row.createdAt.toISOString(),
    eventId: row.eventId,
    distributionId: row.distributionId,
    note: row.note,
    erasedAt: iso(row.erasedAt),
    /** Whether an owner may lift it: not when it records an erasure. */
    liftable: row.reason !== "erased" && row.erasedAt === null,
  };
}
export type SuppressionEntry = ReturnType<typeof entryJson>;

export function liftJson(row: LiftRow) {
  return {
    id: row.id,
    reason: row.reason,
    listedAt: row.listedAt.toISOString(),
    eventId: row.eventId,
    distributionId: row.distributionId,
    entryNote: row.entryNote,
    note: row.note,
    liftedAt: row.liftedAt.toISOString(),
    liftedBy: { type: row.actorType, id: row.actorId },
  };
}
export type SuppressionLift = ReturnType<typeof liftJson>;

/** One page of the list, newest first, optionally of one reason. */
export async function listSuppressions(
  db: Db,
  query: { reason?: SuppressionReason; limit: number; cursor?: string },
) {
  const page = await paginate(
    db,
    { id: suppressions.emailHash, by: suppressions.createdAt, direction: "desc" },
    query,
    async (after, window) =>
      (
        await db
          .select()
          .from(suppressions)
          .where(and(query.reason ? eq(suppressions.reason, query.reason) : undefined, after))
          .orderBy(...window.orderBy)
          .limit(window.limit)
      ).map((row) => ({ ...row, id: row.emailHash })),
  );
  return { data: page.data.map(entryJson), nextCursor: page.nextCursor };
}

/** How many entries there are of each reason. */
export async function suppressionCounts(db: Db): Promise<Record<SuppressionReason, number>> {
  const rows = await db
    .select({ reason: suppressions.reason, n: count() })
    .from(suppressions)
    .groupBy(suppressions.reason);
  const counts = Object.fromEntries(SUPPRESSION_REASONS.map((r) => [r, 0])) as Record<
    SuppressionReason,
    number
  >;
  for (const row of rows) counts[row.reason] = row.n;
  return counts;
}

/**
 * Whether and why an address is suppressed: its entries (under the keyed index, and the
 * unkeyed hash of entries from before the vault), the entries lifted before, and the
 * subscriber with the address, if any (to reactivate once lifted). Audited with counts
 * only, like a person search.
 */
export async function lookUpAddress(svc: Services, actor: Actor, address: string) {
  const { db } = svc;
  const keys = await suppressionKeys(await svc.vault.subscribers(), normaliseEmail(address));
  const values = [keys.index, keys.legacy];
  const [entries, lifts, subscriber] = await Promise.all([
    db.select().from(suppressions).where(inArray(suppressions.emailHash, values)),
    db
      .select()
      .from(suppressionLifts)
      .where(inArray(suppressionLifts.emailHash, values))
      .orderBy(desc(suppressionLifts.liftedAt)),
    db.query.subscribers.findFirst({
      where: eq(subscribers.emailIndex, keys.index),
      columns: { id: true, status: true },
    }),
  ]);
  await audit(db, actor, {
    action: "suppression.lookup",
    detail: { entries: entries.length, lifts: lifts.length },
  });
  return {
    suppressed: entries.length > 0,
    entries: entries.map(entryJson),
    lifts: lifts.map(liftJson),
    subscriber: subscriber ?? null,
  };
}
export type SuppressionLookup = Awaited<ReturnType<typeof lookUpAddress>>;

/**
 * An owner puts an address on the list by hand (`manual`), with an optional note: the
 * address is turned into its index and not kept. An address listed already, under either
 * value, keeps its entry (409 naming its reason). A subscriber with the address keeps their
 * status and is skipped by every send while listed. Audited.
 */
export async function addSuppression(
  svc: Services,
  actor: Actor,
  input: { email: string; note?: string | null },
) {
  const { db } = svc;
  const keys = await suppressionKeys(await svc.vault.subscribers(), normaliseEmail(input.email));
  const note = input.note ? cleanText(input.note).slice(0, SUPPRESSION_NOTE_MAX) || null : null;
  const listed = await db
    .select()
    .from(suppressions)
    .where(inArray(suppressions.emailHash, [keys.index, keys.legacy]));
  if (listed[0])
    throw conflict(
      `This address is on the list already (${listed[0].reason}, since ${listed[0].createdAt.toISOString().slice(0, 10)}).`,
    );
  // Both guarded by "not listed under either value", the audit row first: in one batch,
  // the entry and its audit row are written together or not at all. The target is the
  // index, the entry's only key, which the list keeps for good anyway.
  const unlisted = sql`NOT ${suppressedSql(keys)}`;
  const [, inserted] = await runBatch(db, [
    auditInsertIf(
      db,
      actor,
      {
        action: "suppression.add",
        targetType: "suppression",
        targetId: keys.index,
        detail: { reason: "manual" },
      },
      unlisted,
    ),
    suppressInsert(db, keys.index, "manual", { note, onlyIf: unlisted }).returning(),
  ]);
  const row = (inserted as EntryRow[])[0];
  if (!row) throw conflict("This address was put on the list meanwhile.");
  return entryJson(row);
}

/**
 * An owner lifts an entry, with the reason why: the entry leaves the list (email may reach
 * the address again; a bounced or complained subscriber still needs reactivating) and its
 * history is kept in `suppression_lifts`. Refused for an entry that records an erasure.
 * The lift, its audit row and the deletion are one batch, each guarded by the entry still
 * being there and liftable, so two owners lifting at once record one lift.
 */
export async function liftSuppression(
  svc: Services,
  actor: Actor,
  id: string,
  reason: string,
): Promise<SuppressionLift> {
  const { db } = svc;
  const entry = await db.query.suppressions.findFirst({ where: eq(suppressions.emailHash, id) });
  if (!entry) throw notFound("No such suppression entry.");
  if (!entryJson(entry).liftable)
    throw conflict(
      "This entry records an erasure: the person asked to be forgotten, and the entry is what keeps the address from being added again. It cannot be lifted.",
    );
  const liftId = newId("lift");
  const note = cleanText(reason).slice(0, SUPPRESSION_NOTE_MAX);
  const { actorType, actorId } = actorRef(actor);
  const liftable = and(eq(suppressions.emailHash, id), not(erasedEntry));
  // drizzle lists every column of suppression_lifts, in the schema's order: keep this in step.
  const [lifted] = await runBatch(db, [
    db
      .insert(suppressionLifts)
      .select(
        sql`SELECT ${liftId}, email_hash, reason, created_at, event_id, distribution_id, note, ${note}, ${actorType}, ${actorId}, ${Date.now()}
            FROM ${suppressions} WHERE ${liftable}`,
      )
      .returning(),
    auditInsertIf(
      db,
      actor,
      {
        action: "suppression.lift",
        targetType: "suppression_lift",
        targetId: liftId,
        detail: { reason: entry.reason },
      },
      sql`EXISTS (SELECT 1 FROM ${suppressionLifts} WHERE ${suppressionLifts.id} = ${liftId})`,
    ),
    db
      .delete(suppressions)
      .where(
        and(
          liftable,
          sql`EXISTS (SELECT 1 FROM ${suppressionLifts} WHERE ${suppressionLifts.id} = ${liftId})`,
        ),
      ),
  ]);
  const row = (lifted as LiftRow[])[0];
  if (!row) throw conflict("This entry changed meanwhile (lifted, or the person erased); reload.");
  return liftJson(row);
}

/**
 * The subscriber whose address an entry is the index of, if any: after a lift, a bounced or
 * complained one can be reactivated. Entries from before the vault hold an unkeyed hash,
 * which no subscriber row carries: none is found for them.
 */
export function subscriberOfEntry(db: Db, id: string) {
  return db.query.subscribers.findFirst({
    where: eq(subscribers.emailIndex, id),
    columns: { id: true, status: true },
  });
}
