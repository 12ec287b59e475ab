// Registrations: the public flow (register, verify, cancel), organiser decisions, check-in.
// Every status change goes through the seat engine, one batch per change.
import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { auditInsert } from "../audit/service";
import type { Db } from "../db/client";
import { type PARTICIPANT_ROLES, registrations, type WorkshopQuestion } from "../db/schema";
import { conflict, type FieldError, invalid, notFound } from "../lib/errors";
import type { Lang } from "../lib/i18n";
import { cleanText, normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";
import type { Actor } from "../organisers/roles";
import type { Services } from "../services";
import { seatState } from "../workshops/service";
import type { Workshop } from "../workshops/types";
import type { NoticeKind } from "./notice-strings";
import { buildNotice } from "./notices";
import { applyMove, type SeatResult, type Target } from "./seats";
import { sendNotices } from "./send";
import { ACTIVE, canMove, type RegistrationStatus } from "./status";
import { resolveToken } from "./tokens";

export type Registration = typeof registrations.$inferSelect;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

export interface RegistrationInput {
  name: string;
  email: string;
  affiliation?: string;
  answers?: Record<string, unknown>;
  language?: Lang;
  receiveReport?: boolean;
}

/** The notice a status change announces to the participant. */
const NOTICE_FOR: Partial<Record<RegistrationStatus, NoticeKind>> = {
  confirmed: "confirmed",
  waitlisted: "waitlisted",
  pending_approval: "pending_approval",
  rejected: "rejected",
  cancelled: "cancelled",
};

/** Checks answers against the workshop's questions; unknown answers are dropped. */
export function validateAnswers(
  questions: WorkshopQuestion[],
  answers: Record<string, unknown> = {},
) {
  const clean: Record<string, string | boolean> = {};
  const errors: FieldError[] = [];
  for (const q of questions) {
    const value = answers[q.id];
    const path = `answers.${q.id}`;
    if (q.type === "checkbox") {
      const checked = value === true || value === "true" || value === "on";
      if (q.required && !checked) errors.push({ path, message: "This box must be ticked." });
      clean[q.id] = checked;
      continue;
    }
    const text = typeof value === "string" ? cleanText(value).slice(0, 2000) : "";
    if (!text) {
      if (q.required) errors.push({ path, message: "This question needs an answer." });
      continue;
    }
    if (q.type === "choice" && !q.options?.includes(text)) {
      errors.push({ path, message: "Pick one of the options." });
      continue;
    }
    clean[q.id] = text;
  }
  return { clean, errors };
}

async function notifyOne(
  svc: Services,
  workshop: Workshop,
  registration: Pick<Registration, "id" | "email" | "name" | "language">,
  kind: NoticeKind,
) {
  const { db } = svc;
  const notice = await buildNotice(
    db,
    svc.mailer,
    svc.settings.appUrl,
    workshop,
    registration,
    kind,
  );
  const [first, ...rest] = notice.statements;
  await db.batch([first!, ...rest]);
  await svc.mailer.enqueue([notice.emailId]);
}

async function notifyPromoted(svc: Services, workshop: Workshop, promoted: string[]) {
  const { db } = svc;
  if (promoted.length === 0) return;
  const people = await db.query.registrations.findMany({
    where: inArray(registrations.id, promoted),
  });
  await sendNotices(db, svc.mailer, svc.settings.appUrl, workshop, people, "promoted");
}

/** Emails an existing registrant their link, at most once every 10 minutes. */
async function resendLink(svc: Services, workshop: Workshop, existing: Registration, now: Date) {
  const { db } = svc;
  const [claimed] = await db
    .update(registrations)
    .set({ linkResentAt: now })
    .where(
      and(
        eq(registrations.id, existing.id),
        or(
          isNull(registrations.linkResentAt),
          lt(registrations.linkResentAt, new Date(now.getTime() - 10 * 60 * 1000)),
        ),
      ),
    )
    .returning({ id: registrations.id });
  if (claimed) await notifyOne(svc, workshop, existing, "already_registered");
}

async function getWorkshopRow(db: Db, id: string): Promise<Workshop> {
  const workshop = await db.query.workshops.findFirst({ where: (w, { eq }) => eq(w.id, id) });
  if (!workshop) throw notFound("No such workshop.");
  return workshop;
}

export type RegisterOutcome =
  | { verification: true }
  | { verification: false; status: RegistrationStatus };

/**
 * The public registration. With verification it answers the same whoever the address
 * belongs to; the email tells a new registrant to confirm and an existing one where their
 * registration is. One registration per address per workshop, whatever the concurrency
 * (unique index + ON CONFLICT DO NOTHING).
 */
export async function register(
  svc: Services,
  workshop: Workshop,
  input: RegistrationInput,
  now = new Date(),
): Promise<RegisterOutcome> {
  const { db } = svc;
  const state = seatState(workshop, now);
  if (state.kind === "closed") {
    throw conflict(
      state.reason === "invitation_only"
        ? "This workshop is by invitation only."
        : "Registration for this workshop is closed.",
    );
  }
  if (state.kind === "full") throw conflict("This workshop is full.");
  const { clean, errors } = validateAnswers(workshop.questions, input.answers);
  if (errors.length) throw invalid("Some answers are missing or invalid.", errors);

  const id = newId("reg");
  const email = normaliseEmail(input.email);
  const insert = db
    .insert(registrations)
    .values({
      id,
      workshopId: workshop.id,
      email,
      name: cleanText(input.name),
      affiliation: input.affiliation ? cleanText(input.affiliation) : null,
      answers: clean,
      language: input.language ?? workshop.language,
      receiveReport: input.receiveReport ?? true,
      status: "pending_verification",
      source: "public",
    })
    .onConflictDoNothing()
    .returning({ id: registrations.id });

  if (workshop.requireVerification) {
    const [inserted] = await insert;
    if (inserted) {
      const created = (await db.query.registrations.findFirst({
        where: eq(registrations.id, id),
      }))!;
      await notifyOne(svc, workshop, created, "verify");
    } else {
      const existing = await db.query.registrations.findFirst({
        where: and(eq(registrations.workshopId, workshop.id), eq(registrations.email, email)),
      });
      if (existing) await resendLink(svc, workshop, existing, now);
    }
    return { verification: true };
  }

  const result = await applyMove(
    db,
    workshop.id,
    {
      registrationId: id,
      from: ["pending_verification"],
      target: { seatOrWaitlist: true, approvalFirst: workshop.registrationMode === "approval" },
      now,
    },
    [insert],
  );
  if (!result.moved) {
    const existing = await db.query.registrations.findFirst({
      where: and(eq(registrations.workshopId, workshop.id), eq(registrations.email, email)),
    });
    if (!existing) throw conflict("The registration could not be recorded; try again.");
    await resendLink(svc, workshop, existing, now);
    return { verification: false, status: existing.status };
  }
  const created = (await db.query.registrations.findFirst({ where: eq(registrations.id, id) }))!;
  const kind = NOTICE_FOR[result.moved.status];
  if (kind) await notifyOne(svc, workshop, created, kind);
  await notifyPromoted(svc, workshop, result.promoted);
  return { verification: false, status: result.moved.status };
}

export async function findByToken(
  db: Db,
  token: string,
): Promise<{ registration: Registration; workshop: Workshop } | null> {
  const id = await resolveToken(db, "registration", token);
  if (!id) return null;
  const registration = await db.query.registrations.findFirst({
    where: eq(registrations.id, id),
    with: { workshop: true },
  });
  if (!registration) return null;
  const { workshop, ...rest } = registration;
  return { registration: rest, workshop };
}

async function byTokenOrThrow(db: Db, token: string) {
  const found = await findByToken(db, token);
  if (!found) throw notFound("This link is not valid, or has expired.");
  return found;
}

/** The POST behind the verification link. Idempotent: a second verify returns the status. */
export async function verify(
  svc: Services,
  token: string,
  now = new Date(),
): Promise<RegistrationStatus> {
  const { db } = svc;
  const { registration, workshop } = await byTokenOrThrow(db, token);
  if (registration.status !== "pending_verification") return registration.status;
  if (workshop.status === "cancelled") throw conflict("This workshop was cancelled.");
  const result = await applyMove(db, workshop.id, {
    registrationId: registration.id,
    from: ["pending_verification"],
    target: { seatOrWaitlist: true, approvalFirst: workshop.registrationMode === "approval" },
    now,
    set: sql`verified_at = ${now.getTime()}`,
  });
  if (!result.moved) {
    // Someone else's verify of the same registration won the race: report what it decided.
    return (await db.query.registrations.findFirst({
      where: eq(registrations.id, registration.id),
    }))!.status;
  }
  const kind = NOTICE_FOR[result.moved.status];
  if (kind) await notifyOne(svc, workshop, registration, kind);
  await notifyPromoted(svc, workshop, result.promoted);
  return result.moved.status;
}

/** The participant cancels (or leaves the waitlist). The seat passes to the next in line. */
export async function cancelByToken(
  svc: Services,
  token: string,
  now = new Date(),
): Promise<RegistrationStatus> {
  const { db } = svc;
  const { registration, workshop } = await byTokenOrThrow(db, token);
  if (registration.status === "cancelled") return "cancelled";
  const result = await applyMove(db, workshop.id, {
    registrationId: registration.id,
    from: ACTIVE,
    target: { to: "cancelled" },
    now,
  });
  if (!result.moved) {
    const current = (await db.query.registrations.findFirst({
      where: eq(registrations.id, registration.id),
    }))!;
    if (current.status === "cancelled") return "cancelled";
    throw conflict(
      `A registration that is ${current.status.replace("_", " ")} cannot be cancelled.`,
    );
  }
  await notifyOne(svc, workshop, registration, "cancelled");
  await notifyPromoted(svc, workshop, result.promoted);
  return "cancelled";
}

export async function getRegistration(db: Db, id: string): Promise<Registration> {
  const registration = await db.query.registrations.findFirst({ where: eq(registrations.id, id) });
  if (!registration) throw notFound("No such registration.");
  return registration;
}

/** The registration with this id, or undefined: for callers to whom absence is no error. */
export function findRegistration(db: Db, id: string): Promise<Registration | undefined> {
  return db.query.registrations.findFirst({ where: eq(registrations.id, id) });
}

/** The registration (with its workshop) a check-in code names, or undefined when invalid or expired. */
export async function findByCheckInToken(db: Db, token: string) {
  const id = await resolveToken(db, "checkin", token);
  if (!id) return undefined;
  return db.query.registrations.findFirst({
    where: eq(registrations.id, id),
    with: { workshop: true },
  });
}

/** An organiser's decision: approve, reject, waitlist, cancel, re-confirm; role and notes. */
export async function changeRegistration(
  svc: Services,
  actor: Actor,
  id: string,
  change: { status?: RegistrationStatus; role?: ParticipantRole; notes?: string | null },
  now = new Date(),
): Promise<Registration> {
  const { db } = svc;
  const current = await getRegistration(db, id);
  const workshop = await getWorkshopRow(db, current.workshopId);
  const details = [];
  if (change.role !== undefined || change.notes !== undefined) {
    details.push(
      db
        .update(registrations)
        .set({
          ...(change.role ? { role: change.role } : {}),
          ...(change.notes !== undefined
            ? { notes: change.notes ? cleanText(change.notes) : null }
            : {}),
          updatedAt: now,
        })
        .where(eq(registrations.id, id)),
    );
  }
  if (!change.status || change.status === current.status) {
    if (details.length)
      await db.batch([
        details[0]!,
        auditInsert(db, actor, {
          action: "registration.update",
          targetType: "registration",
          targetId: id,
        }),
      ]);
    return getRegistration(db, id);
  }
  const to = change.status;
  if (!canMove(current.status, to))
    throw conflict(`A registration cannot go from ${current.status} to ${to}.`);
  const target: Target = { to };
  const result: SeatResult = await applyMove(
    db,
    workshop.id,
    {
      registrationId: id,
      from: [current.status],
      target,
      now,
      set: to === "attended" ? sql`checked_in_at = ${now.getTime()}` : undefined,
    },
    [
      ...details,
      auditInsert(db, actor, {
        action: "registration.status",
        targetType: "registration",
        targetId: id,
        detail: { from: current.status, to },
      }),
    ],
  );
  if (!result.moved) {
    const latest = await getRegistration(db, id);
    if (latest.status !== current.status)
      throw conflict(`The registration changed meanwhile; it is now ${latest.status}.`);
    throw conflict("No seat is left: raise the capacity or free a seat first.");
  }
  const kind = NOTICE_FOR[to];
  if (kind && to !== "attended") await notifyOne(svc, workshop, current, kind);
  await notifyPromoted(svc, workshop, result.promoted);
  return getRegistration(db, id);
}

export interface CheckInResult {
  registration: Registration;
  alreadyCheckedIn: boolean;
}

/** Confirmed → attended. A second check-in changes nothing and says so. */
export async function checkIn(
  db: Db,
  actor: Actor,
  id: string,
  now = new Date(),
): Promise<CheckInResult> {
  const current = await getRegistration(db, id);
  if (current.status === "attended") return { registration: current, alreadyCheckedIn: true };
  const result = await applyMove(
    db,
    current.workshopId,
    {
      registrationId: id,
      from: ["confirmed"],
      target: { to: "attended" },
      now,
      set: sql`checked_in_at = ${now.getTime()}`,
    },
    [
      auditInsert(db, actor, {
        action: "registration.check_in",
        targetType: "registration",
        targetId: id,
      }),
    ],
  );
  const latest = await getRegistration(db, id);
  if (!result.moved) {
    if (latest.status === "attended") return { registration: latest, alreadyCheckedIn: true };
    throw conflict(
      `Only confirmed participants can be checked in; this registration is ${latest.status.replace("_", " ")}.`,
    );
  }
  return { registration: latest, alreadyCheckedIn: false };
}

export async function checkInByToken(
  db: Db,
  actor: Actor,
  token: string,
): Promise<CheckInResult & { workshop: Workshop }> {
  const id = await resolveToken(db, "checkin", token);
  if (!id) throw notFound("This check-in code is not valid, or has expired.");
  const result = await checkIn(db, actor, id);
  return { ...result, workshop: await getWorkshopRow(db, result.registration.workshopId) };
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
    role?: ParticipantRole;
    language?: Lang;
    notify?: boolean;
  },
  now = new Date(),
): Promise<Registration> {
  const { db } = svc;
  const workshop = await getWorkshopRow(db, workshopId);
  if (workshop.status === "cancelled") throw conflict("This workshop was cancelled.");
  const id = newId("reg");
  const insert = db
    .insert(registrations)
    .values({
      id,
      workshopId,
      email: normaliseEmail(input.email),
      name: cleanText(input.name),
      affiliation: input.affiliation ? cleanText(input.affiliation) : null,
      answers: {},
      language: input.language ?? workshop.language,
      role: input.role ?? "participant",
      status: "pending_verification",
      source: "organiser",
    })
    .onConflictDoNothing();
  const result = await applyMove(
    db,
    workshopId,
    {
      registrationId: id,
      from: ["pending_verification"],
      target: { seatOrWaitlist: true, approvalFirst: false },
      now,
    },
    [
      insert,
      auditInsert(db, actor, {
        action: "registration.add",
        targetType: "registration",
        targetId: id,
      }),
    ],
  );
  if (!result.moved) throw conflict("That address is already registered for this workshop.");
  const created = await getRegistration(db, id);
  const kind = NOTICE_FOR[created.status];
  if (input.notify !== false && kind) await notifyOne(svc, workshop, created, kind);
  return created;
}

