// Workshops: create, read and list; the public views of them (seat state, public paths).
// Changing, publishing and cancelling a workshop live in changes.ts.
import { and, asc, desc, eq, gt } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { teamRoles, visibleTo } from "../access/team";
import { auditInsert } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { type Keyset, paginate } from "../db/paginate";
import { ATTENDANCE_MODES, workshops } from "../db/schema";
import { adminDictionary, fill, formatNumber, type Lang } from "../i18n";
import { conflict, invalid, notFound } from "../lib/errors";
import { freeSlug, slugFamily, slugify } from "../lib/slugs";
import { cleanText } from "../lib/text";
import { newId } from "../lib/tokens";
import type { Services } from "../services";
import { cleanConfidentiality } from "./confidentiality";
import { cleanEmailTexts } from "./email-texts";
import { readWorkshop } from "./held";
import {
  type CreateWorkshopInput,
  REVEAL_NEEDS_PRIVATE,
  type UpdateWorkshopInput,
} from "./schemas";
import { creatorMembership } from "./team";
import type { AttendanceMode, Workshop } from "./types";
import { venueRevealAt } from "./venue";

/** Kept here for callers that make workshop slugs; the rules live in lib/slugs.ts. */
export { slugify } from "../lib/slugs";

/** The slugs taken among `base` and base-2, base-3, …: a new title's slug takes the next. */
async function takenSlugs(db: Db, base: string): Promise<string[]> {
  const rows = await db
    .select({ slug: workshops.slug })
    .from(workshops)
    .where(slugFamily(workshops.slug, base));
  return rows.map((r) => r.slug);
}

const optionalText = (value: string | undefined | null) => (value ? cleanText(value) : null);
const toDate = (value: string | null | undefined) =>
  value ? new Date(value) : value === null ? null : undefined;

export function columnsFrom(input: UpdateWorkshopInput) {
  const set: Partial<typeof workshops.$inferInsert> = {};
  if (input.title !== undefined) set.title = cleanText(input.title);
  if (input.slug !== undefined) set.slug = input.slug;
  if (input.description !== undefined) set.description = cleanText(input.description);
  if (input.startsAt !== undefined) set.startsAt = new Date(input.startsAt);
  if (input.endsAt !== undefined) set.endsAt = new Date(input.endsAt);
  if (input.timezone !== undefined) set.timezone = input.timezone;
  if (input.venue !== undefined) {
    set.venueName = optionalText(input.venue?.name);
    set.venueAddress = optionalText(input.venue?.address);
    set.venueCity = optionalText(input.venue?.city);
  }
  if (input.onlineUrl !== undefined) set.onlineUrl = input.onlineUrl ?? null;
  if (input.contact !== undefined) {
    set.contactName = optionalText(input.contact?.name);
    set.contactEmail = input.contact?.email.toLowerCase() ?? null;
  }
  if (input.locationPrivate !== undefined) set.locationPrivate = input.locationPrivate;
  if (input.venueRevealHours !== undefined) set.venueRevealHours = input.venueRevealHours;
  if (input.attendance !== undefined) set.attendance = input.attendance;
  if (input.capacity !== undefined) set.capacity = input.capacity;
  if (input.onlineCapacity !== undefined) set.onlineCapacity = input.onlineCapacity;
  if (input.registrationMode !== undefined) set.registrationMode = input.registrationMode;
  if (input.waitlist !== undefined) set.waitlist = input.waitlist;
  if (input.requireVerification !== undefined) set.requireVerification = input.requireVerification;
  if (input.registrationOpensAt !== undefined)
    set.registrationOpensAt = toDate(input.registrationOpensAt);
  if (input.registrationClosesAt !== undefined)
    set.registrationClosesAt = toDate(input.registrationClosesAt);
  if (input.language !== undefined) set.language = input.language;
  if (input.questions !== undefined)
    set.questions = input.questions.map((q) => ({ ...q, label: cleanText(q.label) }));
  if (input.retentionDays !== undefined) set.retentionDays = input.retentionDays;
  if (input.reminderHours !== undefined) set.reminderHours = input.reminderHours;
  if (input.invitationReminderDays !== undefined)
    set.invitationReminderDays = [...new Set(input.invitationReminderDays)].sort((a, b) => a - b);
  if (input.emailTexts !== undefined) set.emailTexts = cleanEmailTexts(input.emailTexts);
  if (input.confidentiality !== undefined)
    set.confidentiality = cleanConfidentiality(input.confidentiality);
  if (input.confidentialityRequired !== undefined)
    set.confidentialityRequired = input.confidentialityRequired;
  return set;
}

