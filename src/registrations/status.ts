// The registration status machine, as data. Every change of status goes through the seat
// engine (seats.ts), which moves a registration only where this table allows it, and the
// tests walk every pair.
import type { REGISTRATION_STATUSES } from "../db/schema";

export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export const REGISTRATION_TRANSITIONS: Record<RegistrationStatus, readonly RegistrationStatus[]> = {
  pending_verification: ["pending_approval", "confirmed", "waitlisted", "cancelled", "rejected"],
  pending_approval: ["confirmed", "waitlisted", "cancelled", "rejected"],
  waitlisted: ["confirmed", "cancelled", "rejected"],
  confirmed: ["attended", "cancelled", "rejected"],
  attended: [],
  // Organisers can re-confirm someone who cancelled or was rejected, seats permitting. A
  // participant can undo their own cancellation (restoreByToken): back to a seat if one is
  // free, else the end of the waitlist, or to the approval queue they left.
  cancelled: ["confirmed", "waitlisted", "pending_approval"],
  rejected: ["confirmed"],
};

/** Statuses that hold a seat. */
export const SEAT_HOLDING: readonly RegistrationStatus[] = ["confirmed", "attended"];
