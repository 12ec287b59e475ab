// Statements every stage shares. A counter counts what one operation's `op` stamped, inside
// the batch that stamped it: a redelivered message stamps nothing new, so counters move
// exactly once per recipient. A sent or failed chunk adds its frozen size (one row read); a
// skip adds the recipient rows it stamped.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { runInBatch } from "../db/raw";
import { distributions } from "../db/schema";
import { moveDistributions } from "./status";

/**
 * Adds to `skipped` the recipient rows one operation changed. Given a chunk and positions,
 * the count reads only those rows, through the key.
 */
export function countInto(
  db: Db,
  distributionId: string,
  counter: "skipped",
  op: string,
  at?: { chunk: number; positions?: number[] },
) {
  const where = !at
    ? sql`distribution_id = ${distributionId} AND op = ${op}`
    : at.positions
      ? sql`distribution_id = ${distributionId} AND chunk = ${sql.raw(String(at.chunk))} AND position IN (${sql.raw(at.positions.map(Number).join(", ") || "NULL")}) AND op = ${op}`
      : sql`distribution_id = ${distributionId} AND chunk = ${sql.raw(String(at.chunk))} AND op = ${op}`;
  return runInBatch(
    db,
    sql`UPDATE distributions SET ${sql.raw(counter)} = ${sql.raw(counter)} + (SELECT count(*) FROM deliveries WHERE ${where}), progress_at = ${Date.now()} WHERE id = ${distributionId}`,
  );
}

/** Adds a chunk's frozen size to `sent` or `failed`, if `op` is what moved it. */
export function countChunkInto(
  db: Db,
  distributionId: string,
  chunk: number,
  counter: "sent" | "failed",
  op: string,
) {
  return runInBatch(
    db,
    sql`UPDATE distributions SET ${sql.raw(counter)} = ${sql.raw(counter)} + COALESCE((SELECT size FROM distribution_chunks WHERE distribution_id = ${distributionId} AND chunk = ${sql.raw(String(chunk))} AND op = ${op}), 0), progress_at = ${Date.now()} WHERE id = ${distributionId}`,
  );
}

export function completeIfDone(db: Db, distributionId: string) {
  return moveDistributions(
    db,
    "completed",
    and(
      eq(distributions.id, distributionId),
      eq(distributions.stage, "ready"),
      sql`${distributions.sent} + ${distributions.failed} + ${distributions.skipped} >= ${distributions.total}`,
    ),
    { completedAt: new Date() },
  );
}
