// A person's records, wherever they are: found by the address's blind index under every key
// (whereabouts.ts) and opened, each with the key and place it was sealed with. What the
// owner's person search shows and exports, and what erasure forgets.
import { and, desc, eq, inArray } from "drizzle-orm";
import {
  deliveries,
  deliveryStatus,
  distributions,
  emails,
  invitations,
  mailboxMessages,
  registrations,
  subscribers,
  type workshops,
} from "../db/schema";
import { type Invitation, openInvitation } from "../invitations/sealed";
import { reachable } from "../lib/forgotten";
import { openRegistration, type Registration } from "../registrations/sealed";
import type { Services } from "../services";
import { openSubscriber } from "../subscribers/sealed";
import { findSuppression } from "../subscribers/suppression";
import { openFields } from "../vault/fields";
import { atEveryWorkshop, sentToPerson, type Whereabouts, whereabouts } from "./whereabouts";

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const workshopRef = (w: typeof workshops.$inferSelect) => ({
  id: w.id,
  title: w.title,
  startsAt: iso(w.startsAt),
});

type WithWorkshop<T> = T & { workshop: typeof workshops.$inferSelect };

/** Every record of a person, opened, and where they were looked for. */
export interface Found {
  at: Whereabouts;
  subscriber: Awaited<ReturnType<typeof subscriberOf>>;
  registrations: WithWorkshop<Registration>[];
  invitations: WithWorkshop<Invitation>[];
  deliveries: Awaited<ReturnType<typeof deliveriesOf>>;
  emails: Awaited<ReturnType<typeof emailsOf>>;
  mailbox: { id: string; kind: string; subject: string; createdAt: Date }[];
  suppression: Awaited<ReturnType<typeof findSuppression>>;
}

const newestFirst = (a: { createdAt: Date }, b: { createdAt: Date }) =>
  b.createdAt.getTime() - a.createdAt.getTime();

async function subscriberOf(svc: Services, at: Whereabouts) {
  const row = await svc.db.query.subscribers.findFirst({
    where: eq(subscribers.emailIndex, at.subscribers.index),
    with: { topics: { with: { topic: true } } },
  });
  return row && openSubscriber(await svc.vault.subscribers(), row);
}

/** The person's registrations at every workshop whose key still exists, opened. */
async function registrationsOf(svc: Services, at: Whereabouts) {
  const batches = await Promise.all(
    atEveryWorkshop(registrations, at).map((where) =>
      svc.db.query.registrations.findMany({ where, with: { workshop: true } }),
    ),
  );
  const rows = batches.flat().sort(newestFirst);
  return Promise.all(
    rows.map(async ({ workshop, ...row }) => ({
      ...(await openRegistration(await svc.vault.workshop(workshop.id), row)),
      workshop,
    })),
  );
}

/** The person's invitations at every workshop whose key still exists, opened. */
async function invitationsOf(svc: Services, at: Whereabouts) {
  const batches = await Promise.all(
    atEveryWorkshop(invitations, at).map((where) =>
      svc.db.query.invitations.findMany({ where, with: { workshop: true } }),
    ),
  );
  const rows = batches.flat().sort(newestFirst);
  return Promise.all(
    rows.map(async ({ workshop, ...row }) => ({
      ...(await openInvitation(await svc.vault.workshop(workshop.id), row)),
      workshop,
    })),
  );
}

/** Registration ids per statement, under D1's 100 bound parameters. */
const IDS_PER_QUERY = 90;

/**
 * Report deliveries to the person: as a subscriber by the subscribers' index (which only
 * subscriber rows hold), as an attendee by their registrations. Names are opened with the
 * key and place of the row each was copied from.
 */
async function deliveriesOf(svc: Services, at: Whereabouts, regs: WithWorkshop<Registration>[]) {
  const ids = regs.map((r) => r.id);
  const conditions = [eq(deliveries.emailIndex, at.subscribers.index)];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY)
    conditions.push(inArray(deliveries.registrationId, ids.slice(i, i + IDS_PER_QUERY)));
  const batches = await Promise.all(
    conditions.map((where) =>
      svc.db
        .select({
          id: deliveries.id,
          distributionId: deliveries.distributionId,
          reportId: distributions.reportId,
          name: deliveries.name,
          language: deliveries.language,
          status: deliveryStatus,
          skipReason: deliveries.skipReason,
          outcome: deliveries.outcome,
          subscriberId: deliveries.subscriberId,
          registrationId: deliveries.registrationId,
        })
        .from(deliveries)
        .innerJoin(distributions, eq(distributions.id, deliveries.distributionId))
        .where(and(where, reachable(deliveries.email))),
    ),
  );
  const workshopOf = new Map(regs.map((r) => [r.id, r.workshopId]));
  const rows = [...new Map(batches.flat().map((d) => [d.id, d])).values()];
  return Promise.all(
    rows.map(async (d) => ({ ...d, name: await deliveryName(svc, d, workshopOf) })),
  );
}

