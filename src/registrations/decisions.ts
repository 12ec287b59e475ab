// Organiser decisions, door check-in and release before erasure, apart so service.ts stays small.
import { and, eq, type SQL, sql } from "drizzle-orm";
import { type Actor, can } from "../access/roles";
import { roleOn } from "../access/team";
import { auditInsert, auditInsertIf } from "../audit/service";
import { runBatch } from "../db/client";
import { registrations } from "../db/schema";
import type { Lang } from "../i18n";
import { conflict, invalid, notFound } from "../lib/errors";
import { isForgotten } from "../lib/forgotten";
import { canMove, statusesFrom } from "../lib/state-machine";
import { cleanText } from "../lib/text";
import type { Services } from "../services";
import type { AttendanceMode, Workshop } from "../workshops/types";
import { findRegistration, getRegistration, type Reader, registrationsById } from "./lists";
import { NOTICE_FOR } from "./notices";
import { openRegistration, sealColumn } from "./sealed";
import { applyMove, type SeatResult, type Target } from "./seats";
import {
  admit,
  checkMode,
  getWorkshopRow,
  moveSeats,
  notifyOne,
  notifyPromoted,
  type ParticipantRole,
  type Registration,
  sealingKey,
} from "./service";
import { REGISTRATION_TRANSITIONS, type RegistrationStatus } from "./status";
import { resolveToken } from "./tokens";

/**
 * The registration (with its workshop) a check-in code names, or undefined when the code is
 * invalid, expired, or for a workshop `actor` may not check people in at: door staff of one
 * workshop learn nothing from another workshop's codes.
 */
export async function findByCheckInToken(
  svc: Reader & Pick<Services, "settings">,
  actor: Actor,
  token: string,
) {
  const { db } = svc;
  const id = await resolveToken(db, svc.settings.tokenSecret, "checkin", token);
  if (!id) return undefined;
  const found = await db.query.registrations.findFirst({
    where: eq(registrations.id, id),
    with: { workshop: true },
  });
  if (!found) return undefined;
  const role = await roleOn(db, actor, found.workshopId);
  if (!role || !can(role, "checkin")) return undefined;
  const { workshop, ...row } = found;
  const opened = await openRegistration(await svc.vault.workshop(workshop.id), row);
  // Erased or purged: the code names nobody any more.
  if (isForgotten(opened.email)) return undefined;
  return { ...opened, workshop };
}

type Change = {
  status?: RegistrationStatus;
  role?: ParticipantRole;
  notes?: string | null;
  /** A hybrid workshop's pool: the organiser assigns the person to the other one. */
  mode?: AttendanceMode;
};

/** Why a status change did not happen: the status machine, the seats, or a race. */
export type RefusedReason = "not_allowed" | "no_seat" | "changed";

type Attempt =
  | { ok: true; registration: Registration }
  | { ok: false; reason: RefusedReason; current: RegistrationStatus };

/** An organiser's decision: approve, reject, waitlist, cancel, re-confirm; role and notes. */
export async function changeRegistration(
  svc: Services,
  actor: Actor,
  id: string,
  change: Change,
  now = new Date(),
): Promise<Registration> {
  let current = await getRegistration(svc, id);
  if (change.mode && change.mode !== (current.mode ?? "in_person")) {
    // One change, one outcome: a move between pools and a decision are two requests, so
    // a refused decision never leaves the move done behind it.
    if (change.status && change.status !== current.status)
      throw invalid("Change the mode and the status one at a time.", [
        { path: "mode", message: "Change the mode and the status one at a time." },
      ]);
    current = await switchMode(svc, actor, current, change.mode, now);
  }
  const attempt = await attemptChange(svc, actor, current, change, now);
  if (attempt.ok) return attempt.registration;
  if (attempt.reason === "not_allowed")
    throw conflict(`A registration cannot go from ${current.status} to ${change.status}.`);
  if (attempt.reason === "changed")
    throw conflict(`The registration changed meanwhile; it is now ${attempt.current}.`);
  throw conflict("No seat is left: raise the capacity or free a seat first.");
}

