// People: what the organisation holds about one person, wherever it is, and forgetting it.
// An owner looks an address up and sees, exports or erases every record that holds it; a
// subscriber, registrant or invitee does the same for what their own link is about. Where
// an address is found (the tables hold its blind indexes) is in whereabouts.ts, the records
// found and opened in records.ts; the statements that forget are in forget.ts, shared with
// the retention purge.
import { and, eq } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import { runBatch } from "../db/client";
import {
  deliveries,
  deliveryStatus,
  invitations,
  registrations,
  subscribers,
  type workshops,
} from "../db/schema";
import { forgetDeliveries } from "../distributions/forget";
import { openInvitation } from "../invitations/sealed";
import { findInvitationByToken } from "../invitations/service";
import { notFound } from "../lib/errors";
import { ERASED, isForgotten } from "../lib/forgotten";
import { normaliseEmail } from "../lib/text";
import { releaseForErasure } from "../registrations/decisions";
import { openRegistration } from "../registrations/sealed";
import { findByToken } from "../registrations/service";
import type { Services } from "../services";
import { openSubscriber } from "../subscribers/sealed";
import {
  forgetSuppressionNotes,
  suppressInsert,
  suppressionKeys,
} from "../subscribers/suppression";
import { addressIndex } from "../vault/fields";
import { SUBSCRIBERS_KEY, workshopKeyName } from "../vault/keys";
import { agendaPagesOf } from "../workshops/agenda";
import { forgetMailTo, forgetRegistrationsAndInvitations } from "./forget";
import { locate, type Person, personJson } from "./records";
import { sentToPerson, sentUnder } from "./whereabouts";

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

// ---------------------------------------------------------------- an owner's person search

export type { Person };

/** Every record that holds `address`, as JSON: what the owner sees and what the export holds. */
export async function findPerson(svc: Services, address: string) {
  return personJson(await locate(svc, address));
}

/** How many records of each kind: what the audit log may say about a person, and no more. */
export function counts(person: Person) {
  return {
    subscriber: person.subscriber ? 1 : 0,
    registrations: person.registrations.length,
    invitations: person.invitations.length,
    deliveries: person.deliveries.length,
    emails: person.emails.length,
    mailboxMessages: person.mailboxMessages.length,
    suppressed: person.suppression ? 1 : 0,
  };
}

/** The person search, audited with counts only. */
export async function searchPerson(
  svc: Services,
  actor: Actor,
  address: string,
  action: "view" | "export",
) {
  const person = await findPerson(svc, address);
  await auditInsert(svc.db, actor, { action: `person.${action}`, detail: counts(person) });
  return person;
}

/**
 * Erases an address everywhere, in one action: seats and waitlist places are given up
 * first (each through the seat engine, whoever is promoted is told); then one batch forgets
 * the registrations and invitations (rows and counts stay, the person goes), the report
 * deliveries, stored emails and dev-mailbox messages, and deletes the subscriber. What
 * stays is the suppression entry (the address's index, not the address), so that nothing
 * adds the address again. Running it twice is harmless: the second run finds nothing left
 * to forget.
 */
export async function erasePerson(svc: Services, actor: Actor, address: string, now = new Date()) {
  const { db } = svc;
  const found = await locate(svc, address);
  const { at } = found;
  const person = personJson(found);
  for (const r of found.registrations) await releaseForErasure(svc, r.id, now);
  const agendaPages = await agendaPagesOf(
    db,
    found.registrations.map((r) => r.id),
  );
  await runBatch(db, [
    ...forgetMailTo(db, [at.email], sentToPerson(at)),
    ...forgetRegistrationsAndInvitations(
      db,
      ERASED,
      found.registrations.map((r) => r.id),
      found.invitations.map((i) => i.id),
      now,
    ),
    // Attendee deliveries went with the registrations; these are the subscriber's.
    ...forgetDeliveries(db, eq(deliveries.emailIndex, at.subscribers.index)),
    db.delete(subscribers).where(eq(subscribers.emailIndex, at.subscribers.index)),
    suppressInsert(db, at.subscribers.index, "erased"),
    ...forgetSuppressionNotes(db, at.subscribers),
    auditInsert(db, actor, { action: "person.erase", detail: counts(person) }),
  ]);
  if (agendaPages.length) await svc.pages.purge(agendaPages);
  return counts(person);
}

