// The public calendar of upcoming workshops, as an iCalendar feed calendar apps subscribe to
// and as JSON a centre's own website can list. Only what the public pages already show:
// published workshops open to registration (an invitation-only workshop is nobody's
// business but its invitees'), their place only when it is not private, no seat numbers.
import { and, asc, eq, gt, ne } from "drizzle-orm";
import type { Db } from "../db/client";
import { workshops } from "../db/schema";
import { calendarFile } from "../lib/ics";
import { plainSummary } from "../lib/text";
import { seatState } from "./service";
import { locationText, type Workshop } from "./types";
import { showsLocation } from "./venue";

/** At most this many, soonest first: a feed is for what is coming, not an archive. */
const LISTED = 100;

export function listedWorkshops(db: Db, now: Date): Promise<Workshop[]> {
  return db.query.workshops.findMany({
    where: and(
      eq(workshops.status, "published"),
      ne(workshops.registrationMode, "invitation"),
      gt(workshops.endsAt, now),
    ),
    orderBy: [asc(workshops.startsAt)],
    limit: LISTED,
  });
}

/** The place as the public page shows it to someone without a seat, or null. */
function publicPlace(w: Workshop, now: Date): string | null {
  if (!showsLocation(w, false, now)) return null;
  return locationText(w) ?? (w.onlineUrl ? "Online" : null);
}

export function calendarFeed(list: Workshop[], appUrl: string, now: Date, name: string): string {
  return calendarFile(
    list.map((w) => ({
      // Not a registration's UID: the public event, one per workshop.
      uid: `workshop-${w.id}@${new URL(appUrl).host}`,
      sequence: w.calendarSequence,
      title: w.title,
      description: plainSummary(w.description, 500),
      start: w.startsAt,
      end: w.endsAt,
      location: publicPlace(w, now),
      url: `${appUrl}/workshops/${w.slug}`,
    })),
    { name, method: "publish", stamp: now },
  );
}

export function jsonFeed(list: Workshop[], appUrl: string, now: Date) {
  return {
    workshops: list.map((w) => {
      const state = seatState(w, now);
      return {
        title: w.title,
        url: `${appUrl}/workshops/${w.slug}`,
        summary: plainSummary(w.description),
        language: w.language,
        startsAt: w.startsAt.toISOString(),
        endsAt: w.endsAt.toISOString(),
        timezone: w.timezone,
        place: publicPlace(w, now),
        online: Boolean(w.onlineUrl),
        registration: w.registrationMode,
        // What the page says, never a count: a live number tells who is registering.
        seats: state.kind === "closed" ? state.reason : state.kind,
        fewPlacesLeft: state.kind === "places_left" && state.few,
      };
    }),
  };
}
