// Retention: once a workshop's retention period after its end has passed, the personal
// data of its registrations and invitations is erased. Rows (and so counts by status) stay;
// names, addresses, affiliations, answers and notes go, and so do their link tokens and the
// emails still stored for those addresses.
import { and, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { type Db, runBatch } from "../db/client";
import { runInBatch } from "../db/raw";
import { accessTokens, emails, invitations, registrations, workshops } from "../db/schema";
import { newId } from "../lib/tokens";

const DAY = 24 * 60 * 60 * 1000;

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
    // the erasing statements are idempotent.
    await runBatch(db, [
      runInBatch(
        db,
        sql`INSERT INTO audit_log (id, actor_type, action, target_type, target_id)
            SELECT ${newId("aud")}, 'system', 'workshop.purge', 'workshop', id FROM workshops
            WHERE id = ${id} AND purged_at IS NULL`,
      ),
      db
        .update(workshops)
        .set({ purgedAt: now })
        .where(and(eq(workshops.id, id), isNull(workshops.purgedAt))),
      db
        .delete(accessTokens)
        .where(
          or(inArray(accessTokens.subjectId, regIds), inArray(accessTokens.subjectId, invIds)),
        ),
      db.delete(emails).where(inArray(emails.to, addresses)),
      db
        .update(registrations)
        .set({
          email: sql`'purged:' || ${registrations.id}`,
          name: "",
          affiliation: null,
          answers: {},
          notes: null,
        })
        .where(eq(registrations.workshopId, id)),
      db
        .update(invitations)
        .set({ email: sql`'purged:' || ${invitations.id}`, name: null, affiliation: null })
        .where(eq(invitations.workshopId, id)),
    ]);
  }
  return due.length;
}

/** Sent and failed emails are kept as delivery records (no body) for 30 days. */
export async function purgeOldEmails(db: Db, now: Date): Promise<void> {
  await db
    .delete(emails)
    .where(
      and(
        inArray(emails.status, ["sent", "failed"]),
        lte(emails.createdAt, new Date(now.getTime() - 30 * DAY)),
      ),
    );
}
