// Retention: once a workshop's retention period after its end has passed, its data key is
// destroyed (src/vault/keys.ts), in one statement: from then on nothing sealed under it
// opens anywhere, including in backups and copies of the database taken before. In the same
// batch, the personal data of its registrations and invitations is erased as well
// (forget.ts): names, addresses, affiliations, answers, notes and needs, their link tokens, the
// agenda's speakers and moderators,
// report deliveries made to them, the outbox emails about them and the dev-mailbox messages
// to their addresses, and the answers to the workshop's feedback survey. Rows (and so counts by status) stay. An owner may destroy a
// workshop's key early (keys.ts): the same purge, audited as theirs.
// What is only kept for a while, whoever it was for, goes by age: sent emails' delivery
// records, dev-mailbox messages, processed webhook ids.
import { and, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsertIf } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import {
  emails,
  invitations,
  mailboxMessages,
  registrations,
  sessionPeople,
  webhookEvents,
  workshops,
} from "../db/schema";
import { forgetFeedback } from "../feedback/results";
import { isForgotten, PURGED } from "../lib/forgotten";
import type { Services } from "../services";
import { openFields } from "../vault/fields";
import { workshopKeyName } from "../vault/keys";
import { VaultError } from "../vault/master";
import { forgetMailTo, forgetRegistrationsAndInvitations } from "./forget";

const DAY = 24 * 60 * 60 * 1000;

/** How long what is kept only for a while is kept. */
export const KEEP_DAYS = 30;

/** When a workshop's retention period ends and its data key is destroyed. */
export const purgeDueAt = (w: { endsAt: Date; retentionDays: number }) =>
  new Date(w.endsAt.getTime() + w.retentionDays * DAY);

export async function purgeExpiredPersonalData(svc: Services, now: Date): Promise<number> {
  const due = await svc.db.query.workshops.findMany({
    where: and(
      isNull(workshops.purgedAt),
      lte(sql`${workshops.endsAt} + ${workshops.retentionDays} * ${DAY}`, now.getTime()),
    ),
    columns: { id: true },
  });
  for (const { id } of due) await purgeWorkshop(svc, id, now, null, "workshop.purge");
  return due.length;
}

/**
 * Destroys a workshop's data key and forgets its people, in one transaction. The audit
 * entry is written only while the workshop is unpurged, just before the claim, so of two
 * overlapping runs only the first records it; every other statement is idempotent.
 */
export async function purgeWorkshop(
  svc: Services,
  workshopId: string,
  now: Date,
  actor: Actor | null,
  action: "workshop.purge" | "workshop.key_destroy",
): Promise<void> {
  const { db } = svc;
  // The dev mailbox is found by address: opened while the key still exists.
  const addresses = await addressesOf(svc, workshopId);
  const regIds = db
    .select({ id: registrations.id })
    .from(registrations)
    .where(eq(registrations.workshopId, workshopId));
  const invIds = db
    .select({ id: invitations.id })
    .from(invitations)
    .where(eq(invitations.workshopId, workshopId));
  const unpurged = sql`EXISTS (SELECT 1 FROM ${workshops} WHERE ${workshops.id} = ${workshopId} AND ${workshops.purgedAt} IS NULL)`;
  await runBatch(db, [
    auditInsertIf(db, actor, { action, targetType: "workshop", targetId: workshopId }, unpurged),
    svc.vault.destroy(workshopKeyName(workshopId), now),
    db
      .update(workshops)
      .set({ purgedAt: now })
      .where(and(eq(workshops.id, workshopId), isNull(workshops.purgedAt))),
    // Mail first: later statements change what finds it.
    ...forgetWorkshopMail(db, workshopId, addresses),
    ...forgetRegistrationsAndInvitations(db, PURGED, regIds, invIds, now),
    // Anonymous, but their free text may still say who wrote it: the answers go too.
    ...forgetFeedback(db, workshopId),
    // The agenda's speakers and moderators, hand-entered ones too: the sessions stay.
    db.delete(sessionPeople).where(eq(sessionPeople.workshopId, workshopId)),
  ]);
  // Its public page may show agreed names on the agenda: they are gone now.
  const workshop = await db.query.workshops.findFirst({
    where: eq(workshops.id, workshopId),
    columns: { slug: true, status: true },
  });
  if (workshop && workshop.status !== "draft")
    await svc.pages.purge([`/workshops/${workshop.slug}`]);
}