/**
 * The change, on a registration already read: a refusal is an answer, not an error, so a
 * bulk decision can tell each person's outcome apart without parsing messages.
 */
async function attemptChange(
  svc: Services,
  actor: Actor,
  current: Registration,
  change: Change,
  now: Date,
): Promise<Attempt> {
  const { db } = svc;
  const id = current.id;
  const workshop = await getWorkshopRow(db, current.workshopId);
  const hasDetails = change.role !== undefined || change.notes !== undefined;
  // Notes are personal (what an organiser knows of someone): sealed like the rest.
  const notes =
    change.notes !== undefined && change.notes
      ? await sealColumn(await sealingKey(svc, workshop), id, "notes", cleanText(change.notes))
      : null;
  /** The role and notes change, only if `when` holds (the status move happened). */
  const details = (when?: SQL) =>
    hasDetails
      ? [
          db
            .update(registrations)
            .set({
              ...(change.role ? { role: change.role } : {}),
              ...(change.notes !== undefined ? { notes } : {}),
              updatedAt: now,
            })
            .where(and(eq(registrations.id, id), when)),
        ]
      : [];
  /** The audit row of a status decision, written only if `when` holds (it took place). */
  const statusAudit = (from: RegistrationStatus, to: RegistrationStatus, when: SQL) =>
    auditInsertIf(
      db,
      actor,
      {
        action: "registration.status",
        targetType: "registration",
        targetId: id,
        detail: { from, to },
      },
      when,
    );
  // The organisers cancel what the participant had cancelled themselves: it becomes their
  // decision, which the participant cannot undo (restoreByToken).
  if (
    change.status === "cancelled" &&
    current.status === "cancelled" &&
    current.cancelledBy !== "organiser"
  ) {
    const stillCancelled = sql`EXISTS (SELECT 1 FROM ${registrations} WHERE ${registrations.id} = ${id} AND ${registrations.status} = 'cancelled')`;
    await runBatch(db, [
      db
        .update(registrations)
        .set({ cancelledBy: "organiser", updatedAt: now })
        .where(and(eq(registrations.id, id), eq(registrations.status, "cancelled"))),
      ...details(stillCancelled),
      statusAudit("cancelled", "cancelled", stillCancelled),
    ]);
    return { ok: true, registration: await getRegistration(svc, id) };
  }
  if (!change.status || change.status === current.status) {
    if (hasDetails)
      await runBatch(db, [
        ...details(),
        auditInsert(db, actor, {
          action: "registration.update",
          targetType: "registration",
          targetId: id,
        }),
      ]);
    return { ok: true, registration: await getRegistration(svc, id) };
  }
  const to = change.status;
  if (!canMove(REGISTRATION_TRANSITIONS, current.status, to))
    return { ok: false, reason: "not_allowed", current: current.status };
  const target: Target = { to };
  const result: SeatResult = await moveSeats(
    svc,
    workshop,
    {
      registrationId: id,
      from: [current.status],
      target,
      now,
      set:
        to === "attended"
          ? sql`checked_in_at = ${now.getTime()}`
          : // The organisers' decision: the participant cannot undo it (restoreByToken).
            to === "cancelled"
            ? sql`cancelled_by = 'organiser'`
            : undefined,
    },
    [],
    // A refused move (no seat, or the status changed meanwhile) changes and records nothing.
    (moved) => [...details(moved), statusAudit(current.status, to, moved)],
  );
  if (!result.moved) {
    const latest = await getRegistration(svc, id);
    if (latest.status !== current.status)
      return { ok: false, reason: "changed", current: latest.status };
    return { ok: false, reason: "no_seat", current: current.status };
  }
  const kind = NOTICE_FOR[to];
  if (kind && to !== "attended") await notifyOne(svc, workshop, current, kind);
  await notifyPromoted(svc, workshop, result.promoted);
  return { ok: true, registration: await getRegistration(svc, id) };
}

