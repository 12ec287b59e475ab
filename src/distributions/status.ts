// Distribution and delivery status machines, as data, and the only statements that change
// either status: each UPDATE's guard is derived from its table, so the table is the rule.
import { and, inArray, type SQL } from "drizzle-orm";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client";
import {
  type CHUNK_STATUSES,
  type DISTRIBUTION_STATUSES,
  deliveries,
  distributionChunks,
  distributions,
} from "../db/schema";
import { statusesFrom, type Transitions } from "../lib/state-machine";

export type DistributionStatus = (typeof DISTRIBUTION_STATUSES)[number];

/**
 * A distribution is `failed` only when its email could not be rendered after the last retry
 * (renders.ts): that happens before its audience is collected, so nobody was sent anything.
 * Recipients whose chunk failed are counted in `failed` and the distribution still completes.
 * `paused`: complaints or bounces crossed their threshold (webhooks/service.ts); chunks not
 * attempted yet wait, and the organiser resumes it (back to `sending`) or cancels it. Only
 * the sweeper starts a scheduled one and only a resume restarts a paused one: each guards
 * its UPDATE with the status it starts from too.
 */
export const DISTRIBUTION_TRANSITIONS: Record<DistributionStatus, readonly DistributionStatus[]> = {
  scheduled: ["sending", "cancelled"],
  sending: ["completed", "paused", "cancelled", "failed"],
  paused: ["sending", "cancelled"],
  completed: [],
  cancelled: [],
  failed: [],
};

export type ChunkStatus = (typeof CHUNK_STATUSES)[number];

/**
 * The send state lives per chunk. `sending` is an attempted chunk whose recipient set is
 * frozen: retries resend exactly it, and each retry freezes it again (`sending` → `sending`)
 * to count the attempt. `skipped`: cancelled before it was attempted.
 */
export const CHUNK_TRANSITIONS: Record<ChunkStatus, readonly ChunkStatus[]> = {
  pending: ["sending", "skipped"],
  sending: ["sending", "sent", "failed"],
  sent: [],
  failed: [],
  skipped: [],
};

export type DeliveryStatus = (typeof deliveries.$inferSelect)["status"];

/**
 * A recipient's own status records only the exception: skipped (unsubscribed, suppressed,
 * erased, opted out, cancelled), decided before their chunk is attempted.
 */
export const DELIVERY_TRANSITIONS: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  pending: ["skipped"],
  skipped: [],
};

/**
 * Every status change of a machine goes through the UPDATE this builds. Its guard comes from
 * the table, so a row whose status may not move to `to` stays as it is: that is what makes a
 * redelivered message, or a cancel racing a chunk, change nothing it should not.
 */
function mover<T extends typeof distributions | typeof deliveries | typeof distributionChunks>(
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
export const moveChunks = mover(distributionChunks, CHUNK_TRANSITIONS);
