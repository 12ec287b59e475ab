// A workshop's agenda: sessions (times within the workshop's, title and description per
// language, a room) and the people who speak at or moderate them, chosen from the workshop's
// seated registrations or typed by hand. Every change is audited and purges the public page.
//
// Who sees what (`agendaAs`), the one rule for every page, API answer and calendar file:
// - the room is part of the place: shown where the venue is (`showsVenue`, venue.ts; never
//   a private one to a hybrid workshop's online participants);
// - a name (and affiliation) is shown outside the organisers' pages only when that person
//   agreed to it being public; anyone else is "Speaker" or "Moderator", to every participant
//   and to the public alike. Organisers see everyone.
// Hand-entered names are sealed under the workshop's data key like a registration's; a
// registration's erasure and the workshop's purge delete its people (src/people/).
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import { type Db, runBatch, type Statement } from "../db/client";
import {
  type LocalizedText,
  registrations,
  sessionPeople,
  workshopSessions,
  workshops,
} from "../db/schema";
import { LANGS, type Lang } from "../i18n";
import { conflict, type FieldError, invalid, notFound } from "../lib/errors";
import { cleanText } from "../lib/text";
import { formatInstant } from "../lib/time";
import { newId } from "../lib/tokens";
import { SEAT_HOLDING } from "../registrations/status";
import type { Services } from "../services";
import { openFields, sealFields } from "../vault/fields";
import type { DataKey, Vault } from "../vault/keys";
import type {
  CreateSessionInput,
  SessionPersonInput,
  SessionPersonUpdate,
  UpdateSessionInput,
} from "./agenda-schemas";
import { getWorkshop } from "./service";
import type { AttendanceMode, Workshop } from "./types";
import { showsVenue } from "./venue";

export type SessionRole = (typeof sessionPeople.$inferSelect)["role"];

export interface AgendaPerson {
  id: string;
  role: SessionRole;
  registrationId: string | null;
  /** Opened; "" when it was not opened (not to be shown) or cannot be (the key is gone). */
  name: string;
  affiliation: string | null;
  publicConsent: boolean;
  consentAt: Date | null;
}

export interface AgendaSession {
  id: string;
  workshopId: string;
  startsAt: Date;
  endsAt: Date;
  title: LocalizedText;
  description: LocalizedText | null;
  room: string | null;
  people: AgendaPerson[];
}

const PEOPLE_TABLE = "session_people";

// ---------------------------------------------------------------- reading

/**
 * The agenda of a workshop, sessions by start. `names: "consented"` opens only the names of
 * people who agreed to be shown publicly (a public page needs no other, and no key at all
 * when nobody agreed); `"all"` opens every one (organisers).
 */
export async function loadAgenda(
  db: Db,
  vault: Vault,
  workshopId: string,
  names: "all" | "consented",
): Promise<AgendaSession[]> {
  // Two queries, not one batch: D1's batch answers rows as objects by column name, and the
  // join's `name` and `affiliation` appear in both tables.
  const [sessions, people] = await Promise.all([
    db
      .select()
      .from(workshopSessions)
      .where(eq(workshopSessions.workshopId, workshopId))
      .orderBy(asc(workshopSessions.startsAt), asc(workshopSessions.createdAt)),
    db
      .select({
        person: sessionPeople,
        regName: registrations.name,
        regAffiliation: registrations.affiliation,
      })
      .from(sessionPeople)
      .leftJoin(registrations, eq(registrations.id, sessionPeople.registrationId))
      .where(eq(sessionPeople.workshopId, workshopId))
      .orderBy(asc(sessionPeople.createdAt), asc(sessionPeople.id)),
  ]);
  if (sessions.length === 0) return [];
  const toOpen = people.filter((p) => names === "all" || p.person.publicConsent);
  const key = toOpen.length ? await vault.workshop(workshopId) : null;
  const opened = new Map<string, { name: string; affiliation: string | null }>();
  await Promise.all(
    toOpen.map(async ({ person, regName, regAffiliation }) => {
      opened.set(person.id, await openPerson(key, person, regName, regAffiliation));
    }),
  );
  const bySession = new Map<string, AgendaPerson[]>();
  for (const { person } of people) {
    const shown = opened.get(person.id) ?? { name: "", affiliation: null };
    const list = bySession.get(person.sessionId) ?? [];
    list.push({
      id: person.id,
      role: person.role,
      registrationId: person.registrationId,
      ...shown,
      publicConsent: person.publicConsent,
      consentAt: person.consentAt,
    });
    bySession.set(person.sessionId, list);
  }
  return sessions.map((s) => ({
    id: s.id,
    workshopId: s.workshopId,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    title: s.title,
    description: s.description,
    room: s.room,
    people: bySession.get(s.id) ?? [],
  }));
}

