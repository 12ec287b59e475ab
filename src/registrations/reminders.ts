// Event reminders: confirmed participants hear from us `reminderHours` before the start,
// once. Each registration is claimed by a conditional update before its email is written,
// so a cron that fires twice (or overlaps itself) sends nothing twice.
import { and, eq, gt, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { registrations, workshops } from "../db/schema";
import type { Services } from "../services";
import { openRecipients, RECIPIENT_COLUMNS } from "./sealed";
import { sendNotices } from "./send";

export async function sendEventReminders(svc: Services, now: Date): Promise<number> {
  const { db, mailer } = svc;
  const due = await db.query.workshops.findMany({
    where: and(
      eq(workshops.status, "published"),
      isNotNull(workshops.reminderHours),
      gt(workshops.startsAt, now),
      lte(workshops.startsAt, sql`${now.getTime()} + ${workshops.reminderHours} * 3600000`),
    ),
  });
  let sent = 0;
  for (const workshop of due) {
    const claimed = await db
      .update(registrations)
      .set({ reminderSentAt: now })
      .where(
        and(
          eq(registrations.workshopId, workshop.id),
          eq(registrations.status, "confirmed"),
          isNull(registrations.reminderSentAt),
        ),
      )
      .returning(RECIPIENT_COLUMNS);
    const recipients = await openRecipients(await svc.vault.workshop(workshop.id), claimed);
    sent += await sendNotices(db, mailer, svc.settings, workshop, recipients, "reminder", { now });
  }
  return sent;
}
