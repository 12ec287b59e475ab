// Registrations: the public flow (register, verify, cancel), admission, and notify helpers.
// Every status change goes through the seat engine, one batch per change. Organiser
// decisions, check-in and erasure live in decisions.ts; lists, door search, JSON in lists.ts.
import { and, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { type Db, runBatch, type Statement } from "../db/client";
import { allInBatch } from "../db/raw";
import { type PARTICIPANT_ROLES, registrations, type WorkshopQuestion } from "../db/schema";
import type { Lang, NoticeKind } from "../i18n";
import { AppError, conflict, type FieldError, invalid, notFound } from "../lib/errors";
import { isForgotten, reachable } from "../lib/forgotten";
import { statusesFrom } from "../lib/state-machine";
import { cleanText, normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";
import type { Services } from "../services";
import { subscribeWithRegistration } from "../subscribers/service";
import { addressIndex } from "../vault/fields";
import { type DataKey, workshopKeyName } from "../vault/keys";
import { acknowledgement } from "../workshops/confidentiality";
import { type HeldWorkshop, heldWorkshop, letGo, readWorkshop, stillTrue } from "../workshops/held";
import { publicPathsOf, publicSeats, seatPool, seatState } from "../workshops/service";
import type { AttendanceMode, Workshop } from "../workshops/types";
import { decisionNoticeInsert } from "./decision-notice";
import { registrationsById } from "./lists";
import { cleanNeeds } from "./needs";
import { buildNotice, NOTICE_FOR, type Recipient } from "./notices";
import { findById, registrationReads } from "./read";
import { openRegistration, type Registration, sealPerson } from "./sealed";
import { applyMove, endsIn, type SeatResult, seatFree, type Target } from "./seats";
import { sendNotices } from "./send";
import { REGISTRATION_TRANSITIONS, type RegistrationStatus } from "./status";
import { resolveToken } from "./tokens";

export type { Registration };
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

interface RegistrationInput {
  name: string;
  email: string;
  affiliation?: string;
  answers?: Record<string, unknown>;
  language?: Lang;
  receiveReport?: boolean;
  /**
   * "Also subscribe to the newsletter": the subscription's confirm link rides in this
   * registration's email (subscribeWithRegistration), so the person gets one email, not two.
   */
  subscribe?: boolean;
  accessibility?: string;
  dietary?: string;
  /** Ticked the workshop's confidentiality acknowledgement. */
  acknowledged?: boolean;
  /** Opted in to the participant list. */
  listed?: boolean;
  /** How they take part in a hybrid workshop (required there, ignored elsewhere). */
  mode?: AttendanceMode;
}

/** Checks answers against the workshop's questions; unknown answers are dropped. */
export function validateAnswers(
  questions: WorkshopQuestion[],
  answers: Record<string, unknown> = {},
) {
  const clean: Record<string, string | boolean> = {};
  const errors: FieldError[] = [];
  for (const q of questions) {
    const value = answers[q.id];
    const path = `answers.${q.id}`;
    if (q.type === "checkbox") {
      const checked = value === true || value === "true" || value === "on";
      if (q.required && !checked) errors.push({ path, message: "This box must be ticked." });
      clean[q.id] = checked;
      continue;
    }
    const text = typeof value === "string" ? cleanText(value).slice(0, 2000) : "";
    if (!text) {
      if (q.required) errors.push({ path, message: "This question needs an answer." });
      continue;
    }
    if (q.type === "choice" && !q.options?.includes(text)) {
      errors.push({ path, message: "Pick one of the options." });
      continue;
    }
    clean[q.id] = text;
  }
  return { clean, errors };
}

/**
 * Where a seat move will most likely end, from the workshop's seats as the caller read them:
 * a seat while its pool has one, else the waitlist (or a refusal without one). Only a move
 * racing others for the last seats ends elsewhere.
 */
function likelyEnd(
  workshop: Workshop,
  target: Target,
  mode: AttendanceMode | null | undefined,
): RegistrationStatus | undefined {
  const ends = endsIn(target);
  if (ends.length <= 1) return ends[0];
  const { capacity, taken } = seatPool(workshop, mode ?? null);
  const likely: RegistrationStatus =
    capacity === null || taken < capacity
      ? "confirmed"
      : workshop.waitlist || "restore" in target
        ? "waitlisted"
        : "rejected";
  return ends.includes(likely) ? likely : ends[0];
}

/**
 * The email the likely end of a seat move sends (confirmed, waitlisted, …), built before the
 * move and written in its batch only if the move ended there (the row carries the move's
 * `op` and that status). A seat decision and its email are then one round trip, not two, for
 * a registration without verification and an invitation's acceptance (the verification,
 * which has not read the person, records its email by reference: ./decision-notice.ts). A
 * move that ended elsewhere (it lost a race for the last seat) gets its email afterwards:
 * `tell`.
 */
async function outcomeNotices(
  svc: Services,
  workshop: Workshop,
  person: Recipient,
  move: { op: string; target: Target },
  now: Date,
) {
  const status = likelyEnd(workshop, move.target, person.mode);
  const kind = status && NOTICE_FOR[status];
  const built =
    status && kind
      ? await buildNotice(
          svc.db,
          svc.mailer,
          svc.settings,
          workshop,
          person,
          kind,
          now,
          sql`EXISTS (SELECT 1 FROM ${registrations} WHERE ${registrations.id} = ${person.id} AND ${registrations.seatOp} = ${move.op} AND ${registrations.status} = ${status})`,
        )
      : null;
  return {
    statements: built?.statements ?? [],
    /** Tells the person where the move ended: the email written with it, or a new one. */
    async tell(ended: RegistrationStatus) {
      if (built && ended === status) return svc.mailer.enqueue([built.emailId]);
      const other = NOTICE_FOR[ended];
      if (other) await notifyOne(svc, workshop, person, other);
    },
  };
}

export async function notifyOne(
  svc: Services,
  workshop: Workshop,
  registration: Recipient,
  kind: NoticeKind,
) {
  const { db } = svc;
  const notice = await buildNotice(db, svc.mailer, svc.settings, workshop, registration, kind);
  await runBatch(db, notice.statements);
  await svc.mailer.enqueue([notice.emailId]);
}

export async function notifyPromoted(svc: Services, workshop: Workshop, promoted: string[]) {
  const { db } = svc;
  if (promoted.length === 0) return;
  const people = await registrationsById(svc, promoted);
  await sendNotices(db, svc.mailer, svc.settings, workshop, people, "promoted");
}

/**
 * A seat move (src/registrations/seats.ts) for a workshop at hand. When what the workshop's
 * public pages say of its seats changed (places left, few, waitlist, full), they are purged
 * from the page cache; a move that changes only a count leaves them (they show none), so a
 * busy registration day does not purge on every seat.
 */
export async function moveSeats(
  svc: Services,
  workshop: Workshop,
  move: Parameters<typeof applyMove>[2],
  before?: Statement[],
  recorded?: Parameters<typeof applyMove>[4],
): Promise<SeatResult> {
  const result = await applyMove(svc.db, workshop.id, move, before, recorded);
  await purgeIfSeatsShowOtherwise(svc, workshop, result);
  return result;
}

/**
 * Purges the workshop's public pages when what they say of its seats (places left, few,
 * waitlist, full) changed with a move; one that changes only a count leaves them.
 */
async function purgeIfSeatsShowOtherwise(svc: Services, workshop: Workshop, result: SeatResult) {
  if ((!result.moved && result.promoted.length === 0) || workshop.status === "draft") return;
  const now = svc.now();
  // Both from the move's own transaction: a workshop read earlier may be stale.
  const changed =
    !result.taken ||
    !result.takenBefore ||
    publicSeats({ ...workshop, ...result.takenBefore }, now) !==
      publicSeats({ ...workshop, ...result.taken }, now);
  if (changed) await svc.pages.purge(publicPathsOf(workshop));
}

/**
 * Emails an existing registrant their link, at most once every 10 minutes: where their
 * registration is or, when they had cancelled it, how to restore it.
 */
async function resendLink(
  svc: Services,
  workshop: Workshop,
  existing: Registration,
  now: Date,
  subscriptionLink?: string | null,
) {
  const { db } = svc;
  const [claimed] = await db
    .update(registrations)
    .set({ linkResentAt: now })
    .where(
      and(
        eq(registrations.id, existing.id),
        or(
          isNull(registrations.linkResentAt),
          lt(registrations.linkResentAt, new Date(now.getTime() - 10 * 60 * 1000)),
        ),
      ),
    )
    .returning({ id: registrations.id });
  if (claimed)
    await notifyOne(
      svc,
      workshop,
      { ...existing, subscriptionLink },
      restorableBy(existing, workshop, now) ? "restore_offer" : "already_registered",
    );
}

export async function getWorkshopRow(db: Db, id: string): Promise<Workshop> {
  const workshop = await db.query.workshops.findFirst({ where: (w, { eq }) => eq(w.id, id) });
  if (!workshop) throw notFound("No such workshop.");
  return workshop;
}

/** A person becoming a registration, whichever way they came in. */
export interface Admission {
  email: string;
  name: string;
  affiliation?: string | null;
  /** Already validated against the workshop's questions. */
  answers?: Record<string, string | boolean>;
  language?: Lang;
  role?: ParticipantRole;
  receiveReport?: boolean;
  /** Accessibility needs and dietary requirements (needs.ts). */
  accessibility?: string | null;
  dietary?: string | null;
  /** Set when the person acknowledged the workshop's confidentiality rule. */
  acknowledgement?: Acknowledged;
  /** Opted in to the participant list (never without their tick). */
  listed?: boolean;
  /** A hybrid workshop's pool (checked by `checkMode`); null elsewhere. */
  mode?: AttendanceMode | null;
  source: "public" | "organiser" | "invitation";
}

export interface Acknowledged {
  at: Date;
  /** Which wording: src/workshops/confidentiality.ts `wordingHash`. */
  hash: string;
}

export const MODE_MISSING: FieldError = {
  path: "mode",
  message: "Choose how you will take part: in person or online.",
};

/**
 * The pool a registrant of a hybrid workshop chose, checked: a field error when they chose
 * none, a conflict when that pool is full and keeps no waitlist. Elsewhere there is one pool,
 * and any mode given is ignored (null).
 */
export function checkMode(
  workshop: Workshop,
  mode: AttendanceMode | undefined | null,
  now: Date,
): { mode: AttendanceMode | null; error?: FieldError } {
  if (workshop.attendance !== "hybrid") return { mode: null };
  if (!mode) return { mode: null, error: MODE_MISSING };
  if (seatState(workshop, now, mode).kind === "full")
    throw conflict(
      mode === "online"
        ? "The online places are taken: choose to come in person."
        : "The places in the room are taken: choose to take part online.",
    );
  return { mode };
}

export const ACKNOWLEDGEMENT_MISSING: FieldError = {
  path: "acknowledged",
  message: "Tick the box to accept the workshop's confidentiality rule.",
};

/**
 * The acknowledgement a registrant gives, checked against the workshop: undefined when they
 * gave none the workshop needs not, a field error when it needs one they did not give.
 */
export async function checkAcknowledgement(
  workshop: Workshop,
  lang: Lang,
  ticked: boolean | undefined,
  now: Date,
): Promise<{ acknowledgement?: Acknowledged; error?: FieldError }> {
  const result = await acknowledgement(workshop, lang, ticked === true, now);
  if (!result.ok) return { error: ACKNOWLEDGEMENT_MISSING };
  return result.acknowledgedAt && result.acknowledgedHash
    ? { acknowledgement: { at: result.acknowledgedAt, hash: result.acknowledgedHash } }
    : {};
}

/**
 * The workshop's key to seal a new person's data with. A workshop whose key was destroyed
 * (purged, or erased early by an owner) takes nobody new: there is nothing to seal them with.
 */
export async function sealingKey(svc: Services, workshop: Workshop): Promise<DataKey> {
  const key = await svc.vault.workshopToSeal(workshop.id);
  if (!key) throw conflict("This workshop's personal data was erased; it takes no new people.");
  return key;
}

/**
 * The insert of a new registration, sealed under the workshop's key; does nothing when the
 * address is already registered (the unique blind index of the address in the workshop).
 */
async function registrationInsert(
  svc: Services,
  key: DataKey,
  id: string,
  workshop: Workshop,
  person: Admission,
) {
  const sealed = await sealPerson(key, id, {
    email: person.email,
    name: cleanText(person.name),
    affiliation: person.affiliation ? cleanText(person.affiliation) : null,
    answers: person.answers ?? {},
    ...cleanNeeds(person),
  });
  // Wrapped: a query builder is a thenable, and an async function would run it on return.
  const { emailIndex } = sealed;
  const query = svc.db
    .insert(registrations)
    .values({
      id,
      workshopId: workshop.id,
      ...sealed,
      language: person.language ?? workshop.language,
      receiveReport: person.receiveReport ?? true,
      acknowledgedAt: person.acknowledgement?.at ?? null,
      acknowledgedHash: person.acknowledgement?.hash ?? null,
      listed: person.listed === true,
      mode: workshop.attendance === "hybrid" ? (person.mode ?? null) : null,
      role: person.role ?? "participant",
      status: "pending_verification",
      source: person.source,
    })
    .onConflictDoNothing();
  return { query, emailIndex };
}

/** Who was admitted, and to what. */
export interface Admitted {
  id: string;
  status: RegistrationStatus;
}

/**
 * The one way a person gets a registration with a seat decision: the insert, the seat
 * (or waitlist place, or approval queue) and the `alongside` statements (audit rows, an
 * invitation's acceptance) commit in one batch; then the person is told. When the address
 * is already registered the insert does nothing, nobody moves, and `admitted` is null.
 */
export async function admit(
  svc: Services,
  workshop: Workshop,
  person: Admission,
  options: {
    approvalFirst: boolean;
    /** Whose address is already proven (an invitation): recorded as verified now. */
    verified?: boolean;
    /** A condition the admission needs at the moment it happens (the invitation still open). */
    onlyIf?: SQL;
    /**
     * Statements for the same batch, given the new registration's id and a condition that
     * holds only if it was admitted: audit rows, the invitation's acceptance.
     */
    alongside?: (registrationId: string, admitted: SQL) => Statement[];
    notify?: boolean;
    /** A newsletter confirm link for the admission's email (see RegistrationInput). */
    subscriptionLink?: string | null;
    now: Date;
  },
): Promise<Admitted | null> {
  const { db } = svc;
  const id = newId("reg");
  const { now } = options;
  const { query: insert, emailIndex } = await registrationInsert(
    svc,
    await sealingKey(svc, workshop),
    id,
    workshop,
    person,
  );
  const op = newId("op");
  const target: Target = { seatOrWaitlist: true, approvalFirst: options.approvalFirst };
  // Told from what is being sealed: reading the row back and opening it would cost a round
  // trip on every registration.
  const told = {
    id,
    email: normaliseEmail(person.email),
    emailIndex,
    name: cleanText(person.name),
    language: person.language ?? workshop.language,
    mode: workshop.attendance === "hybrid" ? (person.mode ?? null) : null,
    subscriptionLink: options.subscriptionLink,
  };
  const notices =
    options.notify === false
      ? null
      : await outcomeNotices(svc, workshop, told, { op, target }, now);
  const result = await moveSeats(
    svc,
    workshop,
    {
      registrationId: id,
      from: ["pending_verification"],
      target,
      now,
      set: options.verified ? sql`verified_at = ${now.getTime()}` : undefined,
      onlyIf: options.onlyIf,
      op,
    },
    [insert],
    (admitted) => [
      ...(options.alongside?.(id, admitted) ?? []),
      // Refused by `onlyIf`: the row inserted for the attempt goes again, in the same batch.
      ...(options.onlyIf
        ? [db.delete(registrations).where(and(eq(registrations.id, id), sql`NOT ${admitted}`))]
        : []),
      ...(notices?.statements ?? []),
    ],
  );
  if (!result.moved) return null;
  const { status } = result.moved;
  await notices?.tell(status);
  await notifyPromoted(svc, workshop, result.promoted);
  return { id, status };
}

/** Runs work after the HTTP answer is sent (the Worker's `waitUntil`). */
export type AfterAnswer = (work: () => Promise<void>) => undefined | Promise<void>;

/** A registration on a held copy of its workshop did not happen: decide it on a fresh read. */
class DecideAfresh extends Error {}

type RegisterOutcome = { verification: true } | { verification: false; status: RegistrationStatus };

/**
 * The public registration. It answers the same whoever the address belongs to: with
 * verification always "pending_verification"; without it, the status a new registrant gets
 * (an address already registered hears what it would have heard as new, and nothing
 * changes). The email tells a new registrant to confirm and an existing one where their
 * registration is. One registration per address per workshop, whatever the concurrency
 * (unique index + ON CONFLICT DO NOTHING).
 */
export async function register(
  svc: Services,
  workshop: Workshop,
  input: RegistrationInput,
  now = new Date(),
  options: {
    /** The copy of the workshop this is decided on, when not a fresh read (registerBySlug). */
    held?: HeldWorkshop;
    /** Where the work for an address already registered runs: after the answer. */
    after?: AfterAnswer;
  } = {},
): Promise<RegisterOutcome> {
  const { held } = options;
  const { db } = svc;
  // Every refusal (closed, full, invalid answers, no key to seal with) is decided here,
  // before anything is written; on a held copy it is decided again on a fresh read.
  const check = async () => {
    const state = seatState(workshop, now);
    if (state.kind === "closed") {
      throw conflict(
        state.reason === "invitation_only"
          ? "This workshop is by invitation only."
          : "Registration for this workshop is closed.",
      );
    }
    if (state.kind === "full") throw conflict("This workshop is full.");
    const { clean, errors } = validateAnswers(workshop.questions, input.answers);
    // In the same round as the answers: one list of everything to fix.
    const ack = await checkAcknowledgement(
      workshop,
      input.language ?? workshop.language,
      input.acknowledged,
      now,
    );
    if (ack.error) errors.push(ack.error);
    const chosen = checkMode(workshop, input.mode, now);
    if (chosen.error) errors.push(chosen.error);
    if (errors.length) throw invalid("Some answers are missing or invalid.", errors);
    return { clean, ack, chosen, key: await sealingKey(svc, workshop) };
  };
  const { clean, ack, chosen, key } = held
    ? await check().catch((error) => {
        throw error instanceof AppError ? new DecideAfresh() : error;
      })
    : await check();

  // Written only while the copy is still true: checked in the write batch.
  const onlyIf = held ? stillTrue(held, chosen.mode) : undefined;
  const { acknowledged: _ticked, ...given } = input;
  const person: Admission = {
    ...given,
    mode: chosen.mode,
    answers: clean,
    acknowledgement: ack.acknowledgement,
    source: "public",
  };
  const emailIndex = await addressIndex(key, input.email);
  // Asked for only once the registration is known to be taken in: a refused one leaves no
  // subscription behind that was never offered for confirmation.
  const subscriptionLink = input.subscribe
    ? await subscribeWithRegistration(
        svc,
        { email: input.email, name: input.name, language: person.language ?? workshop.language },
        now,
      )
    : null;
  const existing = async () => {
    const row = await db.query.registrations.findFirst({
      where: and(
        eq(registrations.workshopId, workshop.id),
        eq(registrations.emailIndex, emailIndex),
      ),
    });
    return row && openRegistration(key, row);
  };
  // An address already registered gets its link again; done after the answer when the
  // caller can (`after`), so how long the answer took says nothing about the address.
  const tellKnown = async () => {
    const known = await existing();
    if (known) await resendLink(svc, workshop, known, now, subscriptionLink);
  };
  const thenTellKnown = () => (options.after ? options.after(tellKnown) : tellKnown());

  if (workshop.requireVerification) {
    // One write: the registration and, if it was new, the email asking to confirm it. The
    // address and name are the ones being sealed: nothing to read back and open.
    const id = newId("reg");
    const { query } = await registrationInsert(svc, key, id, workshop, person);
    const notice = await buildNotice(
      db,
      svc.mailer,
      svc.settings,
      workshop,
      {
        id,
        email: normaliseEmail(input.email),
        emailIndex,
        name: cleanText(input.name),
        language: person.language ?? workshop.language,
        subscriptionLink,
      },
      "verify",
      now,
      sql`EXISTS (SELECT 1 FROM ${registrations} WHERE ${registrations.id} = ${id})`,
    );
    const [inserted, ...rest] = await runBatch(db, [
      query.returning({ id: registrations.id }),
      // On a copy of the workshop no longer true, the row goes again before the email's
      // condition reads it: nothing is written.
      // Whether the copy held: an address already registered inserts nothing either way,
      // and on a copy still true is answered from it, like a new one.
      ...(onlyIf
        ? [
            db.delete(registrations).where(and(eq(registrations.id, id), sql`NOT ${onlyIf}`)),
            allInBatch<{ still: number }>(db, sql`SELECT ${onlyIf} AS still`),
          ]
        : []),
      ...notice.statements,
    ]);
    if (onlyIf && !(rest[1] as { still: number }[])[0]?.still) throw new DecideAfresh();
    // A new address's email is enqueued after the answer too (its row is written; the cron
    // resumes one whose enqueue is lost), so a known address is not answered sooner.
    if (inserted.length > 0) {
      const enqueue = () => svc.mailer.enqueue([notice.emailId]);
      await (options.after ? options.after(enqueue) : enqueue());
    } else await thenTellKnown();
    return { verification: true };
  }

  const created = await admit(svc, workshop, person, {
    approvalFirst: workshop.registrationMode === "approval",
    subscriptionLink,
    onlyIf,
    now,
  });
  if (created) return { verification: false, status: created.status };
  // Nothing moved: the address is already registered or, on a copy, the copy was not true.
  if (held) throw new DecideAfresh();
  await thenTellKnown();
  // Whoever typed the address may not be its owner: they hear what a new registrant would
  // have heard at this moment, never the registration's own status (which the owner reads
  // behind the link just emailed to them). Nothing changes for the registration.
  return {
    verification: false,
    status:
      workshop.registrationMode === "approval"
        ? "pending_approval"
        : seatState(workshop, now, person.mode ?? undefined).kind === "waitlist_open"
          ? "waitlisted"
          : "confirmed",
  };
}

/**
 * The public registration, by the workshop's slug. On a copy of the workshop the isolate
 * read moments ago (../workshops/held.ts) the write is made only if the copy is still true,
 * which spares a registration its read; anything else than a registration taken in on the
 * copy (a refusal, an address already registered, a changed workshop) is decided again on a
 * fresh read, exactly as without the copy, so nobody hears an answer from a stale one.
 */
export async function registerBySlug(
  svc: Services,
  slug: string,
  input: RegistrationInput,
  { now = new Date(), after }: { now?: Date; after?: AfterAnswer } = {},
): Promise<RegisterOutcome> {
  // Not with "also subscribe": the subscription is made before the write, and one made on a
  // copy found changed would outlive the registration a fresh read then refuses.
  const copy = input.subscribe ? null : heldWorkshop(svc, slug, now.getTime());
  if (copy) {
    try {
      return await register(svc, copy.workshop, input, now, { held: copy, after });
    } catch (error) {
      // Refusals and changed copies are decided again (`register` throws DecideAfresh only
      // before anything is written, or when its batch wrote nothing); any other failure
      // is not retried here, as without the copy.
      if (!(error instanceof DecideAfresh)) throw error;
      letGo(slug, copy);
      svc.vault.forget(workshopKeyName(copy.workshop.id));
    }
  }
  const fresh = await readWorkshop(svc, slug, now.getTime());
  if (!fresh) throw notFound("No such workshop.");
  return register(svc, fresh.workshop, input, now, { after });
}

/**
 * The registration (opened) and workshop a link names, or null when the link is not genuine,
 * has expired, or names a person who is gone (./read.ts).
 */
export async function findByToken(
  svc: Pick<Services, "db" | "vault" | "settings">,
  token: string,
): Promise<{ registration: Registration; workshop: Workshop } | null> {
  const id = await resolveToken(svc.db, svc.settings.tokenSecret, "registration", token);
  return id ? findById(svc, id) : null;
}

async function byTokenOrThrow(svc: Pick<Services, "db" | "vault" | "settings">, token: string) {
  const found = await findByToken(svc, token);
  if (!found) throw notFound(LINK_INVALID);
  return found;
}

/** What a link that is not genuine, has expired or names someone gone is told. */
const LINK_INVALID = "This link is not valid, or has expired.";

/**
 * The move of a verification holds only while the person can still be written to (not
 * erased, the workshop's key not destroyed: its row a tombstone) and the workshop goes
 * ahead: checked in the move's own statement, since the verification has not read anything
 * before its batch.
 */
const verifiable = sql`(${reachable(sql.raw("registrations.email"))}
  AND (SELECT w.status != 'cancelled' FROM workshops w WHERE w.id = registrations.workshop_id)
  AND NOT EXISTS (SELECT 1 FROM data_keys k
    WHERE k.name = 'workshop:' || registrations.workshop_id AND k.wrapped IS NULL))`;

/**
 * The POST behind the verification link: the seat decision, in one batch and one D1 round
 * trip. The batch reads the registration and its workshop, moves the seat (only from pending
 * verification, approval first where the workshop asks for it, a seat if one is free, else
 * the waitlist), and records the email by reference (./decision-notice.ts): the consumer
 * writes it. The answer is the read's, for what did not move. Idempotent: a second verify
 * returns the status.
 */
export async function verify(
  svc: Services,
  token: string,
  { now = new Date(), after }: { now?: Date; after?: AfterAnswer } = {},
): Promise<RegistrationStatus> {
  const { db } = svc;
  const id = await resolveToken(db, svc.settings.tokenSecret, "registration", token);
  if (!id) throw notFound(LINK_INVALID);
  const op = newId("op");
  const notice = decisionNoticeInsert(db, { registrationId: id, op, now });
  const result = await applyMove(
    db,
    sql`(SELECT ${registrations.workshopId} FROM ${registrations} WHERE ${registrations.id} = ${id})`,
    {
      registrationId: id,
      from: ["pending_verification"],
      target: { seatOrWaitlist: true, approvalFirst: "as-the-workshop-asks" },
      now,
      set: sql`verified_at = ${now.getTime()}`,
      onlyIf: verifiable,
      op,
    },
    registrationReads(db, id),
    () => [notice.query],
  );
  // What the batch read before the move, the same snapshot the move saw.
  const [row, keyRows] = result.before;
  // Gone: erased or purged (a marker for an address), or the workshop's key destroyed (a
  // tombstone: no wrapped value). No key row at all is a key never made: nothing is sealed.
  const key = keyRows[0];
  if (!row || isForgotten(row.email) || (key && !key.wrapped)) throw notFound(LINK_INVALID);
  if (row.status !== "pending_verification") return row.status;
  if (row.workshop.status === "cancelled") throw conflict("This workshop was cancelled.");
  // The read and the move saw one snapshot: a pending registration of a workshop that goes
  // ahead always moves somewhere (a seat, the waitlist, the approval queue or rejected).
  if (!result.moved) throw new Error(`verification of ${id} moved nothing`);
  await (after ?? ((work) => work()))(() => svc.mailer.enqueue([notice.id]));
  await purgeIfSeatsShowOtherwise(svc, row.workshop, result);
  return result.moved.status;
}

/** The participant cancels (or leaves the waitlist). The seat passes to the next in line. */
export async function cancelByToken(
  svc: Services,
  token: string,
  now = new Date(),
): Promise<RegistrationStatus> {
  const { db } = svc;
  const { registration, workshop } = await byTokenOrThrow(svc, token);
  if (registration.status === "cancelled") return "cancelled";
  const result = await moveSeats(svc, workshop, {
    registrationId: registration.id,
    from: statusesFrom(REGISTRATION_TRANSITIONS, "cancelled"),
    target: { to: "cancelled" },
    now,
    set: sql`cancelled_by = 'participant'`,
  });
  if (!result.moved) {
    const current = (await db.query.registrations.findFirst({
      where: eq(registrations.id, registration.id),
    }))!;
    if (current.status === "cancelled") return "cancelled";
    throw conflict(
      `A registration that is ${current.status.replace("_", " ")} cannot be cancelled.`,
    );
  }
  await notifyOne(svc, workshop, registration, "cancelled");
  await notifyPromoted(svc, workshop, result.promoted);
  return "cancelled";
}

/**
 * Whether a cancellation can still be undone: the workshop goes ahead and has not begun.
 * Whether a place is free is decided by the seat engine at the moment of the restore.
 */
export function restorable(workshop: Workshop, now: Date): boolean {
  return workshop.status !== "cancelled" && now < workshop.startsAt;
}

/**
 * Whether this person may undo this cancellation themselves: their own, not the organisers'
 * (someone an organiser took off a closed room's list does not put themselves back), while
 * the workshop is still restorable.
 */
export function restorableBy(
  registration: Pick<Registration, "status" | "cancelledBy">,
  workshop: Workshop,
  now: Date,
): boolean {
  return (
    registration.status === "cancelled" &&
    registration.cancelledBy !== "organiser" &&
    restorable(workshop, now)
  );
}

/** The refusal of a restore the organisers' cancellation stands against. */
export const ORGANISERS_CANCELLED =
  "The organisers cancelled this registration; write to them if you think it is a mistake.";

/**
 * The participant undoes their cancellation: a seat if one is free at that moment, else the
 * end of the waitlist (when the workshop keeps one), decided in the seat engine's one
 * statement so that two restores for the last seat never both get it. Someone who left the
 * approval queue (or never verified) of an approval-mode workshop goes back to the queue.
 * Returns the registration's new status; a registration that is not cancelled is left as it
 * is and its status returned.
 */
export async function restoreByToken(
  svc: Services,
  token: string,
  now = new Date(),
): Promise<{ status: RegistrationStatus; waitlistPosition: number | null }> {
  const { db } = svc;
  const { registration, workshop } = await byTokenOrThrow(svc, token);
  const current = () =>
    db.query.registrations.findFirst({
      where: eq(registrations.id, registration.id),
      columns: { status: true, waitlistPosition: true, cancelledBy: true },
    });
  if (registration.status !== "cancelled")
    return { status: registration.status, waitlistPosition: registration.waitlistPosition };
  if (registration.cancelledBy === "organiser") throw conflict(ORGANISERS_CANCELLED);
  if (!restorable(workshop, now))
    throw conflict(
      "This registration can no longer be restored: the workshop has begun or was cancelled.",
    );
  const approvalFirst =
    workshop.registrationMode === "approval" &&
    (registration.previousStatus === "pending_approval" ||
      registration.previousStatus === "pending_verification");
  const result = await moveSeats(svc, workshop, {
    registrationId: registration.id,
    from: ["cancelled"],
    target: { restore: true, approvalFirst },
    now,
    // Verified by the link in hand; a place on the waitlist is a new one, promotable again.
    set: sql`promoted_at = NULL, verified_at = COALESCE(verified_at, ${now.getTime()})`,
    // Never over the organisers' cancellation, even one made a moment ago; and without a
    // waitlist, a full workshop keeps the registration cancelled.
    onlyIf: approvalFirst
      ? sql`registrations.cancelled_by IS NOT 'organiser'`
      : sql`(registrations.cancelled_by IS NOT 'organiser' AND (SELECT w.waitlist = 1 OR ${seatFree}
          FROM workshops w WHERE w.id = registrations.workshop_id))`,
  });
  if (!result.moved) {
    const latest = (await current())!;
    // Another restore of the same registration won the race: report what it decided.
    if (latest.status !== "cancelled") return latest;
    if (latest.cancelledBy === "organiser") throw conflict(ORGANISERS_CANCELLED);
    throw conflict("No place is free any more, and this workshop has no waitlist.");
  }
  const kind = NOTICE_FOR[result.moved.status];
  if (kind) await notifyOne(svc, workshop, registration, kind);
  return (await current())!;
}
