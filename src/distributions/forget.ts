// Forgetting recipients, for erasure and the retention purge. A delivery keeps its status
// (so every counter stays right) but loses the address, the name and the link to the
// subscriber or registration it was for.
//
// One exception: a row frozen in a chunk in flight (`sending`). Its chunk may be retried,
// and a retry must send the very same payload under the same idempotency key, or the
// provider refuses it (or, for an answer that was lost, cannot replay it). So that row is
// only marked `forget`, and the statement that records its chunk's outcome (sent or failed)
// forgets it. A row in a chunk not attempted yet is forgotten at once; its chunk skips it
// when it runs (see chunk.ts). Either way the chunk is flagged: a sending one so that its
// outcome looks for marked rows at all, a pending one so that a run checking it right now
// does not freeze what it read before the erasure.
import { and, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { runInBatch } from "../db/raw";
import { deliveries, distributionChunks } from "../db/schema";
import { ERASED, forgottenAddress } from "../lib/forgotten";

/** The statements that forget the deliveries matching `where`. */
export function forgetDeliveries(db: Db, where: SQL) {
  const inFlight = sql`EXISTS (SELECT 1 FROM ${distributionChunks} c WHERE c.distribution_id = ${deliveries.distributionId} AND c.chunk = ${deliveries.chunk} AND c.status = 'sending')`;
  const theirChunks = db
    .select({ distributionId: deliveries.distributionId, chunk: deliveries.chunk })
    .from(deliveries)
    .where(where);
  return [
    // First: later statements may change what `where` matches (an address).
    runInBatch(
      db,
      sql`UPDATE distribution_chunks SET forget = 1
          WHERE status IN ('pending', 'sending') AND (distribution_id, chunk) IN ${theirChunks}`,
    ),
    db
      .update(deliveries)
      .set({
        email: forgottenAddress(ERASED, deliveries.id),
        name: null,
        subscriberId: null,
        registrationId: null,
        forget: false,
      })
      .where(and(where, sql`NOT ${inFlight}`)),
    db.update(deliveries).set({ forget: true }).where(and(where, inFlight)),
  ];
}

const ifMarked = (forgotten: SQL, kept: SQL) =>
  sql`CASE WHEN ${deliveries.forget} THEN ${forgotten} ELSE ${kept} END`;

/**
 * Column changes for a statement that records an outcome: a row marked `forget` loses its
 * address, name and links in the same statement; any other row keeps them.
 */
export const forgetIfMarked = {
  email: ifMarked(forgottenAddress(ERASED, deliveries.id), sql`${deliveries.email}`),
  name: ifMarked(sql`NULL`, sql`${deliveries.name}`),
  subscriberId: ifMarked(sql`NULL`, sql`${deliveries.subscriberId}`),
  registrationId: ifMarked(sql`NULL`, sql`${deliveries.registrationId}`),
  forget: false,
};