/** A person's name and affiliation: from their registration's sealed row, or typed by hand. */
async function openPerson(
  key: DataKey | null,
  person: typeof sessionPeople.$inferSelect,
  regName: string | null,
  regAffiliation: string | null,
) {
  if (person.registrationId) {
    const row = { id: person.registrationId, name: regName ?? "", affiliation: regAffiliation };
    const r = await openFields(key, "registrations", row, { name: "", affiliation: null });
    return { name: r.name, affiliation: r.affiliation };
  }
  const row = { id: person.id, name: person.name, affiliation: person.affiliation };
  const r = await openFields(key, PEOPLE_TABLE, row, { name: null, affiliation: null });
  return { name: r.name ?? "", affiliation: r.affiliation };
}

// ---------------------------------------------------------------- who sees what

/** A text in the reader's language, else another one, with the language it is in. */
export function localized(
  texts: LocalizedText | null | undefined,
  lang: Lang,
): { text: string; lang: Lang } | null {
  for (const l of [lang, ...LANGS.filter((x) => x !== lang)]) {
    const text = texts?.[l]?.trim();
    if (text) return { text, lang: l };
  }
  return null;
}

/** Who is looking: an organiser of the workshop, or anyone else (seated or not) at `now`. */
export type AgendaViewer =
  | { organiser: true }
  | { organiser?: false; seated: boolean; now: Date; mode?: AttendanceMode | null };

export interface ShownPerson {
  role: SessionRole;
  /** null: not shown to this viewer ("Speaker", "Moderator"). */
  name: string | null;
  affiliation: string | null;
}

export interface ShownSession {
  id: string;
  startsAt: Date;
  endsAt: Date;
  title: { text: string; lang: Lang } | null;
  description: { text: string; lang: Lang } | null;
  /** null when there is none, or this viewer may not see the place. */
  room: string | null;
  people: ShownPerson[];
}

/** The agenda as `viewer` may see it, in `lang` (falling back to the other language). */
export function agendaAs(
  workshop: Workshop,
  sessions: AgendaSession[],
  lang: Lang,
  viewer: AgendaViewer,
): ShownSession[] {
  const place =
    viewer.organiser ||
    showsVenue(workshop, { seated: viewer.seated, mode: viewer.mode ?? null }, viewer.now);
  return sessions.map((s) => ({
    id: s.id,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    title: localized(s.title, lang),
    description: localized(s.description, lang),
    room: place ? s.room : null,
    people: s.people.map((p) => {
      const named = (viewer.organiser || p.publicConsent) && p.name !== "";
      return {
        role: p.role,
        name: named ? p.name : null,
        affiliation: named ? p.affiliation : null,
      };
    }),
  }));
}

// ---------------------------------------------------------------- changes

const cleanLocalized = (texts: LocalizedText | null | undefined): LocalizedText | null => {
  const kept: LocalizedText = {};
  for (const lang of LANGS) {
    const text = cleanText((texts?.[lang] ?? "").replace(/\r\n?/g, "\n"));
    if (text) kept[lang] = text;
  }
  return Object.keys(kept).length ? kept : null;
};

/** A session lies within its workshop and ends after it starts; said per field when not. */
export function checkSessionTimes(
  workshop: Pick<Workshop, "startsAt" | "endsAt" | "timezone">,
  startsAt: Date,
  endsAt: Date,
): FieldError[] {
  const errors: FieldError[] = [];
  const at = (d: Date) => formatInstant(d, workshop.timezone, "en");
  if (startsAt < workshop.startsAt || startsAt >= workshop.endsAt)
    errors.push({
      path: "startsAt",
      message: `The session must start within the workshop: from ${at(workshop.startsAt)}.`,
    });
  if (endsAt <= startsAt)
    errors.push({ path: "endsAt", message: "The session must end after it starts." });
  else if (endsAt > workshop.endsAt)
    errors.push({
      path: "endsAt",
      message: `The session must end by the workshop's end: ${at(workshop.endsAt)}.`,
    });
  return errors;
}

