// The participant list: confirmed people who opted in, shown to other confirmed people of the
// same workshop on their own page (/r/{token}), never on a public page, API or the page
// cache. Name and affiliation only, opened from the sealed rows; nobody is listed without
// their tick, and anyone may leave the list at any time.
import { and, eq, inArray, ne } from "drizzle-orm";
import { registrations } from "../db/schema";
import { openFields } from "../vault/fields";
import type { Reader } from "./lists";
import type { Registration } from "./sealed";
import { SEAT_HOLDING } from "./status";

export interface ListedPerson {
  name: string;
  affiliation: string | null;
}

/** Whether this registration may see the list: only a seated (confirmed or attended) one. */
export const seesParticipantList = (viewer: Pick<Registration, "status">) =>
  SEAT_HOLDING.includes(viewer.status);

/**
 * The others on the list, by name, as `viewer` may see them; null when the viewer may not
 * see it. Only opted-in people holding a seat; no address is read or opened.
 */
export async function participantList(
  svc: Reader,
  viewer: Pick<Registration, "id" | "workshopId" | "status">,
): Promise<ListedPerson[] | null> {
  if (!seesParticipantList(viewer)) return null;
  const rows = await svc.db
    .select({
      id: registrations.id,
      name: registrations.name,
      affiliation: registrations.affiliation,
    })
    .from(registrations)
    .where(
      and(
        eq(registrations.workshopId, viewer.workshopId),
        inArray(registrations.status, SEAT_HOLDING),
        eq(registrations.listed, true),
        ne(registrations.id, viewer.id),
      ),
    );
  const key = await svc.vault.workshop(viewer.workshopId);
  const people = await Promise.all(
    rows.map((r) => openFields(key, "registrations", r, { name: "", affiliation: null })),
  );
  return people
    .filter((p) => p.name !== "")
    .map((p) => ({ name: p.name, affiliation: p.affiliation }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Joins or leaves the list (the participant's own choice, from their page). */
export async function setListed(
  svc: Pick<Reader, "db">,
  registrationId: string,
  listed: boolean,
  now: Date,
): Promise<void> {
  await svc.db
    .update(registrations)
    .set({ listed, updatedAt: now })
    .where(eq(registrations.id, registrationId));
}
