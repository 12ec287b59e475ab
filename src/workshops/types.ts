// The workshop row as every feature sees it, and what can be read off it alone. Its own
// module, so features that only need these (notices, registrations) do not import the
// workshops service.
import type { workshops } from "../db/schema";

export type Workshop = typeof workshops.$inferSelect;

/** The venue as one line ("Hall B, 12 Example Street, Istanbul"), or null when there is none. */
export function locationText(
  workshop: Pick<Workshop, "venueName" | "venueAddress" | "venueCity">,
): string | null {
  const venue = [workshop.venueName, workshop.venueAddress, workshop.venueCity]
    .filter(Boolean)
    .join(", ");
  return venue || null;
}