// ---------------------------------------------------------------- a subscriber

/**
 * Erasure of a subscriber. Everything about the subscription goes: the record, its topics,
 * the address and name in past deliveries (counts stay), stored emails to it. What stays is
 * the address's index on the suppression list, so no import or form can add it again.
 */
/** One subscriber, opened, for the erasure confirmation page; null when there is none. */
export async function subscriberToErase(svc: Services, id: string) {
  const row = await svc.db.query.subscribers.findFirst({ where: eq(subscribers.id, id) });
  return row ? openSubscriber(await svc.vault.subscribers(), row) : null;
}

export async function eraseSubscriber(svc: Services, actor: Actor | null, id: string) {
  const { db } = svc;
  const row = await db.query.subscribers.findFirst({ where: eq(subscribers.id, id) });
  if (!row) throw notFound("No such subscriber.");
  const key = await svc.vault.subscribers();
  const { email } = await openSubscriber(key, row);
  const keys = await suppressionKeys(key, email);
  const { index } = keys;
  await runBatch(db, [
    suppressInsert(db, index, "erased"),
    ...forgetSuppressionNotes(db, keys),
    ...forgetDeliveries(db, eq(deliveries.subscriberId, id)),
    ...forgetMailTo(db, [normaliseEmail(email)], sentUnder([[SUBSCRIBERS_KEY, index]])),
    db.delete(subscribers).where(eq(subscribers.id, id)),
    auditInsert(db, actor, { action: "subscriber.erase", targetType: "subscriber", targetId: id }),
  ]);
}

// ---------------------------------------------------------------- a registrant or invitee

/**
 * A person at one workshop, found from their own link: their registration and invitation
 * there (either may be missing). A self-service export or erasure covers these and nothing
 * else, so a forwarded link tells nobody about the person's other workshops.
 */
export interface AtWorkshop {
  email: string;
  /** The address's index under this workshop's key: how its rows and emails are found. */
  emailIndex: string;
  workshop: typeof workshops.$inferSelect;
  registrationId: string | null;
  invitationId: string | null;
}

export async function atWorkshopByRegistrationToken(svc: Services, token: string) {
  const found = await findByToken(svc, token);
  if (!found) return null;
  return atWorkshop(svc, found.workshop, found.registration.email);
}

export async function atWorkshopByInvitationToken(svc: Services, token: string) {
  const found = await findInvitationByToken(svc, token);
  if (!found) return null;
  return atWorkshop(svc, found.workshop, found.invitation.email);
}

/** Null when there is nobody left to find: erased, or the workshop's key destroyed. */
async function atWorkshop(
  svc: Services,
  workshop: typeof workshops.$inferSelect,
  email: string,
): Promise<AtWorkshop | null> {
  const key = await svc.vault.workshop(workshop.id);
  if (!key || isForgotten(email)) return null;
  const emailIndex = await addressIndex(key, email);
  const [registration, invitation] = await Promise.all([
    svc.db.query.registrations.findFirst({
      where: and(
        eq(registrations.workshopId, workshop.id),
        eq(registrations.emailIndex, emailIndex),
      ),
      columns: { id: true },
    }),
    svc.db.query.invitations.findFirst({
      where: and(eq(invitations.workshopId, workshop.id), eq(invitations.emailIndex, emailIndex)),
      columns: { id: true },
    }),
  ]);
  return {
    email: normaliseEmail(email),
    emailIndex,
    workshop,
    registrationId: registration?.id ?? null,
    invitationId: invitation?.id ?? null,
  };
}

