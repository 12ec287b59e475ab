// Statements every stage shares. A counter counts the rows stamped with one operation's
// `op`, inside the batch that stamped them: a redelivered message stamps nothing new, so
// counters move exactly once per recipient.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { runInBatch } from "../db/raw";
import { distributions } from "../db/schema";
import { moveDistributions } from "./status";

/**
 * Adds to a counter the rows one operation changed. Given a chunk, the count goes through
 * the (distribution, chunk) index and reads at most 100 rows.
 */
export function countInto(
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
