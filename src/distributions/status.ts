// Distribution and delivery status machines, as data, and the only statements that change
// either status: each UPDATE's guard is derived from its table, so the table is the rule.
import { and, inArray, type SQL } from "drizzle-orm";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client";
import { type DISTRIBUTION_STATUSES, deliveries, distributions } from "../db/schema";
import { statusesFrom, type Transitions } from "../lib/state-machine";

export type DistributionStatus = (typeof DISTRIBUTION_STATUSES)[number];

/**
 * Nothing moves a distribution to `failed`: recipients whose chunk failed are counted in
 * `failed` and the distribution still completes. The status stays because the schema and
 * the API list it.
 */
export const DISTRIBUTION_TRANSITIONS: Record<DistributionStatus, readonly DistributionStatus[]> = {
  scheduled: ["sending", "cancelled"],
  sending: ["completed", "cancelled"],
  completed: [],
  cancelled: [],
  failed: [],
};

export type DeliveryStatus = (typeof deliveries.$inferSelect)["status"];

/**
 * `sending` is the frozen recipient set of an attempted chunk: retries resend exactly it,
 * and each retry freezes it again (`sending` → `sending`) to count the attempt.
 */
export const DELIVERY_TRANSITIONS: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  pending: ["sending", "skipped"],
  sending: ["sending", "sent", "failed"],
  sent: [],
  failed: [],
  skipped: [],
};

/**
 * Every status change of a machine goes through the UPDATE this builds. Its guard comes from
 * the table, so a row whose status may not move to `to` stays as it is: that is what makes a
 * redelivered message, or a cancel racing a chunk, change nothing it should not.
 */
function mover<T extends typeof distributions | typeof deliveries>(
  table: T,
  transitions: Transitions<T["$inferSelect"]["status"]>,
) {
  return (
    db: Db,
    to: T["$inferSelect"]["status"],
    where: SQL | undefined,
    changes?: Omit<SQLiteUpdateSetSource<T>, "status">,
  ) =>
    db
      .update(table)
      .set({ ...changes, status: to } as SQLiteUpdateSetSource<T>)
      .where(and(where, inArray(table.status, statusesFrom(transitions, to))));
}

export const moveDistributions = mover(distributions, DISTRIBUTION_TRANSITIONS);
export const moveDeliveries = mover(deliveries, DELIVERY_TRANSITIONS);
