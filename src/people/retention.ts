// Retention: once a workshop's retention period after its end has passed, the personal
// data of its registrations and invitations is erased (forget.ts): names, addresses,
// affiliations, answers and notes, their link tokens, the address and name in the report
// deliveries made to them, and the emails and dev-mailbox messages to those addresses.
// Rows (and so counts by status) stay. What is only kept for a while, whoever it was for,
// goes by age: sent emails' delivery records, dev-mailbox messages, processed webhook ids.
import { and, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { type Db, runBatch } from "../db/client";
import { runInBatch } from "../db/raw";
import {
  emails,
  invitations,
  mailboxMessages,
  registrations,
  webhookEvents,
  workshops,
} from "../db/schema";
import { PURGED } from "../lib/forgotten";
import { newId } from "../lib/tokens";
import { forgetMailTo, forgetRegistrationsAndInvitations } from "./forget";

const DAY = 24 * 60 * 60 * 1000;

/** How long what is kept only for a while is kept. */
export const KEEP_DAYS = 30;

export async function purgeExpiredPersonalData(db: Db, now: Date): Promise<number> {
  const due = await db.query.workshops.findMany({
    where: and(
      isNull(workshops.purgedAt),
      lte(sql`${workshops.endsAt} + ${workshops.retentionDays} * ${DAY}`, now.getTime()),
    ),
    columns: { id: true },
  });
  for (const { id } of due) {
    const regIds = db
      .select({ id: registrations.id })
      .from(registrations)
      .where(eq(registrations.workshopId, id));
    const invIds = db
      .select({ id: invitations.id })
      .from(invitations)
      .where(eq(invitations.workshopId, id));
    const addresses = db
      .select({ email: registrations.email })
      .from(registrations)
      .where(eq(registrations.workshopId, id))
      .union(
        db
          .select({ email: invitations.email })
          .from(invitations)
          .where(eq(invitations.workshopId, id)),
      );
    // One transaction. The audit entry is written only while the workshop is unclaimed,
    // just before the claim, so of two overlapping runs only the first records a purge;
    // the erasing statements are idempotent. Mail goes first: it is found by address.
    await runBatch(db, [
      runInBatch(
        db,
        sql`INSERT INTO audit_log (id, actor_type, action, target_type, target_id, workshop_id)
            SELECT ${newId("aud")}, 'system', 'workshop.purge', 'workshop', id, id FROM workshops
            WHERE id = ${id} AND purged_at IS NULL`,
      ),
      db
        .update(workshops)
        .set({ purgedAt: now })
        .where(and(eq(workshops.id, id), isNull(workshops.purgedAt))),
      ...forgetMailTo(db, addresses),
      ...forgetRegistrationsAndInvitations(db, PURGED, regIds, invIds, now),
    ]);
  }
  return due.length;
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