/** A reveal time only makes sense for a private venue: refused rather than made private silently. */
export function checkVenueReveal(w: Pick<Workshop, "locationPrivate" | "venueRevealHours">) {
  if (w.venueRevealHours !== null && !w.locationPrivate)
    throw invalid(REVEAL_NEEDS_PRIVATE, [
      { path: "venueRevealHours", message: REVEAL_NEEDS_PRIVATE },
    ]);
}

export async function createWorkshop(
  db: Db,
  actor: Actor,
  input: CreateWorkshopInput,
): Promise<Workshop> {
  checkVenueReveal({ locationPrivate: false, venueRevealHours: null, ...columnsFrom(input) });
  const id = newId("wks");
  const base = input.slug ?? (slugify(input.title) || `workshop-${id.slice(-6)}`);
  // A slug made from the title gets -2, -3… when taken; an explicit one must be free. Two
  // creations racing for the same number: the loser looks again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const slug = input.slug ?? freeSlug(base, await takenSlugs(db, base));
    try {
      const [rows] = await runBatch(db, [
        db
          .insert(workshops)
          .values({
            requireVerification: true,
            ...(columnsFrom(input) as Omit<typeof workshops.$inferInsert, "id" | "status">),
            questions: columnsFrom(input).questions ?? [],
            attendance:
              input.attendance ?? (!input.venue && input.onlineUrl ? "online" : "in_person"),
            invitationReminderDays: columnsFrom(input).invitationReminderDays ?? [],
            id,
            status: "draft",
            slug,
          })
          .returning(),
        auditInsert(db, actor, { action: "workshop.create", targetType: "workshop", targetId: id }),
        // Whoever creates a workshop is on its team; owners see every workshop anyway.
        ...creatorMembership(db, actor, id),
      ]);
      return rows[0]!;
    } catch (error) {
      const slugTaken = String(error).includes("UNIQUE");
      if (slugTaken && input.slug) throw conflict("Another workshop uses that slug.");
      if (!slugTaken) throw error;
    }
  }
  throw conflict("Could not find a free slug; give one explicitly.");
}

export async function getWorkshop(db: Db, id: string): Promise<Workshop> {
  const workshop = await db.query.workshops.findFirst({ where: eq(workshops.id, id) });
  if (!workshop) throw notFound("No such workshop.");
  return workshop;
}

const LATEST_START_FIRST: Keyset = { id: workshops.id, by: workshops.startsAt, direction: "desc" };

/** The workshops `actor` may see (all for owners, their teams' for others), a page at a time. */
export function listWorkshops(
  db: Db,
  actor: Actor,
  query: { limit: number; cursor?: string; status?: Workshop["status"] },
) {
  return paginate(db, LATEST_START_FIRST, query, (after, window) =>
    db.query.workshops.findMany({
      where: and(
        visibleTo(actor),
        query.status ? eq(workshops.status, query.status) : undefined,
        after,
      ),
      ...window,
    }),
  );
}

/** The workshops `actor` may see, latest start first, up to `limit`: the schedule exports. */
export function listSchedule(db: Db, actor: Actor, limit: number) {
  return db.query.workshops.findMany({
    where: visibleTo(actor),
    orderBy: [desc(workshops.startsAt)],
    limit,
  });
}

/** Ids and titles of the latest 100 workshops `actor` may see: a form's choice of workshop. */
export function listWorkshopChoices(db: Db, actor: Actor) {
  return db
    .select({ id: workshops.id, title: workshops.title })
    .from(workshops)
    .where(visibleTo(actor))
    .orderBy(desc(workshops.startsAt))
    .limit(100);
}

/**
 * The published workshops `actor` may see that have not ended, soonest first, each with
 * the role `actor` has on it (the organisers' dashboard).
 */
