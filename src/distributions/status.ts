// Distribution and delivery status machines, as data.
import type { DISTRIBUTION_STATUSES } from "../db/schema";

export type DistributionStatus = (typeof DISTRIBUTION_STATUSES)[number];

export const DISTRIBUTION_TRANSITIONS: Record<DistributionStatus, readonly DistributionStatus[]> = {
  scheduled: ["sending", "cancelled"],
  sending: ["completed", "cancelled", "failed"],
  completed: [],
  cancelled: [],
  failed: [],
};

export type DeliveryStatus = "pending" | "sending" | "sent" | "failed" | "skipped";

/** `sending` is the frozen recipient set of an attempted chunk: retries resend exactly it. */
export const DELIVERY_TRANSITIONS: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  pending: ["sending", "skipped"],
  sending: ["sent", "failed"],
  sent: [],
  failed: [],
  skipped: [],
};
