// Forgetting recipients, for erasure and the retention purge. A delivery keeps its status
// (so every counter stays right) but loses the address, the name and the link to the
// subscriber or registration it was for.
//
// One exception: a row frozen in a chunk in flight (`sending`). Its chunk may be retried,
// and a retry must send the very same payload under the same idempotency key, or the
// provider refuses it (or, for an answer that was lost, cannot replay it). So that row is
// only marked `forget`, and the statement that records its outcome (sent or failed) forgets
// it. A pending row is forgotten at once; its chunk skips it when it runs (see chunk.ts).
import { and, eq, ne, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { deliveries } from "../db/schema";
import { ERASED, forgottenAddress } from "../lib/forgotten";

/** The statements that forget the deliveries matching `where`. */
export function forgetDeliveries(db: Db, where: SQL) {
  return [
    db
      .update(deliveries)
      .set({
        email: forgottenAddress(ERASED, deliveries.id),
        name: null,
        subscriberId: null,
        registrationId: null,
        forget: false,
      })
      .where(and(where, ne(deliveries.status, "sending"))),
    db
      .update(deliveries)
      .set({ forget: true })
      .where(and(where, eq(deliveries.status, "sending"))),
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