/** The workshop, if its agenda may change: not cancelled, and its people not erased. */
async function changeableWorkshop(db: Db, workshopId: string): Promise<Workshop> {
  const workshop = await getWorkshop(db, workshopId);
  if (workshop.status === "cancelled") throw conflict("A cancelled workshop cannot be changed.");
  return workshop;
}

/** After a change: calendar files show the agenda (SEQUENCE), the public page shows it. */
function touchWorkshop(db: Db, workshopId: string) {
  return db
    .update(workshops)
    .set({ calendarSequence: sql`${workshops.calendarSequence} + 1`, updatedAt: new Date() })
    .where(eq(workshops.id, workshopId));
}

async function purgePage(svc: Pick<Services, "pages">, workshop: Workshop) {
  if (workshop.status !== "draft") await svc.pages.purge([`/workshops/${workshop.slug}`]);
}

/** Rows for new people: registrations checked to be the workshop's and seated; names sealed. */
async function personRows(
  svc: Pick<Services, "db" | "vault">,
  workshop: Workshop,
  sessionId: string,
  people: SessionPersonInput[],
  now: Date,
  /** Where the people are in the input, for field errors: `people.0.`, or "" for one. */
  pathOf: (i: number) => string,
) {
  const regIds = [...new Set(people.flatMap((p) => (p.registrationId ? [p.registrationId] : [])))];
  const seated = regIds.length
    ? await svc.db
        .select({ id: registrations.id })
        .from(registrations)
        .where(
          and(
            eq(registrations.workshopId, workshop.id),
            inArray(registrations.id, regIds),
            inArray(registrations.status, [...SEAT_HOLDING]),
          ),
        )
    : [];
  const found = new Set(seated.map((r) => r.id));
  const errors: FieldError[] = [];
  people.forEach((p, i) => {
    if (p.registrationId && !found.has(p.registrationId))
      errors.push({
        path: `${pathOf(i)}registrationId`,
        message: "Choose one of this workshop's confirmed participants.",
      });
  });
  if (errors.length) throw invalid(errors[0]!.message, errors);
  const byHand = people.some((p) => !p.registrationId);
  const key = byHand ? await svc.vault.workshopToSeal(workshop.id) : null;
  if (byHand && !key)
    throw conflict("This workshop's data key was destroyed: no name can be added to it.");
  return Promise.all(
    people.map(async (p, i) => {
      const id = newId("spk");
      const sealed = p.registrationId
        ? { name: null, affiliation: null }
        : await sealFields(key!, PEOPLE_TABLE, id, {
            name: cleanText(p.name ?? ""),
            affiliation: p.affiliation ? cleanText(p.affiliation) || null : null,
          });
      return {
        id,
        sessionId,
        workshopId: workshop.id,
        role: p.role,
        registrationId: p.registrationId ?? null,
        ...sealed,
        publicConsent: p.publicConsent ?? false,
        consentAt: p.publicConsent ? now : null,
        // People are listed in the order they were added: those added together, in the
        // order given, a millisecond apart.
        createdAt: new Date(now.getTime() + i),
      } satisfies typeof sessionPeople.$inferInsert;
    }),
  );
}

function audited(
  db: Db,
  actor: Actor,
  workshopId: string,
  action: string,
  detail: Record<string, unknown>,
): Statement {
  return auditInsert(db, actor, {
    action,
    targetType: "workshop",
    targetId: workshopId,
    detail,
  });
}

async function getSession(db: Db, workshopId: string, sessionId: string) {
  const session = await db.query.workshopSessions.findFirst({
    where: and(eq(workshopSessions.id, sessionId), eq(workshopSessions.workshopId, workshopId)),
  });
  if (!session) throw notFound("No such session.");
  return session;
}

/** One session of the workshop, its people opened (organisers). */
export async function readSession(
  svc: Pick<Services, "db" | "vault">,
  workshopId: string,
  sessionId: string,
): Promise<AgendaSession> {
  await getSession(svc.db, workshopId, sessionId);
  const all = await loadAgenda(svc.db, svc.vault, workshopId, "all");
  const found = all.find((s) => s.id === sessionId);
  if (!found) throw notFound("No such session.");
  return found;
}