/**
 * An organiser moves someone of a hybrid workshop to its other pool, status unchanged: a
 * seated person only into a free seat there (else 409), a waitlisted one to the end of that
 * pool's waitlist. The seat left behind goes to the first in line, and the person is told
 * where they now take part when that changes what they are sent (a seat).
 */
async function switchMode(
  svc: Services,
  actor: Actor,
  current: Registration,
  mode: AttendanceMode,
  now: Date,
): Promise<Registration> {
  const { db } = svc;
  const workshop = await getWorkshopRow(db, current.workshopId);
  if (workshop.attendance !== "hybrid")
    throw conflict("Only a hybrid workshop has people online and in person.");
  if (
    current.status === "cancelled" ||
    current.status === "rejected" ||
    current.status === "attended"
  )
    throw conflict(`A registration that is ${current.status} keeps its mode.`);
  const result = await moveSeats(
    svc,
    workshop,
    { registrationId: current.id, from: [current.status], target: { switchTo: mode }, now },
    [],
    (moved) => [
      auditInsertIf(
        db,
        actor,
        {
          action: "registration.mode",
          targetType: "registration",
          targetId: current.id,
          detail: { from: current.mode ?? "in_person", to: mode },
        },
        moved,
      ),
    ],
  );
  if (!result.moved) {
    const latest = await getRegistration(svc, current.id);
    if (latest.status !== current.status || latest.mode !== current.mode)
      throw conflict(`The registration changed meanwhile; it is now ${latest.status}.`);
    throw conflict(
      mode === "online"
        ? "No online seat is free: raise the online capacity or free a seat first."
        : "No seat in the room is free: raise the capacity or free a seat first.",
    );
  }
  const switched = await getRegistration(svc, current.id);
  // A seat holder's place changed (the room or the link): a new confirmation says which. A
  // waitlisted person who found a free seat there was promoted: that email says it.
  if (switched.status === "confirmed" && !result.promoted.includes(switched.id))
    await notifyOne(svc, workshop, switched, "confirmed");
  await notifyPromoted(svc, workshop, result.promoted);
  return switched;
}

/** The decisions an organiser takes on several people at once, from the registrations table. */
export const BULK_DECISIONS = ["confirmed", "waitlisted", "rejected"] as const;
export type BulkDecision = (typeof BULK_DECISIONS)[number];

/** Each person's outcome of a bulk decision; refused ones say why. */
export interface BulkOutcome {
  done: string[];
  refused: { id: string; reason: RefusedReason | "not_found" | "same"; status?: string }[];
}

/**
 * One decision on several registrations of one workshop, each through the same change as a
 * single click (seats taken atomically, audited, the person told). Oldest registration
 * first: when seats run out part-way, those who asked first are the ones approved. An id
 * of another workshop, or an erased person, is refused as not found: the workshop in the
 * path is what the organiser's permission was checked against.
 */
export async function decideMany(
  svc: Services,
  actor: Actor,
  workshopId: string,
  ids: string[],
  to: BulkDecision,
  now = new Date(),
): Promise<BulkOutcome> {
  const found = (await registrationsById(svc, [...new Set(ids)])).filter(
    (r) => r.workshopId === workshopId && !isForgotten(r.email),
  );
  const outcome: BulkOutcome = { done: [], refused: [] };
  const known = new Set(found.map((r) => r.id));
  for (const id of new Set(ids))
    if (!known.has(id)) outcome.refused.push({ id, reason: "not_found" });
  found.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  // One at a time: each takes its seat in its own atomic statement, so capacity holds.
  for (const r of found) {
    if (r.status === to) {
      outcome.refused.push({ id: r.id, reason: "same", status: r.status });
      continue;
    }
    const attempt = await attemptChange(svc, actor, r, { status: to }, now);
    if (attempt.ok) outcome.done.push(r.id);
    else outcome.refused.push({ id: r.id, reason: attempt.reason, status: attempt.current });
  }
  return outcome;
}