export interface ListQuery {
  status?: RegistrationStatus;
  q?: string;
  limit: number;
  cursor?: string;
}

/** Registrations of a workshop, newest first, filtered and searched, a page at a time. */
export async function listRegistrations(db: Db, workshopId: string, query: ListQuery) {
  const after = query.cursor
    ? await db.query.registrations.findFirst({ where: eq(registrations.id, query.cursor) })
    : undefined;
  const term = query.q ? `%${query.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%` : undefined;
  const rows = await db.query.registrations.findMany({
    where: and(
      eq(registrations.workshopId, workshopId),
      query.status ? eq(registrations.status, query.status) : undefined,
      term
        ? or(
            sql`${registrations.name} LIKE ${term} ESCAPE '\\'`,
            sql`${registrations.email} LIKE ${term} ESCAPE '\\'`,
            sql`${registrations.affiliation} LIKE ${term} ESCAPE '\\'`,
          )
        : undefined,
      after
        ? or(
            lt(registrations.createdAt, after.createdAt),
            and(eq(registrations.createdAt, after.createdAt), lt(registrations.id, after.id)),
          )
        : undefined,
    ),
    orderBy: [desc(registrations.createdAt), desc(registrations.id)],
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return { data: page, nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

export function registrationJson(r: Registration) {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    affiliation: r.affiliation,
    status: r.status,
    role: r.role,
    notes: r.notes,
    answers: r.answers,
    language: r.language,
    receiveReport: r.receiveReport,
    waitlistPosition: r.status === "waitlisted" ? r.waitlistPosition : null,
    checkedInAt: r.checkedInAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}
