// Registration reads (by id, lists, door search, JSON shape), apart so service.ts stays small.
import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { type Keyset, paginate } from "../db/paginate";
import { registrations } from "../db/schema";
import { notFound } from "../lib/errors";
import { likeContaining } from "../lib/text";
import { type RegistrationStatus, SEAT_HOLDING } from "./status";

type Registration = typeof registrations.$inferSelect;

export async function getRegistration(db: Db, id: string): Promise<Registration> {
  const registration = await db.query.registrations.findFirst({ where: eq(registrations.id, id) });
  if (!registration) throw notFound("No such registration.");
  return registration;
}

/** The registration with this id, or undefined: for callers to whom absence is no error. */
export function findRegistration(db: Db, id: string): Promise<Registration | undefined> {
  return db.query.registrations.findFirst({ where: eq(registrations.id, id) });
}

export interface ListQuery {
  status?: RegistrationStatus;
  q?: string;
  limit: number;
  cursor?: string;
}

const NEWEST_FIRST: Keyset = {
  id: registrations.id,
  by: registrations.createdAt,
  direction: "desc",
};

/** Registrations of a workshop, newest first, filtered and searched, a page at a time. */
export function listRegistrations(db: Db, workshopId: string, query: ListQuery) {
  const term = query.q ? likeContaining(query.q) : undefined;
  return paginate(db, NEWEST_FIRST, query, (after, window) =>
    db.query.registrations.findMany({
      where: and(
        eq(registrations.workshopId, workshopId),
        query.status ? eq(registrations.status, query.status) : undefined,
        term
          ? or(
              sql`${registrations.name} LIKE ${term} ESCAPE '\\'`,
              sql`${registrations.email} LIKE ${term} ESCAPE '\\'`,
              sql`${registrations.affiliation} LIKE ${term} ESCAPE '\\'`,
            )
          : undefined,
        after,
      ),
      ...window,
    }),
  );
}

/** What door staff may see of a person: never an address. */
export type DoorView = Pick<
  Registration,
  "id" | "name" | "affiliation" | "status" | "role" | "checkedInAt"
>;

/**
 * Door search: confirmed and checked-in people whose name or affiliation matches, by name.
 * Never by address: a search for `@ministry.example` must not tell who is coming.
 */
export async function doorSearch(
  db: Db,
  workshopId: string,
  q: string,
  limit: number,
): Promise<DoorView[]> {
  const term = likeContaining(q);
  return db
    .select({
      id: registrations.id,
      name: registrations.name,
      affiliation: registrations.affiliation,
      status: registrations.status,
      role: registrations.role,
      checkedInAt: registrations.checkedInAt,
    })
    .from(registrations)
    .where(
      and(
        eq(registrations.workshopId, workshopId),
        inArray(registrations.status, SEAT_HOLDING),
        or(
          sql`${registrations.name} LIKE ${term} ESCAPE '\\'`,
          sql`${registrations.affiliation} LIKE ${term} ESCAPE '\\'`,
        ),
      ),
    )
    .orderBy(asc(registrations.name))
    .limit(limit);
}

export function registrationJson(r: Registration) {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    affiliation: r.affiliation,
    status: r.status,
    role: r.role,
    notes: r.notes,
    answers: r.answers,
    language: r.language,
    receiveReport: r.receiveReport,
    waitlistPosition: r.status === "waitlisted" ? r.waitlistPosition : null,
    checkedInAt: r.checkedInAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}
