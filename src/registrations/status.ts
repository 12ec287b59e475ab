// The registration status machine, as data. Every change of status goes through
// `allowedFrom`, and the tests walk every pair.
import { REGISTRATION_STATUSES } from "../db/schema";

export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export const REGISTRATION_TRANSITIONS: Record<RegistrationStatus, readonly RegistrationStatus[]> = {
  pending_verification: ["pending_approval", "confirmed", "waitlisted", "cancelled", "rejected"],
  pending_approval: ["confirmed", "waitlisted", "cancelled", "rejected"],
  waitlisted: ["confirmed", "cancelled", "rejected"],
  confirmed: ["attended", "cancelled", "rejected"],
  attended: [],
  // Organisers can re-confirm someone who cancelled or was rejected, seats permitting.
  cancelled: ["confirmed"],
  rejected: ["confirmed"],
};

/** Statuses that hold a seat. */
export const SEAT_HOLDING: readonly RegistrationStatus[] = ["confirmed", "attended"];

/** Statuses a participant is still "in" with; cancelling applies to these. */
export const ACTIVE: readonly RegistrationStatus[] = [
  "pending_verification",
  "pending_approval",
  "waitlisted",
  "confirmed",
];

export function canMove(from: RegistrationStatus, to: RegistrationStatus): boolean {
  return REGISTRATION_TRANSITIONS[from].includes(to);
}

/** The statuses from which `to` may be reached. */
export function allowedFrom(to: RegistrationStatus): RegistrationStatus[] {
  return REGISTRATION_STATUSES.filter((from) => canMove(from, to));
}