interface CheckInResult {
  registration: Registration;
  alreadyCheckedIn: boolean;
}

/** Confirmed → attended. A second check-in changes nothing and says so. */
export async function checkIn(
  svc: Reader,
  actor: Actor,
  id: string,
  now = new Date(),
): Promise<CheckInResult> {
  const { db } = svc;
  const current = await getRegistration(svc, id);
  if (current.status === "attended") return { registration: current, alreadyCheckedIn: true };
  const result = await applyMove(
    db,
    current.workshopId,
    {
      registrationId: id,
      from: statusesFrom(REGISTRATION_TRANSITIONS, "attended"),
      target: { to: "attended" },
      now,
      set: sql`checked_in_at = ${now.getTime()}`,
    },
    [],
    (moved) => [
      auditInsertIf(
        db,
        actor,
        { action: "registration.check_in", targetType: "registration", targetId: id },
        moved,
      ),
    ],
  );
  const latest = await getRegistration(svc, id);
  if (!result.moved) {
    if (latest.status === "attended") return { registration: latest, alreadyCheckedIn: true };
    throw conflict(
      `Only confirmed participants can be checked in; this registration is ${latest.status.replace("_", " ")}.`,
    );
  }
  return { registration: latest, alreadyCheckedIn: false };
}

export async function checkInByToken(
  svc: Reader & Pick<Services, "settings">,
  actor: Actor,
  token: string,
): Promise<CheckInResult & { workshop: Workshop }> {
  const found = await findByCheckInToken(svc, actor, token);
  if (!found) throw notFound("This check-in code is not valid, or has expired.");
  const result = await checkIn(svc, actor, found.id);
  return { ...result, workshop: found.workshop };
}

/** An organiser adds someone directly: no verification or approval, but capacity holds. */
export async function addRegistration(
  svc: Services,
  actor: Actor,
  workshopId: string,
  input: {
    name: string;
    email: string;
    affiliation?: string;
    accessibility?: string;
    dietary?: string;
    role?: ParticipantRole;
    language?: Lang;
    mode?: AttendanceMode;
    notify?: boolean;
  },
  now = new Date(),
): Promise<Registration> {
  const { db } = svc;
  const workshop = await getWorkshopRow(db, workshopId);
  if (workshop.status === "cancelled") throw conflict("This workshop was cancelled.");
  const chosen = checkMode(workshop, input.mode, now);
  if (chosen.error) throw invalid("Choose the person's mode.", [chosen.error]);
  const created = await admit(
    svc,
    workshop,
    { ...input, mode: chosen.mode, source: "organiser" },
    {
      approvalFirst: false,
      alongside: (id, admitted) => [
        auditInsertIf(
          db,
          actor,
          { action: "registration.add", targetType: "registration", targetId: id },
          admitted,
        ),
      ],
      notify: input.notify,
      now,
    },
  );
  if (!created) throw conflict("That address is already registered for this workshop.");
  return getRegistration(svc, created.id);
}

/**
 * Before a person's registration is erased: whatever it holds (a seat, a waitlist place, a
 * request awaiting verification or approval) is given up through the seat engine, so the
 * counters stay right and a freed seat goes to the next in line, who is told. The person
 * is not told: their address is about to go. Attended, cancelled and rejected
 * registrations hold nothing and stay as they are.
 */
export async function releaseForErasure(
  svc: Services,
  registrationId: string,
  now = new Date(),
): Promise<void> {
  const { db } = svc;
  const registration = await findRegistration(svc, registrationId);
  if (!registration) return;
  const result = await applyMove(db, registration.workshopId, {
    registrationId,
    from: statusesFrom(REGISTRATION_TRANSITIONS, "cancelled"),
    target: { to: "cancelled" },
    now,
    // Nobody restores a registration being erased, even in the moment before it goes.
    set: sql`cancelled_by = 'organiser'`,
  });
  if (result.promoted.length > 0)
    await notifyPromoted(svc, await getWorkshopRow(db, registration.workshopId), result.promoted);
}
