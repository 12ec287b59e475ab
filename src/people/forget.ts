// The statements that forget people, shared by erasure (service.ts) and the retention purge
// (retention.ts). Forgetting must be all or nothing, so it writes the tables of several
// features in one batch; every status change still goes through its feature's own rules
// (seats through the seat engine before the batch, invitations through their machine, a
// delivery in flight through the distributions' forget marks).
//
// A registration or invitation row stays, so counts by status stay right; what goes is the
// address (replaced by a marker, src/lib/forgotten.ts), the name, the affiliation, answers,
// notes and needs (accessibility, dietary), every link token to it, and the person's place
// on the workshop's agenda as a speaker or moderator. Stored emails and dev-mailbox messages to the
// address go whole.
import { and, inArray, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Db } from "../db/client";
import {
  accessTokens,
  deliveries,
  emails,
  invitations,
  mailboxMessages,
  registrations,
  sessionPeople,
} from "../db/schema";
import { forgetDeliveries } from "../distributions/forget";
import { invitationMayMoveTo } from "../invitations/service";
import { type ERASED, forgottenAddress, type PURGED } from "../lib/forgotten";

type Marker = typeof ERASED | typeof PURGED;

/**
 * Forgets the registrations whose ids `registrationIds` selects and the invitations whose
 * ids `invitationIds` selects (each a subquery or a list), with their tokens and the report
 * deliveries made to them. Statements that find rows by address come first: later ones
 * replace it. Run seat changes (releaseForErasure) before, in their own batches.
 */
export function forgetRegistrationsAndInvitations(
  db: Db,
  marker: Marker,
  registrationIds: SQLWrapper | string[],
  invitationIds: SQLWrapper | string[],
  now: Date,
) {
  const inRegistrations = inArray(registrations.id, registrationIds);
  const inInvitations = inArray(invitations.id, invitationIds);
  return [
    db.delete(accessTokens).where(inArray(accessTokens.subjectId, registrationIds)),
    db.delete(accessTokens).where(inArray(accessTokens.subjectId, invitationIds)),
    ...forgetDeliveries(db, inArray(deliveries.registrationId, registrationIds)),
    // Off the agenda: a session without them, rather than a name that opens to nothing.
    db.delete(sessionPeople).where(inArray(sessionPeople.registrationId, registrationIds)),
    db
      .update(registrations)
      .set({
        email: forgottenAddress(marker, registrations.id),
        // The blind index goes too: an erased person is not found by their address again.
        emailIndex: null,
        name: "",
        affiliation: null,
        answers: "{}",
        notes: null,
        accessibility: null,
        dietary: null,
        updatedAt: now,
      })
      .where(inRegistrations),
    // An open invitation cannot be answered, reminded or sent any more.
    db
      .update(invitations)
      .set({ status: "revoked" })
      .where(and(inInvitations, invitationMayMoveTo("revoked"))),
    db
      .update(invitations)
      .set({
        email: forgottenAddress(marker, invitations.id),
        emailIndex: null,
        name: null,
        affiliation: null,
      })
      .where(inInvitations),
  ];
}

/**
 * Deletes the stored emails and dev-mailbox messages to the addresses `addresses` selects,
 * and the stored emails each of `sealed` selects. An email awaiting sending holds its
 * address in the clear; once final its address is sealed under `key_name`, and only its
 * index there (`to_index`) finds it: `sealed` are those conditions (src/people/whereabouts.ts,
 * `sentUnder`), one statement each.
 */
export function forgetMailTo(db: Db, addresses: SQLWrapper | string[], sealed: SQL[] = []) {
  return [
    db.delete(emails).where(inArray(emails.to, addresses)),
    ...sealed.map((where) => db.delete(emails).where(where)),
    db.delete(mailboxMessages).where(inArray(mailboxMessages.to, addresses)),
  ];
}