/** Addresses per statement: below D1's 100 bound parameters. */
const PER_STATEMENT = 90;

/**
 * The outbox emails about the workshop's people (found by their data key), the dev-mailbox
 * copies of them, and whatever else the outbox or the dev mailbox holds for their addresses
 * (a report's chunk, rows recorded before the vault).
 */
function forgetWorkshopMail(db: Db, workshopId: string, addresses: string[]) {
  const aboutThem = eq(emails.keyName, workshopKeyName(workshopId));
  const copies = db
    .select({ key: sql<string>`'email/' || ${emails.id}` })
    .from(emails)
    .where(aboutThem);
  const byAddress = Array.from({ length: Math.ceil(addresses.length / PER_STATEMENT) }, (_, i) =>
    forgetMailTo(db, addresses.slice(i * PER_STATEMENT, (i + 1) * PER_STATEMENT)),
  );
  return [
    db.delete(mailboxMessages).where(inArray(mailboxMessages.idempotencyKey, copies)),
    db.delete(emails).where(aboutThem),
    ...byAddress.flat(),
  ];
}

/**
 * The addresses of the workshop's registrations and invitations, opened with its key. A
 * DATA_KEY that cannot open the key must not hold back the purge (destroying a key needs no
 * master key): the purge then goes ahead without them, and only dev-mailbox copies of the
 * workshop's report wait for their 30 days.
 */
async function addressesOf(svc: Services, workshopId: string): Promise<string[]> {
  const { db } = svc;
  const [regs, invs] = await Promise.all([
    db
      .select({ id: registrations.id, email: registrations.email })
      .from(registrations)
      .where(eq(registrations.workshopId, workshopId)),
    db
      .select({ id: invitations.id, email: invitations.email })
      .from(invitations)
      .where(eq(invitations.workshopId, workshopId)),
  ]);
  try {
    const key = await svc.vault.workshop(workshopId);
    const opened = await Promise.all([
      ...regs.map((row) => openFields(key, "registrations", row, { email: "" })),
      ...invs.map((row) => openFields(key, "invitations", row, { email: "" })),
    ]);
    return [...new Set(opened.map((r) => r.email).filter((e) => e && !isForgotten(e)))];
  } catch (error) {
    if (!(error instanceof VaultError)) throw error;
    console.error("purge without opening addresses", workshopId, error.message);
    return [];
  }
}

const olderThanKept = (now: Date) => new Date(now.getTime() - KEEP_DAYS * DAY);

/** Sent and failed emails are kept as delivery records (no body) for 30 days. */
export async function purgeOldEmails(db: Db, now: Date): Promise<void> {
  await db
    .delete(emails)
    .where(
      and(inArray(emails.status, ["sent", "failed"]), lte(emails.createdAt, olderThanKept(now))),
    );
}

/**
 * The dev mailbox holds whole emails (names, links) and processed webhook ids say which
 * email events came in: neither is kept past 30 days. A webhook redelivered later than that
 * is long past Resend's retry schedule.
 */
export async function purgeOldMailboxAndWebhooks(db: Db, now: Date): Promise<void> {
  await runBatch(db, [
    db.delete(mailboxMessages).where(lte(mailboxMessages.createdAt, olderThanKept(now))),
    db.delete(webhookEvents).where(lte(webhookEvents.createdAt, olderThanKept(now))),
  ]);
}
