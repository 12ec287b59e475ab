// Invitations: organisers invite by address; each invitee gets a personal RSVP link locked
// to that address. Accepting skips approval and verification but not capacity.
import { and, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert, auditInsertIf } from "../audit/service";
import { runBatch } from "../db/client";
import {
  type INVITATION_STATUSES,
  invitations,
  type PARTICIPANT_ROLES,
  registrations,
} from "../db/schema";
import type { Lang } from "../i18n";
import { conflict, type FieldError, invalid, notFound } from "../lib/errors";
import { isForgotten } from "../lib/forgotten";
import { canMove, statusesFrom } from "../lib/state-machine";
import { cleanText, NAME_MAX, normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";
import type { Recipient } from "../registrations/notices";
import { sendNotices } from "../registrations/send";
import { admit, checkAcknowledgement, checkMode, validateAnswers } from "../registrations/service";
import type { RegistrationStatus } from "../registrations/status";
import { resolveToken } from "../registrations/tokens";
import type { Services } from "../services";
import type { DataKey } from "../vault/keys";
import { getWorkshop } from "../workshops/service";
import type { AttendanceMode, Workshop } from "../workshops/types";
import { type Invitation, openInvitation, sealInvitee } from "./sealed";

export type { Invitation };
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/**
 * Invitation status machine, as data; every status change below is guarded by it. `sent`
 * may be sent again (a resend). Reminders keep the status `sent`.
 */
export const INVITATION_TRANSITIONS: Record<InvitationStatus, readonly InvitationStatus[]> = {
  pending: ["sent", "accepted", "declined", "revoked", "expired"],
  sent: ["sent", "accepted", "declined", "revoked", "expired"],
  accepted: [],
  declined: [],
  revoked: [],
  expired: [],
};

/** The statuses from which the table allows a move to `to`, as a WHERE condition. */
export const invitationMayMoveTo = (to: InvitationStatus) =>
  inArray(invitations.status, statusesFrom(INVITATION_TRANSITIONS, to));

export interface Invitee {
  email: string;
  name?: string;
  affiliation?: string;
  role?: (typeof PARTICIPANT_ROLES)[number];
}

const INSERTS_PER_BATCH = 50;

/**
 * The key to seal a workshop's invitees under. Once it is destroyed (the workshop was purged,
 * or its owner destroyed it early) nobody can be invited or written to there any more.
 */
async function sealingKey(svc: Services, workshopId: string): Promise<DataKey> {
  const key = await svc.vault.workshopToSeal(workshopId);
  if (!key)
    throw conflict(
      "This workshop's data key was destroyed: its people are erased, and nobody can be invited to it.",
    );
  return key;
}

/** An invitee's row, sealed under the workshop's key. */
async function invitationRow(key: DataKey, workshopId: string, invitee: Invitee) {
  const id = newId("inv");
  const sealed = await sealInvitee(key, id, {
    email: invitee.email,
    name: invitee.name ? cleanText(invitee.name) : null,
    affiliation: invitee.affiliation ? cleanText(invitee.affiliation) : null,
  });
  return {
    id,
    workshopId,
    ...sealed,
    role: invitee.role ?? "participant",
    status: "pending" as const,
  };
}

/**
 * Adds invitees; an address already invited is skipped. Validation happens before this
 * (all rows or none), so nothing is half-imported.
 */
export async function addInvitations(
  svc: Services,
  actor: Actor,
  workshopId: string,
  invitees: Invitee[],
  send: boolean,
) {
  const { db } = svc;
  const workshop = await getWorkshop(db, workshopId);
  if (workshop.status === "cancelled") throw conflict("This workshop was cancelled.");
  const key = await sealingKey(svc, workshopId);
  const unique = [...new Map(invitees.map((i) => [normaliseEmail(i.email), i])).values()];
  const created: string[] = [];
  for (let i = 0; i < unique.length; i += INSERTS_PER_BATCH) {
    const chunk = unique.slice(i, i + INSERTS_PER_BATCH);
    const rows = await Promise.all(chunk.map((invitee) => invitationRow(key, workshopId, invitee)));
    // An address invited already is skipped: the unique address index says so.
    const inserts = rows.map((row) =>
      db.insert(invitations).values(row).onConflictDoNothing().returning({ id: invitations.id }),
    );
    const results = await runBatch(db, inserts);
    created.push(...results.flatMap((rows) => rows.map((r) => r.id)));
  }
  await auditInsert(db, actor, {
    action: "invitations.add",
    targetType: "workshop",
    targetId: workshopId,
    detail: { created: created.length, skipped: invitees.length - created.length },
  });
  if (send && created.length > 0) await sendInvitations(svc, workshop, created);
  return { created: created.length, skipped: invitees.length - created.length };
}

/** Who an (opened) invitation's emails go to, with the index the outbox keeps beside it. */
export function invitationRecipient(workshop: Workshop, invitation: Invitation): Recipient {
  return {
    id: invitation.id,
    email: invitation.email,
    emailIndex: invitation.emailIndex,
    name: invitation.name ?? "",
    language: workshop.language,
  };
}

/** Sends (or re-sends) the RSVP email to pending or sent invitations. */
async function sendInvitations(svc: Services, workshop: Workshop, ids: string[]): Promise<number> {
  const { db } = svc;
  const key = await sealingKey(svc, workshop.id);
  const rows = await db.query.invitations.findMany({
    where: and(
      eq(invitations.workshopId, workshop.id),
      inArray(invitations.id, ids),
      invitationMayMoveTo("sent"),
    ),
  });
  const opened = await Promise.all(rows.map((r) => openInvitation(key, r)));
  const now = new Date();
  await sendNotices(
    db,
    svc.mailer,
    svc.settings,
    workshop,
    opened.map((r) => invitationRecipient(workshop, r)),
    "invitation",
    {
      alongside: (r) => [
        db
          .update(invitations)
          .set({ status: "sent", sentAt: now })
          .where(and(eq(invitations.id, r.id), invitationMayMoveTo("sent"))),
      ],
      now,
    },
  );
  return rows.length;
}

/** An invitation, opened (what the API and pages show). */
async function getInvitation(svc: Services, id: string): Promise<Invitation> {
  const row = await svc.db.query.invitations.findFirst({ where: eq(invitations.id, id) });
  if (!row) throw notFound("No such invitation.");
  return openInvitation(await svc.vault.workshop(row.workshopId), row);
}

export async function resendInvitation(svc: Services, actor: Actor, id: string) {
  const { db } = svc;
  const invitation = await getInvitation(svc, id);
  if (!canMove(INVITATION_TRANSITIONS, invitation.status, "sent"))
    throw conflict(`An invitation that is ${invitation.status} cannot be sent.`);
  const workshop = await getWorkshop(db, invitation.workshopId);
  if (workshop.status === "cancelled") throw conflict("This workshop was cancelled.");
  await sendInvitations(svc, workshop, [id]);
  await auditInsert(db, actor, {
    action: "invitation.send",
    targetType: "invitation",
    targetId: id,
  });
  return getInvitation(svc, id);
}

export async function revokeInvitation(svc: Services, actor: Actor, id: string) {
  const { db } = svc;
  const invitation = await getInvitation(svc, id);
  if (invitation.status === "revoked") return invitation;
  const revocable = and(eq(invitations.id, id), invitationMayMoveTo("revoked"));
  const [, changed] = await runBatch(db, [
    auditInsertIf(
      db,
      actor,
      { action: "invitation.revoke", targetType: "invitation", targetId: id },
      sql`EXISTS (SELECT 1 FROM ${invitations} WHERE ${revocable})`,
    ),
    db
      .update(invitations)
      .set({ status: "revoked" })
      .where(revocable)
      .returning({ id: invitations.id }),
  ]);
  if (changed.length === 0)
    throw conflict(`An invitation that is ${invitation.status} cannot be revoked.`);
  return getInvitation(svc, id);
}

/** A workshop's invitations, newest first, opened (erased ones read as erased). */
export async function listInvitations(svc: Services, workshopId: string): Promise<Invitation[]> {
  const [rows, key] = await Promise.all([
    svc.db.query.invitations.findMany({
      where: eq(invitations.workshopId, workshopId),
      orderBy: [desc(invitations.createdAt)],
    }),
    svc.vault.workshop(workshopId),
  ]);
  return Promise.all(rows.map((r) => openInvitation(key, r)));
}

/**
 * The invitation a link is for, opened, with its workshop. An invitation whose person is
 * gone (erased, or its workshop's key destroyed) has no link any more.
 */
export async function findInvitationByToken(svc: Services, token: string) {
  const { db } = svc;
  const id = await resolveToken(db, svc.settings.tokenSecret, "invitation", token);
  if (!id) return null;
  const found = await db.query.invitations.findFirst({
    where: eq(invitations.id, id),
    with: { workshop: true },
  });
  if (!found) return null;
  const { workshop, ...row } = found;
  const invitation = await openInvitation(await svc.vault.workshop(workshop.id), row);
  if (isForgotten(invitation.email)) return null;
  return { invitation, workshop };
}

type RsvpOutcome = { status: RegistrationStatus | "declined" };

/**
 * The invitee's answer. Accepting registers the invited address (never another one) and
 * takes a seat if one is free, else a waitlist place. Answering twice changes nothing.
 */
export async function respond(
  svc: Services,
  token: string,
  answer: {
    response: "accept" | "decline";
    name?: string;
    answers?: Record<string, unknown>;
    language?: Lang;
    acknowledged?: boolean;
    listed?: boolean;
    /** A hybrid workshop's pool; required there to accept. */
    mode?: AttendanceMode;
  },
  now = new Date(),
): Promise<RsvpOutcome> {
  const { db } = svc;
  const found = await findInvitationByToken(svc, token);
  if (!found) throw notFound("This invitation link is not valid, or has expired.");
  const { invitation, workshop } = found;
  // The invitation and a registration of the same address share the workshop's index.
  const existing = async () =>
    invitation.emailIndex
      ? db.query.registrations.findFirst({
          where: and(
            eq(registrations.workshopId, workshop.id),
            eq(registrations.emailIndex, invitation.emailIndex),
          ),
          columns: { id: true, status: true },
        })
      : undefined;

  if (answer.name && cleanText(answer.name).length > NAME_MAX) {
    const message = `Use at most ${NAME_MAX} characters.`;
    throw invalid(`The name is too long: ${message.toLowerCase()}`, [{ path: "name", message }]);
  }
  if (invitation.status === "accepted")
    return { status: (await existing())?.status ?? "confirmed" };
  if (invitation.status === "declined") return { status: "declined" };
  const to = answer.response === "accept" ? "accepted" : "declined";
  if (!canMove(INVITATION_TRANSITIONS, invitation.status, to))
    throw conflict("This invitation can no longer be answered.");
  if (workshop.status === "cancelled") throw conflict("This workshop was cancelled.");

  const open = and(eq(invitations.id, invitation.id), invitationMayMoveTo(to));
  if (to === "declined") {
    await db.update(invitations).set({ status: "declined", respondedAt: now }).where(open);
    return { status: "declined" };
  }

  // Invitees were chosen by the organisers: questions are asked of them, but an RSVP
  // without answers (the email's one-click accept) is not refused for it.
  const checked = validateAnswers(workshop.questions, answer.answers);
  const { clean } = checked;
  const errors: FieldError[] = answer.answers ? [...checked.errors] : [];
  // A confidentiality rule the workshop requires is accepted by every way in, one-click too.
  const language = answer.language ?? workshop.language;
  const ack = await checkAcknowledgement(workshop, language, answer.acknowledged, now);
  if (ack.error) errors.push(ack.error);
  const chosen = checkMode(workshop, answer.mode, now);
  if (chosen.error) errors.push(chosen.error);
  if (errors.length) throw invalid("Some answers are missing or invalid.", errors);
  const name = cleanText(answer.name || invitation.name || "") || invitation.email;
  const accept = (registrationId: string, when?: SQL) =>
    db
      .update(invitations)
      .set({ status: "accepted", respondedAt: now, registrationId })
      .where(and(open, when));
  const admitted = await admit(
    svc,
    workshop,
    {
      email: invitation.email,
      name,
      affiliation: invitation.affiliation,
      answers: clean,
      language,
      acknowledgement: ack.acknowledgement,
      listed: answer.listed === true,
      mode: chosen.mode,
      role: invitation.role,
      source: "invitation",
    },
    {
      // Invitees skip approval (the organisers chose them) but not capacity.
      approvalFirst: false,
      verified: true,
      // Decided in the same statement as the seat: a revoke or expiry that lands first wins.
      onlyIf: sql`EXISTS (SELECT 1 FROM invitations WHERE id = ${invitation.id} AND status IN (${sql.join(
        statusesFrom(INVITATION_TRANSITIONS, "accepted").map((st) => sql`${st}`),
        sql`, `,
      )}))`,
      alongside: (registrationId, admitted) => [accept(registrationId, admitted)],
      now,
    },
  );
  if (admitted) return { status: admitted.status };
  // Not admitted: the address registered already (the invitation joins that registration),
  // or the invitation closed meanwhile.
  const registration = await existing();
  if (registration && (await accept(registration.id).returning({ id: invitations.id })).length)
    return { status: registration.status };
  throw conflict("This invitation can no longer be answered.");
}

/** The API shape of an invitation. */
export function invitationJson(i: Invitation) {
  return {
    id: i.id,
    email: i.email,
    name: i.name,
    affiliation: i.affiliation,
    role: i.role,
    status: i.status,
    sentAt: i.sentAt?.toISOString() ?? null,
    respondedAt: i.respondedAt?.toISOString() ?? null,
    remindersSent: i.remindersSent,
    createdAt: i.createdAt.toISOString(),
  };
}
