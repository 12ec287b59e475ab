// Who may see a workshop's place (venue and online link), and from when: the one rule behind
// every page, API answer, email and calendar file that shows it. A venue that is not private
// is public. A private one reaches only people who hold a seat (confirmed, attended); when the
// organiser set `venueRevealHours`, only from that many hours before the start, when a cron
// job emails it to each of them (registrations/venue-reveal.ts).
import { dictionary, fill, type Lang } from "../i18n";
import { formatInstant } from "../lib/time";
import { type AttendanceMode, locationText, type Workshop } from "./types";

type VenueFields = Pick<
  Workshop,
  | "locationPrivate"
  | "venueRevealHours"
  | "startsAt"
  | "timezone"
  | "venueName"
  | "venueAddress"
  | "venueCity"
  | "onlineUrl"
>;

/** Who is looking at a workshop's place: whether they hold a seat, and in which pool. */
export interface Viewer {
  seated: boolean;
  /** Their pool in a hybrid workshop; null for everyone else (and the public). */
  mode: AttendanceMode | null;
}

/**
 * The workshop as `viewer` may see its place, before the rules below apply. In a hybrid
 * workshop the online link is only for its seated online participants (a link passed on is a
 * seat taken without a place), and a private venue only for those who come in person: each is
 * blanked for everyone else. Other workshops are returned as they are.
 */
export function placeFor<W extends VenueFields & Pick<Workshop, "attendance">>(
  workshop: W,
  viewer: Viewer,
): W {
  if (workshop.attendance !== "hybrid") return workshop;
  const online = viewer.mode === "online";
  const hideVenue = online && isLocationPrivate(workshop);
  return {
    ...workshop,
    onlineUrl: viewer.seated && online ? workshop.onlineUrl : null,
    venueName: hideVenue ? null : workshop.venueName,
    venueAddress: hideVenue ? null : workshop.venueAddress,
  };
}

/**
 * Whether `viewer` sees the venue itself (its address, the agenda's rooms) at `now`: the
 * usual rule, and in a hybrid workshop a private venue is not for its online participants.
 */
export function showsVenue(
  workshop: VenueFields & Pick<Workshop, "attendance">,
  viewer: Viewer,
  now: Date,
): boolean {
  const hybridOnline = workshop.attendance === "hybrid" && viewer.mode === "online";
  return (
    showsLocation(workshop, viewer.seated, now) && !(hybridOnline && isLocationPrivate(workshop))
  );
}

/** When seated people learn the place; null when they learn it with their confirmation. */
export function venueRevealAt(workshop: Pick<Workshop, "venueRevealHours" | "startsAt">) {
  return workshop.venueRevealHours === null || workshop.venueRevealHours === undefined
    ? null
    : new Date(workshop.startsAt.getTime() - workshop.venueRevealHours * 3_600_000);
}

/** A reveal time makes a venue private even if the flag says otherwise: it fails closed. */
function isLocationPrivate(workshop: Pick<Workshop, "locationPrivate" | "venueRevealHours">) {
  return workshop.locationPrivate || workshop.venueRevealHours !== null;
}

/** Whether the workshop has a place to show at all. */
export function hasLocation(workshop: VenueFields): boolean {
  return Boolean(locationText(workshop) || workshop.onlineUrl);
}

/** Whether someone who holds a seat (`seated`) or not sees the place at `now`. */
export function showsLocation(workshop: VenueFields, seated: boolean, now: Date): boolean {
  if (!isLocationPrivate(workshop)) return true;
  if (!seated) return false;
  const at = venueRevealAt(workshop);
  return at === null || now >= at;
}

/** What someone who may not see the place reads instead, in their language. */
export function hiddenLocationNote(
  workshop: VenueFields,
  seated: boolean,
  now: Date,
  lang: Lang,
): string {
  const t = dictionary(lang).ui;
  const at = venueRevealAt(workshop);
  if (at === null || at <= now) return t.locationPrivate;
  const date = formatInstant(at, workshop.timezone, lang);
  return fill(seated ? t.venueSentToYouOn : t.venueSentOn, { date });
}
