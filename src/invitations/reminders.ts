// Invitation reminders and expiry. A reminder is due `invitationReminderDays[k]` days after
// the invitation was sent, for the k-th reminder; claiming bumps remindersSent from k to
// k + 1 in one conditional statement, so each reminder goes out once.
import { and, eq, gt, inArray, lte, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { invitations, workshops } from "../db/schema";
import type { Recipient } from "../registrations/notices";
import { sendNotices } from "../registrations/send";
import type { Services } from "../services";
import { openInvitation } from "./sealed";
import { invitationMayMoveTo, invitationRecipient } from "./service";

const DAY = 24 * 60 * 60 * 1000;

export async function sendInvitationReminders(svc: Services, now: Date): Promise<number> {
  const { db, mailer } = svc;
  const open = await db.query.workshops.findMany({
    where: and(
      eq(workshops.status, "published"),
      gt(workshops.startsAt, now),
      sql`json_array_length(${workshops.invitationReminderDays}) > 0`,
    ),
  });
  let sent = 0;
  for (const workshop of open) {
    const waiting = await db.query.invitations.findMany({
      where: and(eq(invitations.workshopId, workshop.id), eq(invitations.status, "sent")),
    });
    const due = waiting.filter((i) => {
      const days = workshop.invitationReminderDays[i.remindersSent];
      return (
        days !== undefined && i.sentAt !== null && i.sentAt.getTime() + days * DAY <= now.getTime()
      );
    });
    // A destroyed key leaves nobody to remind.
    const key = due.length > 0 ? await svc.vault.workshop(workshop.id) : null;
    if (!key) continue;
    const claimed: Recipient[] = [];
    for (const invitation of due) {
      const [won] = await db
        .update(invitations)
        .set({ remindersSent: invitation.remindersSent + 1 })
        .where(
          and(
            eq(invitations.id, invitation.id),
            eq(invitations.status, "sent"),
            eq(invitations.remindersSent, invitation.remindersSent),
          ),
        )
        .returning({ id: invitations.id });
      if (won) claimed.push(invitationRecipient(workshop, await openInvitation(key, invitation)));
    }
    sent += await sendNotices(db, mailer, svc.settings, workshop, claimed, "invitation_reminder");
  }
  return sent;
}

/** Unanswered invitations expire when registration closes or the workshop starts. */
export async function expireInvitations(db: Db, now: Date): Promise<number> {
  const closed = db
    .select({ id: workshops.id })
    .from(workshops)
    .where(or(lte(workshops.startsAt, now), lte(workshops.registrationClosesAt, now)));
  const expired = await db
    .update(invitations)
    .set({ status: "expired" })
    .where(and(invitationMayMoveTo("expired"), inArray(invitations.workshopId, closed)))
    .returning({ id: invitations.id });
  return expired.length;
}
