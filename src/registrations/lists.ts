// Registration reads (by id, lists, door search, JSON shape), apart so service.ts stays small.
// Personal columns are sealed (sealed.ts): every read here opens them with the workshop's key,
// and searches by name, address or affiliation run in the Worker over the opened rows.
import { and, count, desc, eq, inArray, sql } from "drizzle-orm";
import { type Keyset, type Page, paginate } from "../db/paginate";
import { registrations } from "../db/schema";
import { notFound } from "../lib/errors";
import { isForgotten, PURGED } from "../lib/forgotten";
import type { Services } from "../services";
import { openFields } from "../vault/fields";
import { openRegistration, openRegistrations, type Registration } from "./sealed";
import { type RegistrationStatus, SEAT_HOLDING } from "./status";

/** What a read needs: the database and the keys to open what it holds. */
export type Reader = Pick<Services, "db" | "vault">;

export async function getRegistration(svc: Reader, id: string): Promise<Registration> {
  const registration = await findRegistration(svc, id);
  if (!registration) throw notFound("No such registration.");
  return registration;
}

/** The registration with this id, or undefined: for callers to whom absence is no error. */
export async function findRegistration(svc: Reader, id: string): Promise<Registration | undefined> {
  const row = await svc.db.query.registrations.findFirst({ where: eq(registrations.id, id) });
  return row && openRegistration(await svc.vault.workshop(row.workshopId), row);
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

/**
 * Folds what a search should not tell apart: case, and Arabic letter forms people type
 * interchangeably (alef with hamza or madda, alef maqsura, teh marbuta, tatweel, harakat).
 */
export function searchable(text: string): string {
  return text
    .toLocaleLowerCase()
    .normalize("NFKC")
    .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
    .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
    .replace(/\u0649/g, "\u064A")
    .replace(/\u0629/g, "\u0647");
}

/** Whether any of the fields contains the term, as a search matches them. */
export function matchesTerm(term: string, ...fields: (string | null)[]): boolean {
  const needle = searchable(term.trim());
  return fields.some((f) => f !== null && searchable(f).includes(needle));
}

/** The page of `rows` (already in list order) after the row `cursor`, as `paginate` pages. */
function pageOf<Row extends { id: string }>(
  rows: Row[],
  limit: number,
  cursor?: string,
): Page<Row> {
  const at = cursor ? rows.findIndex((r) => r.id === cursor) : -1;
  // A cursor that no longer matches (the row changed meanwhile) ends the list, never loops.
  if (cursor && at < 0) return { data: [], nextCursor: null };
  const from = at + 1;
  const data = rows.slice(from, from + limit);
  return { data, nextCursor: rows.length > from + limit ? (data.at(-1)?.id ?? null) : null };
}

/**
 * Registrations of a workshop, newest first, filtered and searched, a page at a time. A
 * search opens every registration of the workshop (hundreds, not millions) and matches in
 * the Worker: the database holds nothing a LIKE could match.
 */
export async function listRegistrations(
  svc: Reader,
  workshopId: string,
  query: ListQuery,
): Promise<Page<Registration>> {
  const { db } = svc;
  const where = and(
    eq(registrations.workshopId, workshopId),
    query.status ? eq(registrations.status, query.status) : undefined,
  );
  const key = await svc.vault.workshop(workshopId);
  const open = (rows: (typeof registrations.$inferSelect)[]) =>
    Promise.all(rows.map((r) => openRegistration(key, r)));
  if (query.q) {
    // Only what a search matches is opened for every row; the page found is opened whole.
    const rows = await db
      .select({
        id: registrations.id,
        email: registrations.email,
        name: registrations.name,
        affiliation: registrations.affiliation,
      })
      .from(registrations)
      .where(where)
      .orderBy(desc(registrations.createdAt), desc(registrations.id));
    const q = query.q;
    const searched = await Promise.all(
      rows.map((r) =>
        openFields(key, "registrations", r, {
          email: `${PURGED}${r.id}`,
          name: "",
          affiliation: null,
        }),
      ),
    );
    const found = searched.filter(
      (r) => !isForgotten(r.email) && matchesTerm(q, r.name, r.email, r.affiliation),
    );
    const page = pageOf(found, query.limit, query.cursor);
    const full = new Map(
      (
        await registrationsById(
          svc,
          page.data.map((r) => r.id),
        )
      ).map((r) => [r.id, r]),
    );
    return { data: page.data.map((r) => full.get(r.id)!), nextCursor: page.nextCursor };
  }
  const page = await paginate(db, NEWEST_FIRST, query, (after, window) =>
    db.query.registrations.findMany({ where: and(where, after), ...window }),
  );
  return { data: await open(page.data), nextCursor: page.nextCursor };
}

/** Registrations by id, opened (each with its own workshop's key). */
export async function registrationsById(svc: Reader, ids: string[]): Promise<Registration[]> {
  if (ids.length === 0) return [];
  const rows = await svc.db.query.registrations.findMany({ where: inArray(registrations.id, ids) });
  return openRegistrations(svc.vault, rows);
}

/** What door staff may see of a person: never an address. */
export type DoorView = Pick<
  Registration,
  "id" | "name" | "affiliation" | "status" | "role" | "checkedInAt"
>;

/**
 * The people holding a seat in the room (confirmed or checked in; a hybrid workshop's online
 * participants do not come to the door), name and affiliation opened, the erased left out.
 * Never an address: neither read nor opened here.
 */
async function seatHolders(svc: Reader, workshopId: string): Promise<DoorView[]> {
  const rows = await svc.db
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
        sql`${registrations.mode} IS NOT 'online'`,
      ),
    );
  const key = await svc.vault.workshop(workshopId);
  const people = await Promise.all(
    rows.map((r) => openFields(key, "registrations", r, { name: "", affiliation: null })),
  );
  // An erased person (or a workshop whose key is destroyed) opens to an empty name.
  return people.filter((r) => r.name !== "");
}