export async function listUpcomingFor(db: Db, actor: Actor, now: Date, limit: number) {
  const rows = await db.query.workshops.findMany({
    where: and(visibleTo(actor), eq(workshops.status, "published"), gt(workshops.endsAt, now)),
    orderBy: [asc(workshops.startsAt)],
    limit,
  });
  const roles = actor.role === "owner" ? null : await teamRoles(db, actor);
  return rows.map((w) => ({ workshop: w, role: roles ? (roles.get(w.id) ?? "door") : actor.role }));
}

/** Published workshops that have not ended, soonest first (the public home page). */
export function listUpcoming(db: Db, now: Date, limit = 20) {
  return db.query.workshops.findMany({
    where: and(eq(workshops.status, "published"), gt(workshops.endsAt, now)),
    orderBy: [asc(workshops.startsAt)],
    limit,
  });
}

/** The feeds of upcoming workshops (src/workshops/feeds.ts): they show every listed one. */
export const FEED_PATHS = ["/workshops/calendar.ics", "/workshops/feed.json"];

/**
 * The public pages that show a workshop: its own page, the home page (its card and seat
 * badge) and the feeds. Purged whenever any could change (src/cache/pages.ts).
 */
export function publicPathsOf(workshop: Pick<Workshop, "slug">): string[] {
  return ["/", `/workshops/${workshop.slug}`, ...FEED_PATHS];
}

/**
 * A published workshop and its data key, read in one round trip: a registration seals the
 * person under that key at once, and this is the hot path of a popular announcement.
 */
export async function getPublishedBySlugWithKey(
  svc: Pick<Services, "db" | "vault">,
  slug: string,
): Promise<Workshop> {
  const read = await readWorkshop(svc, slug);
  if (!read) throw notFound("No such workshop.");
  return read.workshop;
}

export async function getPublishedBySlug(db: Db, slug: string): Promise<Workshop> {
  const workshop = await db.query.workshops.findFirst({ where: eq(workshops.slug, slug) });
  if (!workshop || workshop.status === "draft") throw notFound("No such workshop.");
  return workshop;
}

/**
 * What the public may know of a workshop's places. Never a number: in a small closed room a
 * live count tells who is registering (organisers see numbers in `workshopJson`).
 */
export type SeatState =
  | { kind: "places_left"; few: boolean }
  | { kind: "waitlist_open" }
  | { kind: "full" }
  | { kind: "closed"; reason: "not_yet_open" | "closed" | "cancelled" | "invitation_only" };

/** "Few places left" from here on: a tenth of the room, and never under three places. */
const fewPlaces = (capacity: number) => Math.max(3, Math.ceil(capacity / 10));

export function seatState(workshop: Workshop, now = new Date(), mode?: AttendanceMode): SeatState {
  if (workshop.status === "cancelled") return { kind: "closed", reason: "cancelled" };
  // Its data key is destroyed (purged, or early by an owner): nothing to seal a new person with.
  if (workshop.purgedAt) return { kind: "closed", reason: "closed" };
  if (workshop.registrationMode === "invitation")
    return { kind: "closed", reason: "invitation_only" };
  if (workshop.registrationOpensAt && workshop.registrationOpensAt > now)
    return { kind: "closed", reason: "not_yet_open" };
  const closes = workshop.registrationClosesAt ?? workshop.startsAt;
  if (closes <= now) return { kind: "closed", reason: "closed" };
  // A hybrid workshop without a chosen mode: places while either pool has some.
  const pools = mode ? [seatPool(workshop, mode)] : seatPools(workshop).map((p) => p.seats);
  const open = pools
    .map(({ capacity, taken }) => (capacity === null ? Number.POSITIVE_INFINITY : capacity - taken))
    .reduce((a, b) => Math.max(a, b), 0);
  if (open > 0) {
    const few = pools.every(
      (p) => p.capacity !== null && p.capacity - p.taken <= fewPlaces(p.capacity),
    );
    return { kind: "places_left", few };
  }
  return workshop.waitlist ? { kind: "waitlist_open" } : { kind: "full" };
}

/**
 * What the public pages say of a workshop's seats (open, few left, waitlist, full; per pool
 * when hybrid), never a count: a seat change purges them only when this changes.
 */