interface DeliverySource {
  name: string | null;
  subscriberId: string | null;
  registrationId: string | null;
}

/** Where a delivery's sealed fields were copied from: that row's table, id and key. */
async function sourceOf(svc: Services, d: DeliverySource, workshopOf: Map<string, string>) {
  if (d.subscriberId)
    return { table: "subscribers", id: d.subscriberId, key: await svc.vault.subscribers() };
  const workshopId = d.registrationId ? workshopOf.get(d.registrationId) : undefined;
  return {
    table: "registrations",
    id: d.registrationId ?? "",
    key: workshopId ? await svc.vault.workshop(workshopId) : null,
  };
}

/** A delivery's name, opened with the key and place of the row it was copied from. */
async function deliveryName(svc: Services, d: DeliverySource, workshopOf: Map<string, string>) {
  const { table, id, key } = await sourceOf(svc, d, workshopOf);
  return (await openFields(key, table, { id, name: d.name }, { name: null })).name;
}

/**
 * Stored emails to the person: awaiting sending (the address in the clear), or final
 * (sealed, found by their index under the key of whom they were about).
 */
async function emailsOf(svc: Services, at: Whereabouts) {
  const batches = await Promise.all(
    [eq(emails.to, at.email), ...sentToPerson(at)].map((where) =>
      svc.db.query.emails.findMany({
        where,
        columns: { html: false, text: false, attachments: false, headers: false },
      }),
    ),
  );
  return [...new Map(batches.flat().map((m) => [m.id, m])).values()].sort(newestFirst);
}

/** Every record that holds the address, opened. */
export async function locate(svc: Services, address: string): Promise<Found> {
  const { db } = svc;
  const at = await whereabouts(svc, address);
  const [subscriber, regs, invs, mail, mailbox, suppression] = await Promise.all([
    subscriberOf(svc, at),
    registrationsOf(svc, at),
    invitationsOf(svc, at),
    emailsOf(svc, at),
    db.query.mailboxMessages.findMany({
      where: eq(mailboxMessages.to, at.email),
      columns: { id: true, kind: true, subject: true, createdAt: true },
      orderBy: [desc(mailboxMessages.createdAt)],
    }),
    findSuppression(db, at.subscribers),
  ]);
  const dels = await deliveriesOf(svc, at, regs);
  return {
    at,
    subscriber,
    registrations: regs,
    invitations: invs,
    deliveries: dels,
    emails: mail,
    mailbox,
    suppression,
  };
}

/** A person's records as JSON: what the owner sees and what the export holds. */
export function personJson(found: Found) {
  const { subscriber, suppression } = found;
  return {
    email: found.at.email,
    subscriber: subscriber
      ? {
          id: subscriber.id,
          name: subscriber.name,
          language: subscriber.language,
          status: subscriber.status,
          topics: subscriber.topics.map((t) => t.topic.slug),
          consentSource: subscriber.consentSource,
          consentAt: iso(subscriber.consentAt),
          confirmedAt: iso(subscriber.confirmedAt),
          unsubscribedAt: iso(subscriber.unsubscribedAt),
          createdAt: iso(subscriber.createdAt),
        }
      : null,
    registrations: found.registrations.map((r) => ({
      id: r.id,
      workshop: workshopRef(r.workshop),
      name: r.name,
      affiliation: r.affiliation,
      status: r.status,
      role: r.role,
      answers: r.answers,
      notes: r.notes,
      language: r.language,
      receiveReport: r.receiveReport,
      source: r.source,
      checkedInAt: iso(r.checkedInAt),
      createdAt: iso(r.createdAt),
    })),
    invitations: found.invitations.map((i) => ({
      id: i.id,
      workshop: workshopRef(i.workshop),
      name: i.name,
      affiliation: i.affiliation,
      role: i.role,
      status: i.status,
      sentAt: iso(i.sentAt),
      respondedAt: iso(i.respondedAt),
      createdAt: iso(i.createdAt),
    })),
    deliveries: found.deliveries.map(({ subscriberId, registrationId, ...d }) => ({
      ...d,
      as: subscriberId ? "subscriber" : "attendee",
    })),
    emails: found.emails.map((m) => ({
      id: m.id,
      kind: m.kind,
      subject: m.subject || null,
      status: m.status,
      attempts: m.attempts,
      lastError: m.lastError,
      createdAt: iso(m.createdAt),
      sentAt: iso(m.sentAt),
    })),
    mailboxMessages: found.mailbox.map((m) => ({ ...m, createdAt: iso(m.createdAt) })),
    suppression: suppression
      ? {
          reason: suppression.reason,
          createdAt: iso(suppression.createdAt),
          // An owner's note on a manual entry may be about the person: it is theirs to see.
          note: suppression.note,
        }
      : null,
  };
}

export type Person = ReturnType<typeof personJson>;