/** The person's registration and invitation at the workshop, opened. */
async function ownRecords(svc: Services, at: AtWorkshop) {
  const key = await svc.vault.workshop(at.workshop.id);
  const [registration, invitation] = await Promise.all([
    at.registrationId
      ? svc.db.query.registrations.findFirst({ where: eq(registrations.id, at.registrationId) })
      : undefined,
    at.invitationId
      ? svc.db.query.invitations.findFirst({ where: eq(invitations.id, at.invitationId) })
      : undefined,
  ]);
  return {
    registration: registration && (await openRegistration(key, registration)),
    invitation: invitation && (await openInvitation(key, invitation)),
  };
}

/**
 * Their own data, for the person: registration (without the organisers' private notes),
 * invitation, and the report deliveries made to that registration. Logged like every
 * export of attendee data (the workshop and counts, nobody's address).
 */
export async function exportAtWorkshop(svc: Services, at: AtWorkshop) {
  const { db } = svc;
  await auditInsert(db, null, {
    action: "person.export_self",
    targetType: "workshop",
    targetId: at.workshop.id,
    detail: { registration: at.registrationId ? 1 : 0, invitation: at.invitationId ? 1 : 0 },
  });
  const [{ registration, invitation }, sent] = await Promise.all([
    ownRecords(svc, at),
    at.registrationId
      ? db
          .select({
            distributionId: deliveries.distributionId,
            status: deliveryStatus,
            outcome: deliveries.outcome,
          })
          .from(deliveries)
          .where(eq(deliveries.registrationId, at.registrationId))
      : [],
  ]);
  return {
    email: at.email,
    workshop: {
      title: at.workshop.title,
      startsAt: iso(at.workshop.startsAt),
      endsAt: iso(at.workshop.endsAt),
    },
    registration: registration
      ? {
          name: registration.name,
          affiliation: registration.affiliation,
          answers: registration.answers,
          language: registration.language,
          status: registration.status,
          role: registration.role,
          receiveReport: registration.receiveReport,
          registeredAt: iso(registration.createdAt),
          verifiedAt: iso(registration.verifiedAt),
          checkedInAt: iso(registration.checkedInAt),
        }
      : null,
    invitation: invitation
      ? {
          name: invitation.name,
          affiliation: invitation.affiliation,
          role: invitation.role,
          status: invitation.status,
          sentAt: iso(invitation.sentAt),
          respondedAt: iso(invitation.respondedAt),
        }
      : null,
    reportsSent: sent,
  };
}

/**
 * The person erases themselves from one workshop: a seat or waitlist place is given up
 * (the next in line is promoted and told), then the registration and invitation are
 * forgotten with their links, report deliveries and the emails stored for the address
 * (awaiting sending, or sent about this workshop). Their subscription, if any, is theirs
 * to erase from its own page.
 */
export async function eraseAtWorkshop(svc: Services, at: AtWorkshop, now = new Date()) {
  const { db } = svc;
  if (at.registrationId) await releaseForErasure(svc, at.registrationId, now);
  const ids = (id: string | null) => (id ? [id] : []);
  const agendaPages = await agendaPagesOf(db, ids(at.registrationId));
  await runBatch(db, [
    ...forgetMailTo(db, [at.email], sentUnder([[workshopKeyName(at.workshop.id), at.emailIndex]])),
    ...forgetRegistrationsAndInvitations(
      db,
      ERASED,
      ids(at.registrationId),
      ids(at.invitationId),
      now,
    ),
    auditInsert(db, null, {
      action: "person.erase_self",
      targetType: "workshop",
      targetId: at.workshop.id,
      detail: {
        registration: at.registrationId ? 1 : 0,
        invitation: at.invitationId ? 1 : 0,
      },
    }),
  ]);
  if (agendaPages.length) await svc.pages.purge(agendaPages);
}