/**
 * Door search: confirmed and checked-in people whose name or affiliation matches, by name.
 * Never by address: a search for `@ministry.example` must not tell who is coming.
 */
export async function doorSearch(
  svc: Reader,
  workshopId: string,
  q: string,
  limit: number,
): Promise<DoorView[]> {
  return (await seatHolders(svc, workshopId))
    .filter((r) => matchesTerm(q, r.name, r.affiliation))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, limit);
}

/**
 * Orders names as a reader expects in both scripts: Latin, then Arabic, each alphabetically,
 * hamza forms of alef with plain alef and vowel marks ignored (the collator's base strength),
 * "Nour 2" before "Nour 10".
 */
const BY_NAME = new Intl.Collator(["en", "ar"], { sensitivity: "base", numeric: true });

/** Everyone holding a seat, sorted by name: the printed door list and the badges. */
export async function attendeeList(svc: Reader, workshopId: string): Promise<DoorView[]> {
  return (await seatHolders(svc, workshopId)).sort(
    (a, b) => BY_NAME.compare(a.name, b.name) || a.id.localeCompare(b.id),
  );
}

export function registrationJson(r: Registration) {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    affiliation: r.affiliation,
    status: r.status,
    mode: r.mode,
    role: r.role,
    notes: r.notes,
    answers: r.answers,
    // For organisers only: this shape is the organisers' API, never a participant's view.
    accessibility: r.accessibility,
    dietary: r.dietary,
    language: r.language,
    receiveReport: r.receiveReport,
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    acknowledgedHash: r.acknowledgedHash,
    listed: r.listed,
    waitlistPosition: r.status === "waitlisted" ? r.waitlistPosition : null,
    checkedInAt: r.checkedInAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** How many of a workshop's people are checked in: the door's "n of N". */
export async function countCheckedIn(svc: Reader, workshopId: string): Promise<number> {
  const [row] = await svc.db
    .select({ n: count() })
    .from(registrations)
    .where(and(eq(registrations.workshopId, workshopId), eq(registrations.status, "attended")));
  return row?.n ?? 0;
}

/** Where a workshop's people stand, as the organisers' dashboard shows it. */
export interface StatusCounts {
  awaitingApproval: number;
  /** Holding a seat: confirmed, checked in or not. */
  confirmed: number;
  waitlisted: number;
  checkedIn: number;
}

export const NO_COUNTS: StatusCounts = {
  awaitingApproval: 0,
  confirmed: 0,
  waitlisted: 0,
  checkedIn: 0,
};

/**
 * The counts of several workshops in one grouped query (not one per workshop): the
 * dashboard lists up to a page of workshops. Status alone says it (checked in is
 * `attended`); nothing sealed is read. A workshop nobody registered for is absent.
 */
export async function countsByWorkshop(
  db: Services["db"],
  workshopIds: string[],
): Promise<Map<string, StatusCounts>> {
  if (workshopIds.length === 0) return new Map();
  const is = (status: RegistrationStatus) =>
    sql<number>`coalesce(sum(${registrations.status} = ${status}), 0)`;
  const rows = await db
    .select({
      workshopId: registrations.workshopId,
      awaitingApproval: is("pending_approval"),
      confirmedOnly: is("confirmed"),
      waitlisted: is("waitlisted"),
      checkedIn: is("attended"),
    })
    .from(registrations)
    .where(inArray(registrations.workshopId, workshopIds))
    .groupBy(registrations.workshopId);
  return new Map(
    rows.map((r) => [
      r.workshopId,
      {
        awaitingApproval: Number(r.awaitingApproval),
        confirmed: Number(r.confirmedOnly) + Number(r.checkedIn),
        waitlisted: Number(r.waitlisted),
        checkedIn: Number(r.checkedIn),
      },
    ]),
  );
}
