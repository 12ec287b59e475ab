// Time-gated venues: `venueRevealHours` before the start, each confirmed participant gets one
// email with the place and a calendar file that now carries it. Cron triggers overlap and
// repeat, so everything here is claimed by a conditional update before it is acted on: the
// workshop's calendar SEQUENCE moves once per reveal, and each participant is claimed
// (venue_sent_at) before their email is written, so a cron that fires twice sends nothing twice.
import { and, eq, gt, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { registrations, workshops } from "../db/schema";
import type { Services } from "../services";
import { openRecipients, RECIPIENT_COLUMNS } from "./sealed";
import { sendNotices } from "./send";

export async function sendVenueReveals(svc: Services, now: Date): Promise<number> {
  const { db, mailer } = svc;
  const due = await db
    .select({ id: workshops.id })
    .from(workshops)
    .where(
      and(
        eq(workshops.status, "published"),
        isNotNull(workshops.venueRevealHours),
        or(isNotNull(workshops.venueName), isNotNull(workshops.onlineUrl)),
        gt(workshops.endsAt, now),
        lte(workshops.startsAt, sql`${now.getTime()} + ${workshops.venueRevealHours} * 3600000`),
      ),
    );
  let sent = 0;
  for (const { id } of due) {
    // Calendars take the place in only from a higher SEQUENCE: one bump per reveal.
    await db
      .update(workshops)
      .set({ venueRevealedAt: now, calendarSequence: sql`${workshops.calendarSequence} + 1` })
      .where(and(eq(workshops.id, id), isNull(workshops.venueRevealedAt)));
    const workshop = (await db.query.workshops.findFirst({ where: eq(workshops.id, id) }))!;
    const claimed = await db
      .update(registrations)
      .set({ venueSentAt: now })
      .where(
        and(
          eq(registrations.workshopId, id),
          eq(registrations.status, "confirmed"),
          isNull(registrations.venueSentAt),
        ),
      )
      .returning(RECIPIENT_COLUMNS);
    const recipients = await openRecipients(await svc.vault.workshop(workshop.id), claimed);
    sent += await sendNotices(db, mailer, svc.settings, workshop, recipients, "venue", {
      now,
    });
  }
  return sent;
}
