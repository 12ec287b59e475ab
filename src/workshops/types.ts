// The workshop row as every feature sees it, and what can be read off it alone. Its own
// module, so features that only need these (notices, registrations) do not import the
// workshops service.
import type { ATTENDANCE_MODES, workshops } from "../db/schema";
import type { Lang } from "../i18n";

export type Workshop = typeof workshops.$inferSelect;

/** A pool of seats of a hybrid workshop: how its registrant takes part. */
export type AttendanceMode = (typeof ATTENDANCE_MODES)[number];

/** The venue as one line ("Hall B, 12 Example Street, Istanbul"), or null when there is none. */
export function locationText(
  workshop: Pick<Workshop, "venueName" | "venueAddress" | "venueCity">,
  /** Arabic joins the parts with its own comma. */
  lang?: Lang,
): string | null {
  const venue = [workshop.venueName, workshop.venueAddress, workshop.venueCity]
    .filter(Boolean)
    .join(lang === "ar" ? "، " : ", ");
  return venue || null;
}

/** The organiser contact as one line ("Amal Haddad <amal@example.org>"), or null when none. */
export function contactText(
  workshop: Pick<Workshop, "contactName" | "contactEmail">,
): string | null {
  if (!workshop.contactEmail) return null;
  return workshop.contactName
    ? `${workshop.contactName} <${workshop.contactEmail}>`
    : workshop.contactEmail;
}

/**
 * A sentence with a `{contact}` slot split around it, so a page or email can isolate the
 * contact (<bdi>): a Latin address inside an Arabic sentence keeps its own order.
 */
export function splitAround(sentence: string, slot = "{contact}") {
  const at = sentence.indexOf(slot);
  return at < 0
    ? { before: sentence, after: "" }
    : { before: sentence.slice(0, at), after: sentence.slice(at + slot.length) };
}