export async function createSession(
  svc: Services,
  actor: Actor,
  workshopId: string,
  input: CreateSessionInput,
): Promise<AgendaSession> {
  const { db } = svc;
  const workshop = await changeableWorkshop(db, workshopId);
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  const errors = checkSessionTimes(workshop, startsAt, endsAt);
  if (errors.length) throw invalid(errors[0]!.message, errors);
  const id = newId("ses");
  const people = await personRows(
    svc,
    workshop,
    id,
    input.people ?? [],
    svc.now(),
    (i) => `people.${i}.`,
  );
  await runBatch(db, [
    db.insert(workshopSessions).values({
      id,
      workshopId,
      startsAt,
      endsAt,
      title: cleanLocalized(input.title) ?? {},
      description: cleanLocalized(input.description),
      room: input.room ? cleanText(input.room) || null : null,
    }),
    ...(people.length ? [db.insert(sessionPeople).values(people)] : []),
    touchWorkshop(db, workshopId),
    audited(db, actor, workshopId, "workshop.session.create", {
      sessionId: id,
      people: people.length,
    }),
  ]);
  await purgePage(svc, workshop);
  return readSession(svc, workshopId, id);
}

export async function updateSession(
  svc: Services,
  actor: Actor,
  workshopId: string,
  sessionId: string,
  input: UpdateSessionInput,
): Promise<AgendaSession> {
  const { db } = svc;
  const workshop = await changeableWorkshop(db, workshopId);
  const current = await getSession(db, workshopId, sessionId);
  const startsAt = input.startsAt ? new Date(input.startsAt) : current.startsAt;
  const endsAt = input.endsAt ? new Date(input.endsAt) : current.endsAt;
  const errors = checkSessionTimes(workshop, startsAt, endsAt);
  if (errors.length) throw invalid(errors[0]!.message, errors);
  const set: Partial<typeof workshopSessions.$inferInsert> = { startsAt, endsAt };
  if (input.title !== undefined) set.title = cleanLocalized(input.title) ?? {};
  if (input.description !== undefined) set.description = cleanLocalized(input.description);
  if (input.room !== undefined) set.room = input.room ? cleanText(input.room) || null : null;
  await runBatch(db, [
    db
      .update(workshopSessions)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(workshopSessions.id, sessionId)),
    touchWorkshop(db, workshopId),
    audited(db, actor, workshopId, "workshop.session.update", { sessionId }),
  ]);
  await purgePage(svc, workshop);
  return readSession(svc, workshopId, sessionId);
}

export async function deleteSession(
  svc: Services,
  actor: Actor,
  workshopId: string,
  sessionId: string,
): Promise<void> {
  const { db } = svc;
  const workshop = await changeableWorkshop(db, workshopId);
  await getSession(db, workshopId, sessionId);
  await runBatch(db, [
    // Its people go with it (ON DELETE CASCADE), said here for readers of the batch.
    db.delete(sessionPeople).where(eq(sessionPeople.sessionId, sessionId)),
    db.delete(workshopSessions).where(eq(workshopSessions.id, sessionId)),
    touchWorkshop(db, workshopId),
    audited(db, actor, workshopId, "workshop.session.delete", { sessionId }),
  ]);
  await purgePage(svc, workshop);
}

export async function addSessionPerson(
  svc: Services,
  actor: Actor,
  workshopId: string,
  sessionId: string,
  input: SessionPersonInput,
): Promise<AgendaSession> {
  const { db } = svc;
  const workshop = await changeableWorkshop(db, workshopId);
  await getSession(db, workshopId, sessionId);
  const [row] = await personRows(svc, workshop, sessionId, [input], svc.now(), () => "");
  await runBatch(db, [
    db.insert(sessionPeople).values(row!),
    touchWorkshop(db, workshopId),
    audited(db, actor, workshopId, "workshop.session.person.add", {
      sessionId,
      personId: row!.id,
      role: row!.role,
      registrationId: row!.registrationId,
      publicConsent: row!.publicConsent,
    }),
  ]);
  await purgePage(svc, workshop);
  return readSession(svc, workshopId, sessionId);
}

export async function updateSessionPerson(
  svc: Services,
  actor: Actor,
  workshopId: string,
  sessionId: string,
  personId: string,
  input: SessionPersonUpdate,
): Promise<AgendaSession> {
  const { db } = svc;
  const workshop = await changeableWorkshop(db, workshopId);
  const where = and(eq(sessionPeople.id, personId), eq(sessionPeople.sessionId, sessionId));
  const person = await db.query.sessionPeople.findFirst({ where });
  if (!person || person.workshopId !== workshopId) throw notFound("No such person on the session.");
  const set: Partial<typeof sessionPeople.$inferInsert> = {};
  if (input.role !== undefined) set.role = input.role;
  if (input.publicConsent !== undefined && input.publicConsent !== person.publicConsent) {
    set.publicConsent = input.publicConsent;
    set.consentAt = input.publicConsent ? svc.now() : null;
  }
  if (Object.keys(set).length === 0) return readSession(svc, workshopId, sessionId);
  await runBatch(db, [
    db.update(sessionPeople).set(set).where(where),
    touchWorkshop(db, workshopId),
    audited(db, actor, workshopId, "workshop.session.person.update", {
      sessionId,
      personId,
      ...input,
    }),
  ]);
  await purgePage(svc, workshop);
  return readSession(svc, workshopId, sessionId);
}

