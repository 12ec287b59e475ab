// RFC 5545 calendar files through ical-generator. The UID is stable per registration, and
// SEQUENCE follows the workshop's calendarSequence, so calendars replace the event when it
// is rescheduled and remove it when it is cancelled. Calendar files are shared and synced
// (and calendars published): no caller may put a link in one that acts on anyone's behalf
// (manage, RSVP, check-in, unsubscribe); the public workshop page is the link they carry.
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";

export interface CalendarEvent {
  uid: string;
  sequence: number;
  title: string;
  description?: string;
  start: Date;
  end: Date;
  location?: string | null;
  url?: string;
  cancelled?: boolean;
}

export function calendarFile(
  events: CalendarEvent[],
  options: {
    name?: string;
    method?: "publish" | "request" | "cancel";
    /** DTSTAMP (when the file was made); fixed by callers that must rebuild the same file. */
    stamp?: Date;
  } = {},
): string {
  const stamp = options.stamp ?? new Date();
  const calendar = ical({
    name: options.name ?? "Workshops",
    prodId: { company: "workshops", product: "workshops", language: "EN" },
  });
  if (options.method === "request") calendar.method(ICalCalendarMethod.REQUEST);
  else if (options.method === "cancel") calendar.method(ICalCalendarMethod.CANCEL);
  else calendar.method(ICalCalendarMethod.PUBLISH);
  for (const event of events) {
    calendar.createEvent({
      id: event.uid,
      sequence: event.sequence,
      start: event.start,
      end: event.end,
      summary: event.title,
      description: event.description,
      location: event.location ?? undefined,
      url: event.url,
      status: event.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      stamp,
    });
  }
  return calendar.toString();
}
