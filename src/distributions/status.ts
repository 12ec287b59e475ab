// Distribution and delivery status machines, as data.
import type { DISTRIBUTION_STATUSES } from "../db/schema";

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

export type DeliveryStatus = "pending" | "sending" | "sent" | "failed" | "skipped";

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