export async function removeSessionPerson(
  svc: Services,
  actor: Actor,
  workshopId: string,
  sessionId: string,
  personId: string,
): Promise<void> {
  const { db } = svc;
  const workshop = await changeableWorkshop(db, workshopId);
  const where = and(
    eq(sessionPeople.id, personId),
    eq(sessionPeople.sessionId, sessionId),
    eq(sessionPeople.workshopId, workshopId),
  );
  const [removed] = await runBatch(db, [
    db.delete(sessionPeople).where(where).returning({ id: sessionPeople.id }),
    touchWorkshop(db, workshopId),
    audited(db, actor, workshopId, "workshop.session.person.remove", { sessionId, personId }),
  ]);
  if (removed.length === 0) throw notFound("No such person on the session.");
  await purgePage(svc, workshop);
}

// ---------------------------------------------------------------- API shape

export function sessionJson(s: AgendaSession) {
  return {
    id: s.id,
    workshopId: s.workshopId,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    title: s.title,
    description: s.description,
    room: s.room,
    people: s.people.map((p) => ({
      id: p.id,
      role: p.role,
      registrationId: p.registrationId,
      name: p.name,
      affiliation: p.affiliation,
      publicConsent: p.publicConsent,
      consentAt: p.consentAt ? p.consentAt.toISOString() : null,
    })),
  };
}

/** The workshop's seated registrations, names opened: whom the organiser may choose from. */
export async function seatedParticipants(
  svc: Pick<Services, "db" | "vault">,
  workshopId: string,
): Promise<{ id: string; name: string; affiliation: string | null }[]> {
  const rows = await svc.db
    .select({
      id: registrations.id,
      name: registrations.name,
      affiliation: registrations.affiliation,
    })
    .from(registrations)
    .where(
      and(
        eq(registrations.workshopId, workshopId),
        inArray(registrations.status, [...SEAT_HOLDING]),
      ),
    );
  if (rows.length === 0) return [];
  const key = await svc.vault.workshop(workshopId);
  const opened = await Promise.all(
    rows.map((r) => openFields(key, "registrations", r, { name: "", affiliation: null })),
  );
  return opened
    .filter((r) => r.name)
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: "base" }));
}

/**
 * The agenda as the public sees it, in `lang`: rooms only where the venue is public, names
 * only of people who agreed. Read through `db` (the public pages' replica session).
 */
export async function publicAgenda(
  svc: Pick<Services, "vault">,
  db: Db,
  workshop: Workshop,
  lang: Lang,
  now: Date,
): Promise<ShownSession[]> {
  const sessions = await loadAgenda(db, svc.vault, workshop.id, "consented");
  return agendaAs(workshop, sessions, lang, { seated: false, now });
}

/**
 * The agenda as a participant sees it: the room once the place is theirs to see (never for
 * a hybrid workshop's online participants when the venue is private).
 */
export async function participantAgenda(
  svc: Pick<Services, "db" | "vault">,
  workshop: Workshop,
  lang: Lang,
  seat: { seated: boolean; mode: AttendanceMode | null },
  now: Date,
): Promise<ShownSession[]> {
  const sessions = await loadAgenda(svc.db, svc.vault, workshop.id, "consented");
  return agendaAs(workshop, sessions, lang, { ...seat, now });
}

/**
 * The public pages that show any of these registrations on an agenda: read before they are
 * erased (the rows go with them), purged after, so a consented name leaves the cache at once.
 */
export async function agendaPagesOf(db: Db, registrationIds: string[]): Promise<string[]> {
  if (registrationIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ slug: workshops.slug, status: workshops.status })
    .from(sessionPeople)
    .innerJoin(workshops, eq(workshops.id, sessionPeople.workshopId))
    .where(inArray(sessionPeople.registrationId, registrationIds.slice(0, 90)));
  return rows.filter((w) => w.status !== "draft").map((w) => `/workshops/${w.slug}`);
}