export function publicSeats(workshop: Workshop, now: Date): string {
  const modes = workshop.attendance === "hybrid" ? ATTENDANCE_MODES : [];
  return JSON.stringify([
    seatState(workshop, now),
    ...modes.map((mode) => seatState(workshop, now, mode)),
  ]);
}

/** One pool of seats: its capacity (null: unlimited) and the seats taken. */
export interface SeatPool {
  capacity: number | null;
  taken: number;
}

/** The seats of `mode`; a workshop that is not hybrid has one pool, whatever the mode. */
export function seatPool(workshop: Workshop, mode: AttendanceMode | null): SeatPool {
  return workshop.attendance === "hybrid" && mode === "online"
    ? { capacity: workshop.onlineCapacity, taken: workshop.onlineConfirmedCount }
    : { capacity: workshop.capacity, taken: workshop.confirmedCount };
}

/**
 * Seats taken of seats there are, for organisers, in `lang`'s digits: "12 / 40", or per
 * pool when hybrid ("12 / 40 in person · 3 / 20 online").
 */
export function seatCount(workshop: Workshop, lang: Lang): string {
  const one = ({ capacity, taken }: SeatPool) =>
    `${formatNumber(taken, lang)} / ${capacity === null ? "∞" : formatNumber(capacity, lang)}`;
  if (workshop.attendance !== "hybrid") return one(seatPool(workshop, null));
  return fill(adminDictionary(lang).workshops.seatsByMode, {
    inPerson: one(seatPool(workshop, "in_person")),
    online: one(seatPool(workshop, "online")),
  });
}

/** All the seats there are: both pools of a hybrid workshop; null when unlimited. */
export function totalCapacity(workshop: Workshop): number | null {
  const pools = seatPools(workshop).map((p) => p.seats.capacity);
  return pools.some((c) => c === null) ? null : pools.reduce<number>((a, c) => a + (c ?? 0), 0);
}

/** The workshop's pools: one, or a hybrid workshop's two, each with its mode. */
export function seatPools(workshop: Workshop): { mode: AttendanceMode | null; seats: SeatPool }[] {
  return workshop.attendance === "hybrid"
    ? ATTENDANCE_MODES.map((mode) => ({ mode, seats: seatPool(workshop, mode) }))
    : [{ mode: null, seats: seatPool(workshop, null) }];
}

const seatsJson = ({ capacity, taken }: SeatPool) => ({
  confirmed: taken,
  capacity,
  available: capacity === null ? null : Math.max(0, capacity - taken),
});

/** The API shape of a workshop (organisers). */
export function workshopJson(w: Workshop) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: w.id,
    slug: w.slug,
    title: w.title,
    description: w.description,
    startsAt: w.startsAt.toISOString(),
    endsAt: w.endsAt.toISOString(),
    timezone: w.timezone,
    venue: w.venueName ? { name: w.venueName, address: w.venueAddress, city: w.venueCity } : null,
    onlineUrl: w.onlineUrl,
    contact: w.contactEmail ? { name: w.contactName, email: w.contactEmail } : null,
    locationPrivate: w.locationPrivate,
    venueRevealHours: w.venueRevealHours,
    venueRevealAt: iso(venueRevealAt(w)),
    attendance: w.attendance,
    capacity: w.capacity,
    onlineCapacity: w.onlineCapacity,
    waitlist: w.waitlist,
    registrationMode: w.registrationMode,
    requireVerification: w.requireVerification,
    registrationOpensAt: iso(w.registrationOpensAt),
    registrationClosesAt: iso(w.registrationClosesAt),
    language: w.language,
    questions: w.questions,
    retentionDays: w.retentionDays,
    reminderHours: w.reminderHours,
    invitationReminderDays: w.invitationReminderDays,
    emailTexts: w.emailTexts ?? {},
    confidentiality: w.confidentiality ?? {},
    confidentialityRequired: w.confidentialityRequired,
    status: w.status,
    seats: seatsJson(seatPool(w, "in_person")),
    onlineSeats: w.attendance === "hybrid" ? seatsJson(seatPool(w, "online")) : null,
    createdAt: w.createdAt.toISOString(),
  };
}
