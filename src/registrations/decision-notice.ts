// A seat decision's email, written by reference (../mail/references.ts). The verification
// reads the registration, moves its seat and records its email in one batch, one D1 round
// trip: it has not opened the address, the name or the language when the batch is built, so
// the outbox row names the registration and the status the move ended in, and the queue
// consumer writes the email from the registration as it stands then: the same notice, links,
// check-in code and calendar file the request would have written.
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { NO_ADDRESS } from "../mail/outbox";
import { type Completion, type Resolver, referenceInsert } from "../mail/references";
import type { Services } from "../services";
import { NOTICE_FOR, noticeEmail, venueRevealed } from "./notices";
import { findById } from "./read";
import type { RegistrationStatus } from "./status";

/** The resolver's name, in the row's template (`ref:seat-decision`). */
export const SEAT_DECISION = "seat-decision";

/** What the row names: the registration, and the status its notice announces. */
interface Decision {
  registration: string;
  status: RegistrationStatus;
}

const announced = Object.entries(NOTICE_FOR) as [RegistrationStatus, string][];
const inAnnounced = sql.raw(announced.map(([status]) => `'${status}'`).join(", "));
const kindOf = (status: SQL) =>
  sql`'workshop:' || CASE ${status} ${sql.raw(
    announced.map(([status, kind]) => `WHEN '${status}' THEN '${kind}'`).join(" "),
  )} END`;

/**
 * The email of the move `op` of one registration, for the move's batch (after it): written
 * only if the move took place and ended in a status that has a notice.
 */
export function decisionNoticeInsert(
  db: Db,
  move: { registrationId: string; op: string; now: Date },
) {
  return referenceInsert(db, {
    resolver: SEAT_DECISION,
    source: sql`FROM registrations r WHERE r.id = ${move.registrationId} AND r.seat_op = ${move.op}
      AND r.status IN (${inAnnounced})`,
    // A row of a workshop whose key was never made has its address in the clear and no
    // index: the outbox row holds it, as any queued email does, so erasure finds it by it.
    to: sql`CASE WHEN r.email_index IS NULL THEN r.email ELSE '' END`,
    keyName: sql`'workshop:' || r.workshop_id`,
    toIndex: sql`r.email_index`,
    kind: kindOf(sql.raw("r.status")),
    props: sql`json_object('registration', r.id, 'status', r.status)`,
    now: move.now,
  });
}

/**
 * Writes a seat decision's email. None when the person is gone (erased, purged: nobody to
 * write to), when the registration has moved on since (cancelled by the organisers a
 * moment later, say), or when the workshop was cancelled since: those changes send their own
 * email, and a confirmation written now would hand the place, the check-in code and a
 * calendar event to someone who no longer has them. The same holds when the email is stored,
 * checked in the storing statement; the place counts as revealed only if it is.
 */
export function decisionNoticeResolver(
  svc: Pick<Services, "db" | "vault" | "settings" | "now">,
): Resolver {
  return async (props): Promise<Completion> => {
    const { registration: id, status } = props as Decision;
    const found = await findById(svc, id);
    if (!found) return { none: NO_ADDRESS };
    const { registration, workshop } = found;
    if (registration.status !== status)
      return {
        none: `not sent: the registration became ${registration.status} before its email was written`,
      };
    if (workshop.status === "cancelled")
      return { none: "not sent: the workshop was cancelled before its email was written" };
    const now = svc.now();
    const { email, revealsVenue } = await noticeEmail(
      svc.settings,
      workshop,
      registration,
      NOTICE_FOR[status]!,
      now,
    );
    return {
      email,
      onlyIf: sql`EXISTS (SELECT 1 FROM registrations r JOIN workshops w ON w.id = r.workshop_id
        WHERE r.id = ${id} AND r.status = ${status} AND w.status != 'cancelled')`,
      alongside: (onlyIf) => (revealsVenue ? [venueRevealed(svc.db, id, now, onlyIf)] : []),
    };
  };
}
