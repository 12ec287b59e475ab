// Every table, in one place. Times are UTC instants stored as integer milliseconds
// (drizzle's timestamp_ms mode gives Date objects). Secrets are stored only as SHA-256 hashes.

import { relations, sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import type { EmailBrand } from "../brand/brand";
import { DEFAULT_LANG, LANGS, type Lang } from "../i18n";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

// ---------------------------------------------------------------- organisers and sign-in

export const organisers = sqliteTable("organisers", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  role: text("role", { enum: ["owner", "organiser", "door"] }).notNull(),
  /** The language of this organiser's admin pages and sign-in emails, their own choice. */
  language: text("language", { enum: LANGS }).notNull().default(DEFAULT_LANG),
  disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
  lastSignInAt: integer("last_sign_in_at", { mode: "timestamp_ms" }),
  createdAt: createdAt(),
});

export const signInLinks = sqliteTable(
  "sign_in_links",
  {
    id: text("id").primaryKey(),
    organiserId: text("organiser_id")
      .notNull()
      .references(() => organisers.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [index("sign_in_links_expires").on(t.expiresAt)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    // null: a session opened with ADMIN_TOKEN (the built-in owner).
    organiserId: text("organiser_id").references(() => organisers.id, { onDelete: "cascade" }),
    // For the built-in owner's sessions: the ADMIN_TOKEN they were opened with, as its
    // fingerprint (src/organisers/service.ts). Rotating ADMIN_TOKEN ends them.
    adminTokenFingerprint: text("admin_token_fingerprint"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_expires").on(t.expiresAt)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    // null: created by the built-in owner (ADMIN_TOKEN); acts with the owner role.
    organiserId: text("organiser_id").references(() => organisers.id, { onDelete: "cascade" }),
    // For the built-in owner's tokens: the fingerprint of the ADMIN_TOKEN that created them.
    // Rotating ADMIN_TOKEN ends them.
    adminTokenFingerprint: text("admin_token_fingerprint"),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    // The first characters, so people can tell their tokens apart without the secret.
    hint: text("hint").notNull(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [index("api_tokens_organiser").on(t.organiserId)],
);

// ---------------------------------------------------------------- audit

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    createdAt: createdAt(),
    actorType: text("actor_type", {
      enum: ["admin_token", "organiser", "api_token", "system", "public"],
    }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    // The workshop the action concerns, whatever its target (the workshop itself, one of
    // its registrations or invitations, a report or distribution to its attendees), so
    // "everything that happened around this workshop" is one indexed filter. No foreign
    // key: the log outlives what it records.
    workshopId: text("workshop_id"),
    // Counts and identifiers only; never personal data.
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index("audit_log_created").on(t.createdAt),
    index("audit_log_workshop").on(t.workshopId, t.createdAt),
    index("audit_log_actor").on(t.actorId, t.createdAt),
  ],
);

// ---------------------------------------------------------------- data keys

/**
 * Data keys (src/vault/keys.ts): `workshop:<id>` seals everything personal about that
 * workshop's people; `subscribers` seals subscribers' fields and keys the address index
 * that subscribers and suppressions share. Each is stored only sealed under the master key
 * (DATA_KEY), whose fingerprint is beside it. A destroyed key keeps its row with `wrapped`
 * cleared, so it is never made again.
 */
export const dataKeys = sqliteTable("data_keys", {
  name: text("name").primaryKey(),
  wrapped: text("wrapped"),
  masterFingerprint: text("master_fingerprint"),
  destroyedAt: integer("destroyed_at", { mode: "timestamp_ms" }),
  createdAt: createdAt(),
});

// ---------------------------------------------------------------- mail

export interface StoredAttachment {
  filename: string;
  contentType: string;
  /** base64 */
  content: string;
}

/** A value put where its placeholder stands in a rendered email (src/mail/render.ts). */
export type SlotValue =
  /** Text: escaped in the HTML part, as it is in the text part. */
  | string
  /** A QR code of this text: a table in the HTML part, nothing in the text part. */
  | { qr: string };

/** A calendar file the consumer builds when it renders the email (src/lib/ics.ts). */
export interface CalendarAttachmentSpec {
  filename: string;
  method: "publish" | "request" | "cancel";
  /** DTSTAMP, fixed when the email is recorded, so every render of it is the same file. */
  stamp: string;
  events: {
    uid: string;
    sequence: number;
    title: string;
    description?: string;
    start: string;
    end: string;
    location?: string | null;
    url?: string;
    cancelled?: boolean;
  }[];
}

/**
 * What the consumer renders an outbox email from: the template's props (the same for every
 * recipient of a message in one language, with placeholders), each placeholder's value for
 * this recipient, and the files to attach. Holds links with tokens: personal data.
 */
export interface EmailContent {
  props: unknown;
  slots?: Record<string, SlotValue>;
  attachments?: CalendarAttachmentSpec[];
}

/** The outbox: one row per transactional email to send. The queue carries only its id. */
export const emails = sqliteTable(
  "emails",
  {
    id: text("id").primaryKey(),
    // Plain while the email awaits sending; sealed under `keyName` once it is final.
    to: text("to_address").notNull(),
    /** The data key of the person it is about (src/vault/keys.ts); null: an organiser's email. */
    keyName: text("key_name"),
    /** The recipient's address index under that key, so erasure finds the row once sealed. */
    toIndex: text("to_index"),
    subject: text("subject").notNull(),
    // What to render, for an email the consumer renders (every email recorded since
    // templates moved to the consumer): the template's name (emails/index.ts) and what it is
    // rendered from, in one column a purge can clear.
    template: text("template"),
    props: text("props", { mode: "json" }).$type<EmailContent>(),
    // The rendered parts: empty until the consumer stores its render, which it does only
    // when a send is to be retried, so that every retry sends the same bytes. Rows with no
    // template (recorded before) were rendered when recorded.
    html: text("html").notNull(),
    text: text("text").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    attachments: text("attachments", { mode: "json" }).$type<StoredAttachment[]>().notNull(),
    // What the email is for (sign-in, confirmation, …): for the mailbox and for metrics.
    kind: text("kind").notNull(),
    status: text("status", { enum: ["queued", "sent", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    providerId: text("provider_id"),
    // When the queue should next deliver it (now, or after a retry delay). A queued row
    // still waiting well past this lost its message; the sweeper enqueues it again.
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    // Every index is written again for each email recorded (D1 bills index writes as rows):
    // the provider id is indexed only once there is one; the purge and erasure that look
    // emails up by key (`key_name`, `to_index`) are rare enough to scan the 30 days kept.
    index("emails_status_next_attempt").on(t.status, t.nextAttemptAt),
    index("emails_provider").on(t.providerId).where(sql`${t.providerId} IS NOT NULL`),
  ],
);

/** The dev mailbox: what the dev transport "delivered". One row per idempotency key. */
export const mailboxMessages = sqliteTable(
  "mailbox_messages",
  {
    id: text("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull(),
    to: text("to_address").notNull(),
    from: text("from_address").notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    /** Kept whole, like a recipient's copy: the dev mailbox is local-only and purged after 30 days. */
    attachments: text("attachments", { mode: "json" }).$type<StoredAttachment[]>().notNull(),
    /** What the email is for (`sign-in`, `report`, …): sign-in emails are shown to their recipient only. */
    kind: text("kind").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("mailbox_idempotency").on(t.idempotencyKey, t.to),
    index("mailbox_to_created").on(t.to, t.createdAt),
    index("mailbox_created").on(t.createdAt),
  ],
);

/**
 * The provider's sending rate, shared by every consumer invocation: per provider account,
 * the earliest moment (ms, D1's clock) the next call may start. One conditional upsert per
 * provider call hands out the slots (src/mail/pacing.ts).
 */
export const providerPacing = sqliteTable("provider_pacing", {
  /** `resend:` and a hash of the API base URL and key: never the key itself. */
  account: text("account").primaryKey(),
  nextAt: integer("next_at").notNull(),
});

// ---------------------------------------------------------------- workshops

export interface WorkshopQuestion {
  id: string;
  label: string;
  type: "text" | "choice" | "checkbox";
  required: boolean;
  /** For `choice`: the options offered. */
  options?: string[];
}

/** A workshop's own email wording by language and email (src/workshops/email-texts.ts). */
export type EmailTexts = Partial<
  Record<Lang, Partial<Record<"confirmed" | "reminder" | "invitation", string>>>
>;

/** A workshop's confidentiality wording by language (src/workshops/confidentiality.ts). */
export type Confidentiality = Partial<Record<Lang, string>>;

/** How a workshop is attended; "hybrid" is both, with separate seats. */
export const ATTENDANCE = ["in_person", "online", "hybrid"] as const;
/** The pools of seats of a hybrid workshop. */
export const ATTENDANCE_MODES = ["in_person", "online"] as const;

export const workshops = sqliteTable(
  "workshops",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    startsAt: integer("starts_at", { mode: "timestamp_ms" }).notNull(),
    endsAt: integer("ends_at", { mode: "timestamp_ms" }).notNull(),
    timezone: text("timezone").notNull(),
    venueName: text("venue_name"),
    venueAddress: text("venue_address"),
    venueCity: text("venue_city"),
    onlineUrl: text("online_url"),
    /** Venue details and the online link only for confirmed participants. */
    locationPrivate: integer("location_private", { mode: "boolean" }).notNull().default(false),
    /**
     * Hours before the start when confirmed participants learn the venue (a private venue
     * only); null: with their confirmation.
     */
    venueRevealHours: integer("venue_reveal_hours"),
    /** When the reveal cron bumped calendarSequence for this reveal; null: not yet. */
    venueRevealedAt: integer("venue_revealed_at", { mode: "timestamp_ms" }),
    /**
     * Whom participants write to with questions: shown on their page and in their emails.
     * The organiser's own work contact, not a participant's data: not sealed.
     */
    contactName: text("contact_name"),
    contactEmail: text("contact_email"),
    /**
     * How people take part. "hybrid" keeps two pools of seats: `capacity` for those who come in
     * person and `onlineCapacity` for those online, each with its own waitlist
     * (docs/workshops.md#hybrid-workshops-two-pools-of-seats).
     */
    attendance: text("attendance", { enum: ATTENDANCE }).notNull().default("in_person"),
    /** null: unlimited. In a hybrid workshop, the in-person seats. */
    capacity: integer("capacity"),
    /** A hybrid workshop's online seats; null: unlimited. Unused otherwise. */
    onlineCapacity: integer("online_capacity"),
    waitlist: integer("waitlist", { mode: "boolean" }).notNull().default(true),
    registrationMode: text("registration_mode", {
      enum: ["open", "approval", "invitation"],
    }).notNull(),
    requireVerification: integer("require_verification", { mode: "boolean" })
      .notNull()
      .default(true),
    registrationOpensAt: integer("registration_opens_at", { mode: "timestamp_ms" }),
    registrationClosesAt: integer("registration_closes_at", { mode: "timestamp_ms" }),
    language: text("language", { enum: LANGS }).notNull().default(DEFAULT_LANG),
    questions: text("questions", { mode: "json" }).$type<WorkshopQuestion[]>().notNull(),
    /** Days after the workshop ends before its personal data is erased. */
    retentionDays: integer("retention_days").notNull().default(365),
    /** Hours before the start when confirmed participants get a reminder; null: none. */
    reminderHours: integer("reminder_hours").default(24),
    /** Days after an invitation is sent when unanswered invitees are reminded, e.g. [3, 7]. */
    invitationReminderDays: text("invitation_reminder_days", { mode: "json" })
      .$type<number[]>()
      .notNull(),
    /**
     * The organiser's own wording for the confirmation, reminder and invitation emails, per
     * language (src/workshops/email-texts.ts); null: the default wording everywhere.
     */
    emailTexts: text("email_texts", { mode: "json" }).$type<EmailTexts>(),
    /**
     * A rule the workshop asks registrants to accept (the Chatham House Rule, no recording),
     * in the organiser's words per language; null: none. Shown on the public page.
     */
    confidentiality: text("confidentiality", { mode: "json" }).$type<Confidentiality>(),
    /** Registration needs a ticked acknowledgement of `confidentiality`. */
    confidentialityRequired: integer("confidentiality_required", { mode: "boolean" })
      .notNull()
      .default(false),
    status: text("status", { enum: ["draft", "published", "cancelled"] }).notNull(),
    /** Seats taken (confirmed + attended), kept in step in the same batch as every seat change. */
    confirmedCount: integer("confirmed_count").notNull().default(0),
    /** Last waitlist position handed out; positions come from here, never from timestamps. */
    waitlistSeq: integer("waitlist_seq").notNull().default(0),
    /** The same two counters for a hybrid workshop's online seats and waitlist. */
    onlineConfirmedCount: integer("online_confirmed_count").notNull().default(0),
    onlineWaitlistSeq: integer("online_waitlist_seq").notNull().default(0),
    /** Bumped on every change that calendar files show (SEQUENCE in .ics). */
    calendarSequence: integer("calendar_sequence").notNull().default(0),
    purgedAt: integer("purged_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("workshops_status_starts").on(t.status, t.startsAt)],
);

/**
 * A workshop's team: who, besides owners, may act on it. `organiser` members manage it and
 * its people; `door` members only check people in. Everyone else gets a 404 for it.
 */
export const WORKSHOP_MEMBER_ROLES = ["organiser", "door"] as const;

export const workshopMembers = sqliteTable(
  "workshop_members",
  {
    workshopId: text("workshop_id")
      .notNull()
      .references(() => workshops.id, { onDelete: "cascade" }),
    organiserId: text("organiser_id")
      .notNull()
      .references(() => organisers.id, { onDelete: "cascade" }),
    role: text("role", { enum: WORKSHOP_MEMBER_ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workshopId, t.organiserId] }),
    // "Which workshops is this person on?" for every list an organiser sees.
    index("workshop_members_organiser").on(t.organiserId),
  ],
);

export const REGISTRATION_STATUSES = [
  "pending_verification",
  "pending_approval",
  "confirmed",
  "waitlisted",
  "attended",
  "cancelled",
  "rejected",
] as const;

export const PARTICIPANT_ROLES = [
  "participant",
  "speaker",
  "moderator",
  "press",
  "observer",
  "staff",
] as const;

export const registrations = sqliteTable(
  "registrations",
  {
    id: text("id").primaryKey(),
    workshopId: text("workshop_id")
      .notNull()
      .references(() => workshops.id, { onDelete: "cascade" }),
    // Email, name, affiliation, answers (JSON), notes and needs are sealed under the workshop's data
    // key (src/registrations/sealed.ts); a forgotten address is a marker (src/lib/forgotten.ts).
    email: text("email").notNull(),
    /** The address's blind index under the workshop's key: one registration per address. */
    emailIndex: text("email_index"),
    name: text("name").notNull(),
    affiliation: text("affiliation"),
    answers: text("answers").notNull(),
    language: text("language", { enum: ["en", "ar"] }).notNull(),
    receiveReport: integer("receive_report", { mode: "boolean" }).notNull().default(true),
    status: text("status", { enum: REGISTRATION_STATUSES }).notNull(),
    /** The status before the last change: lets one batch adjust the seat counter. */
    previousStatus: text("previous_status", { enum: REGISTRATION_STATUSES }),
    /**
     * Who cancelled, when the registration was last cancelled: only a participant's own
     * cancellation can be undone by them (an organiser's decision stands). Null on rows
     * cancelled before this was recorded (migration 0035 fills it from the audit log).
     */
    cancelledBy: text("cancelled_by", { enum: ["participant", "organiser"] }),
    /** Marks the rows one seat operation changed, so the counter update can find them. */
    seatOp: text("seat_op"),
    /**
     * In a hybrid workshop, which pool of seats the person is in; null elsewhere (one pool),
     * and counted as in person. `previousMode` is the mode before the last seat operation,
     * so a move between pools adjusts both counters in its batch.
     */
    mode: text("mode", { enum: ATTENDANCE_MODES }),
    previousMode: text("previous_mode", { enum: ATTENDANCE_MODES }),
    role: text("role", { enum: PARTICIPANT_ROLES }).notNull().default("participant"),
    notes: text("notes"),
    /**
     * What the person needs to take part (access, diet), sealed like their name: for the
     * workshop's organisers only, out of exports unless asked for (docs/workshops.md).
     */
    accessibility: text("accessibility"),
    dietary: text("dietary"),
    source: text("source", { enum: ["public", "invitation", "organiser"] }).notNull(),
    waitlistPosition: integer("waitlist_position"),
    verifiedAt: integer("verified_at", { mode: "timestamp_ms" }),
    promotedAt: integer("promoted_at", { mode: "timestamp_ms" }),
    checkedInAt: integer("checked_in_at", { mode: "timestamp_ms" }),
    reminderSentAt: integer("reminder_sent_at", { mode: "timestamp_ms" }),
    /** When an email with a time-gated venue went to this participant: the reveal is sent once. */
    venueSentAt: integer("venue_sent_at", { mode: "timestamp_ms" }),
    /** Last time an "already registered" email went out: at most one per 10 minutes. */
    linkResentAt: integer("link_resent_at", { mode: "timestamp_ms" }),
    /** When the person ticked the workshop's confidentiality acknowledgement, if they did. */
    acknowledgedAt: integer("acknowledged_at", { mode: "timestamp_ms" }),
    /** A short hash of the wording they acknowledged: which version of the rule they saw. */
    acknowledgedHash: text("acknowledged_hash"),
    /**
     * Opted in to the participant list other confirmed participants see (name and
     * affiliation only). Off unless the person ticks it; not personal data itself.
     */
    listed: integer("listed", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("registrations_workshop_email_index").on(t.workshopId, t.emailIndex),
    // Only the waitlist, in line, for promotions: a registration that is pending, confirmed
    // or cancelled writes no entry here (D1 bills every index entry as a row written). Lists
    // by status read a workshop's rows through the index above, which starts with it.
    index("registrations_waitlist")
      .on(t.workshopId, t.waitlistPosition)
      .where(sql`${t.status} = 'waitlisted'`),
    // Only rows a seat operation is changing are in it: a new registration writes no entry.
    index("registrations_seat_op").on(t.seatOp).where(sql`${t.seatOp} IS NOT NULL`),
  ],
);

// ---------------------------------------------------------------- feedback (src/feedback/)

/** One question of a workshop's feedback survey: a 1–5 rating or free text, worded per language. */
export interface FeedbackQuestion {
  /** Stable within the survey (`q1`, `q2`…): answers are keyed by it. */
  id: string;
  type: "rating" | "text";
  required: boolean;
  label: Partial<Record<Lang, string>>;
}

/**
 * A workshop's feedback survey, emailed once after its end to those who attended. The
 * organiser's wording: not personal data, stored plain.
 */
export const feedbackSurveys = sqliteTable("feedback_surveys", {
  workshopId: text("workshop_id")
    .primaryKey()
    .references(() => workshops.id, { onDelete: "cascade" }),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
  questions: text("questions", { mode: "json" }).$type<FeedbackQuestion[]>().notNull(),
  createdAt: createdAt(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }),
});

/**
 * Who was sent the survey: each registration claimed here (one conditional insert) before
 * its email is written, so a cron that fires twice sends nothing twice. `answered` is the
 * only trace of an answer on the person's side: a flag, with no time and no link to it.
 */
export const feedbackRecipients = sqliteTable(
  "feedback_recipients",
  {
    registrationId: text("registration_id")
      .primaryKey()
      .references(() => registrations.id, { onDelete: "cascade" }),
    workshopId: text("workshop_id")
      .notNull()
      .references(() => workshops.id, { onDelete: "cascade" }),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }).notNull(),
    answered: integer("answered", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("feedback_recipients_workshop").on(t.workshopId)],
);

/**
 * The answers, anonymous: a random id, the workshop, the ratings (numbers, plain) and the
 * free text (sealed under the workshop's key). No registration, no time: nothing links an
 * answer to the person who gave it.
 */
export const feedbackAnswers = sqliteTable(
  "feedback_answers",
  {
    id: text("id").primaryKey(),
    workshopId: text("workshop_id")
      .notNull()
      .references(() => workshops.id, { onDelete: "cascade" }),
    /** Question id → 1–5. */
    ratings: text("ratings", { mode: "json" }).$type<Record<string, number>>().notNull(),
    /** JSON of question id → text, sealed; null when no text was written. */
    comments: text("comments"),
  },
  (t) => [index("feedback_answers_workshop").on(t.workshopId)],
);

export const INVITATION_STATUSES = [
  "pending",
  "sent",
  "accepted",
  "declined",
  "revoked",
  "expired",
] as const;

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    workshopId: text("workshop_id")
      .notNull()
      .references(() => workshops.id, { onDelete: "cascade" }),
    // Sealed under the workshop's data key, like a registration's.
    email: text("email").notNull(),
    /** The address's blind index under the workshop's key: one invitation per address. */
    emailIndex: text("email_index"),
    name: text("name"),
    affiliation: text("affiliation"),
    role: text("role", { enum: PARTICIPANT_ROLES }).notNull().default("participant"),
    status: text("status", { enum: INVITATION_STATUSES }).notNull(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    respondedAt: integer("responded_at", { mode: "timestamp_ms" }),
    remindersSent: integer("reminders_sent").notNull().default(0),
    registrationId: text("registration_id"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("invitations_workshop_email_index").on(t.workshopId, t.emailIndex),
    index("invitations_status_sent").on(t.status, t.sentAt),
  ],
);

// ---------------------------------------------------------------- agenda

/** A text in the organiser's words per language (`{ "en": "…", "ar": "…" }`). */
export type LocalizedText = Partial<Record<Lang, string>>;

/**
 * A workshop's sessions (src/workshops/agenda.ts): times within the workshop's, a title and
 * description per language, a room. The room follows the venue's privacy rule. Shown in
 * order of start.
 */
export const workshopSessions = sqliteTable(
  "workshop_sessions",
  {
    id: text("id").primaryKey(),
    workshopId: text("workshop_id")
      .notNull()
      .references(() => workshops.id, { onDelete: "cascade" }),
    startsAt: integer("starts_at", { mode: "timestamp_ms" }).notNull(),
    endsAt: integer("ends_at", { mode: "timestamp_ms" }).notNull(),
    title: text("title", { mode: "json" }).$type<LocalizedText>().notNull(),
    description: text("description", { mode: "json" }).$type<LocalizedText>(),
    /** Part of the place: shown only where the venue may be shown (src/workshops/venue.ts). */
    room: text("room"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("workshop_sessions_workshop").on(t.workshopId, t.startsAt)],
);

export const SESSION_ROLES = ["speaker", "moderator"] as const;

/**
 * Who speaks at or moderates a session: one of the workshop's registrations, or a name
 * (and affiliation) typed by the organiser, sealed under the workshop's data key like a
 * registration's. A name is shown outside the organisers' pages only with the person's
 * public consent; erasure of the registration and the workshop's purge delete the row.
 */
export const sessionPeople = sqliteTable(
  "session_people",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => workshopSessions.id, { onDelete: "cascade" }),
    /** The session's workshop, so the purge finds its people in one statement. */
    workshopId: text("workshop_id")
      .notNull()
      .references(() => workshops.id, { onDelete: "cascade" }),
    role: text("role", { enum: SESSION_ROLES }).notNull(),
    /** A registration of the same workshop; null for a name entered by hand. */
    registrationId: text("registration_id").references(() => registrations.id, {
      onDelete: "cascade",
    }),
    /** Sealed (hand-entered only). */
    name: text("name"),
    affiliation: text("affiliation"),
    /** The person agreed to their name (and affiliation) being shown publicly. */
    publicConsent: integer("public_consent", { mode: "boolean" }).notNull().default(false),
    /** When the organiser recorded that consent; null without it. */
    consentAt: integer("consent_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("session_people_session").on(t.sessionId),
    index("session_people_workshop").on(t.workshopId),
    index("session_people_registration")
      .on(t.registrationId)
      .where(sql`${t.registrationId} IS NOT NULL`),
  ],
);

/**
 * Every link token that grants access: registration pages, check-in codes, RSVP links.
 * 256-bit random, stored only as a SHA-256 hash, with an expiry. A new one is minted for
 * each email that carries a link, so links can be re-sent without storing any secret.
 */
export const accessTokens = sqliteTable(
  "access_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    purpose: text("purpose", { enum: ["registration", "checkin", "invitation"] }).notNull(),
    subjectId: text("subject_id").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("access_tokens_subject").on(t.subjectId)],
);

// ---------------------------------------------------------------- subscribers

export const topics = sqliteTable("topics", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  nameAr: text("name_ar"),
  createdAt: createdAt(),
});

export const SUBSCRIBER_STATUSES = [
  "pending",
  "active",
  "unsubscribed",
  "bounced",
  "complained",
] as const;

export const subscribers = sqliteTable(
  "subscribers",
  {
    id: text("id").primaryKey(),
    // Email and name sealed under the subscribers' data key (src/subscribers/sealed.ts).
    email: text("email").notNull(),
    /** The address index under the subscribers' key, shared with suppressions: one row per address. */
    emailIndex: text("email_index").unique(),
    name: text("name"),
    language: text("language", { enum: ["en", "ar"] }).notNull(),
    status: text("status", { enum: SUBSCRIBER_STATUSES }).notNull(),
    /** Where consent came from: form, registration, import (the organiser vouches). */
    consentSource: text("consent_source", { enum: ["form", "registration", "import"] }).notNull(),
    consentAt: integer("consent_at", { mode: "timestamp_ms" }),
    confirmedAt: integer("confirmed_at", { mode: "timestamp_ms" }),
    unsubscribedAt: integer("unsubscribed_at", { mode: "timestamp_ms" }),
    /** Last "confirm your subscription" email: at most one per 10 minutes. */
    lastPromptAt: integer("last_prompt_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("subscribers_status").on(t.status, t.id),
    // Counting a send's audience by language (src/distributions/presend.ts) from the index
    // alone: one row read per subscriber, not the index and then the row. The index value
    // is there for the suppression probe.
    index("subscribers_status_language").on(t.status, t.language, t.emailIndex),
    // Who unsubscribed since a distribution collected its audience: its chunks recheck only
    // those (src/distributions/chunk.ts), not every recipient. Only unsubscribed rows are in it.
    index("subscribers_unsubscribed")
      .on(t.unsubscribedAt)
      .where(sql`${t.unsubscribedAt} IS NOT NULL`),
  ],
);

export const subscriberTopics = sqliteTable(
  "subscriber_topics",
  {
    subscriberId: text("subscriber_id")
      .notNull()
      .references(() => subscribers.id, { onDelete: "cascade" }),
    topicId: text("topic_id")
      .notNull()
      .references(() => topics.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.subscriberId, t.topicId] }),
    index("subscriber_topics_topic").on(t.topicId, t.subscriberId),
  ],
);

export const SUPPRESSION_REASONS = ["bounce", "complaint", "manual", "erased"] as const;

/**
 * Addresses no report may go to: bounces, complaints, manual blocks, erased people. Only the
 * address index under the subscribers' data key is kept (src/subscribers/suppression.ts):
 * enough to recognise the address when it comes back, without holding it. Entries made
 * before the vault hold the unkeyed SHA-256 and are still recognised. What made an entry is
 * kept with it when known (entries from before these columns have none).
 */
export const suppressions = sqliteTable(
  "suppressions",
  {
    emailHash: text("email_hash").primaryKey(),
    reason: text("reason", { enum: SUPPRESSION_REASONS }).notNull(),
    createdAt: createdAt(),
    /** The provider's webhook event (svix-id) that reported the bounce or complaint. */
    eventId: text("event_id"),
    /** The distribution whose email bounced or was complained about, when it was one. */
    distributionId: text("distribution_id"),
    /** An owner's note on an entry added by hand; cleared when the address is erased. */
    note: text("note"),
    /**
     * When the person was erased. An erasure keeps an earlier bounce or complaint's reason
     * but marks it, so that no owner lifts the one entry that keeps an erased person from
     * being added again (src/subscribers/suppression-list.ts).
     */
    erasedAt: integer("erased_at", { mode: "timestamp_ms" }),
  },
  // The owners' list pages newest first; entries are written rarely, so the index is cheap.
  (t) => [index("suppressions_created").on(t.createdAt, t.emailHash)],
);

/**
 * Entries an owner took off the suppression list: what the entry was, when and by whom it
 * was lifted, and why (`note`). The list itself keeps only what is listed now; this keeps
 * the history an owner sees when looking an address up. The index stays, like every
 * suppression's; the notes are cleared when the address is erased.
 */
export const suppressionLifts = sqliteTable(
  "suppression_lifts",
  {
    id: text("id").primaryKey(),
    emailHash: text("email_hash").notNull(),
    reason: text("reason", { enum: SUPPRESSION_REASONS }).notNull(),
    /** When the lifted entry was made. */
    listedAt: integer("listed_at", { mode: "timestamp_ms" }).notNull(),
    eventId: text("event_id"),
    distributionId: text("distribution_id"),
    /** The lifted entry's own note (a manual entry's). */
    entryNote: text("entry_note"),
    /** Why the owner lifted it. */
    note: text("note"),
    actorType: text("actor_type", {
      enum: ["admin_token", "organiser", "api_token", "system"],
    }).notNull(),
    actorId: text("actor_id"),
    liftedAt: integer("lifted_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index("suppression_lifts_email_hash").on(t.emailHash, t.liftedAt)],
);

/**
 * Suppressions recorded before the list was hashed, moved here by a migration: the minutely
 * cron hashes them into `suppressions` and deletes them, so this table is empty once it has
 * run after the upgrade.
 */
export const suppressionsUnhashed = sqliteTable("suppressions_unhashed", {
  email: text("email").primaryKey(),
  reason: text("reason", { enum: SUPPRESSION_REASONS }).notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

// ---------------------------------------------------------------- reports

export const reports = sqliteTable(
  "reports",
  {
    id: text("id").primaryKey(),
    workshopId: text("workshop_id").references(() => workshops.id, { onDelete: "set null" }),
    slug: text("slug").notNull().unique(),
    defaultLanguage: text("default_language", { enum: ["en", "ar"] }).notNull(),
    status: text("status", { enum: ["draft", "published"] }).notNull(),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }),
    /** The public page goes live at this instant; attendees may receive the report before. */
    embargoUntil: integer("embargo_until", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("reports_status_published").on(t.status, t.publishedAt)],
);

export const REPORT_VERSION_STATES = ["draft", "ready"] as const;
export type ReportVersionState = (typeof REPORT_VERSION_STATES)[number];

export const reportVersions = sqliteTable(
  "report_versions",
  {
    reportId: text("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    language: text("language", { enum: ["en", "ar"] }).notNull(),
    title: text("title").notNull(),
    summary: text("summary"),
    body: text("body").notNull(),
    /**
     * Translation status: only `ready` versions are sent; a recipient whose language is a
     * draft gets the fallback (docs/reports.md, "Translation status").
     */
    state: text("state", { enum: REPORT_VERSION_STATES }).notNull().default("ready"),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.language] })],
);

export const REPORT_FILE_KINDS = ["pdf", "image"] as const;

/**
 * A file of a report: a PDF edition (one per language) or an image for the body. The bytes
 * are in R2 under `reports/<report_id>/<id>` (src/reports/storage.ts), never under the
 * uploader's file name; `content_type` is what the first bytes say, never what was declared.
 */
export const reportFiles = sqliteTable(
  "report_files",
  {
    id: text("id").primaryKey(),
    reportId: text("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: REPORT_FILE_KINDS }).notNull(),
    /** The edition's language, for a PDF; null for an image. */
    language: text("language", { enum: LANGS }),
    /** Shown to organisers and offered as the download's file name; cleaned on the way in. */
    name: text("name").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    createdAt: createdAt(),
  },
  // One PDF per report and language. Images have no language, and NULLs never collide in a
  // unique index, so they are not limited; the same index lists a report's files.
  (t) => [uniqueIndex("report_files_report_language").on(t.reportId, t.language)],
);

// ---------------------------------------------------------------- distributions

export interface DistributionAudience {
  topics?: string[];
  attendeesOf?: { workshopId: string; statuses: ("confirmed" | "attended")[] };
}

/**
 * One language version of a report as a distribution records it when it is created: what the
 * prepare step renders the email from (src/distributions/renders.ts), so the email is the
 * report as the organiser sent it, whatever edits follow.
 */
export interface ReportVersionContent {
  language: Lang;
  /** The organisation as the email shows it (absent in distributions made before branding). */
  brand?: EmailBrand;
  title: string;
  summary: string | null;
  /** Markdown, turned into HTML when the email is rendered. */
  body: string;
  /** The public page, or null: the report was under embargo when the distribution was made. */
  webUrl: string | null;
  /**
   * The footer's wording for each consent the distribution may rely on, fixed when it is
   * created (src/reports/email.ts, consentWording) and stored with the render.
   */
  consent?: { subscriber: ConsentWording; attendee: ConsentWording | null };
  /**
   * The site's address, to make the body's site-relative addresses (its images) absolute.
   * Absent from content recorded before reports had files.
   */
  baseUrl?: string;
  /**
   * The PDF edition the email links to (its language's, else the default's), or null: none,
   * or under embargo. Absent from content recorded before reports had files.
   */
  pdf?: { url: string; language: Lang } | null;
}

export const DISTRIBUTION_STATUSES = [
  "scheduled",
  "sending",
  "paused",
  "completed",
  "cancelled",
  "failed",
] as const;

export const distributions = sqliteTable(
  "distributions",
  {
    id: text("id").primaryKey(),
    reportId: text("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    status: text("status", { enum: DISTRIBUTION_STATUSES }).notNull(),
    audience: text("audience", { mode: "json" }).$type<DistributionAudience>().notNull(),
    scheduledAt: integer("scheduled_at", { mode: "timestamp_ms" }),
    /**
     * Preparation: "render" (the email, once per language), "audience" (collecting),
     * "chunks" (numbering), "ready". Created in "render"; the default is for distributions
     * made before rendering moved to the queue consumer, which were rendered when created.
     */
    stage: text("stage", { enum: ["render", "audience", "chunks", "ready"] })
      .notNull()
      .default("audience"),
    /**
     * What the render stage renders, recorded by the request; cleared in the batch that
     * stores the renders, so the row every chunk reads stays small.
     */
    content: text("content", { mode: "json" }).$type<ReportVersionContent[]>(),
    /** Why the email could not be rendered: the last attempt's error, and a failed one's reason. */
    error: text("error"),
    /**
     * Why it paused by itself (complaints or bounces over their threshold, webhooks/service.ts),
     * with the counts then. Kept after a resume: a distribution pauses by itself once.
     */
    pauseReason: text("pause_reason"),
    /** Where audience collection has got to, per source, so it resumes after a crash. */
    cursor: text("cursor", { mode: "json" }).$type<{
      source: "topics" | "attendees";
      after: string;
      /** Subscribers: eligible recipients numbered so far, and skipped ones (prepare.ts). */
      next?: number;
      skipped?: number;
    }>(),
    chunkCount: integer("chunk_count").notNull().default(0),
    total: integer("total").notNull().default(0),
    sent: integer("sent").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    delivered: integer("delivered").notNull().default(0),
    bounced: integer("bounced").notNull().default(0),
    complained: integer("complained").notNull().default(0),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    completedAt: integer("completed_at", { mode: "timestamp_ms" }),
    /** Last time work happened; the sweeper resumes distributions idle for too long. */
    progressAt: integer("progress_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [index("distributions_status_scheduled").on(t.status, t.scheduledAt)],
);

/**
 * What a report email's footer says about the consent it relies on, in one language: why the
 * recipient gets it, and the label of the link that withdraws exactly that consent.
 */
export interface ConsentWording {
  why: string;
  stop: string;
}

/** The rendered email of one language version, with placeholders for personalisation. */
export const distributionRenders = sqliteTable(
  "distribution_renders",
  {
    distributionId: text("distribution_id")
      .notNull()
      .references(() => distributions.id, { onDelete: "cascade" }),
    language: text("language", { enum: ["en", "ar"] }).notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    /**
     * The footer's wording per consent (a subscription, or registering for the workshop),
     * fixed when the distribution is created like the render itself, so a retried chunk
     * says the same even if a topic or the workshop is renamed meanwhile. Null for renders
     * made before the footer named its consent (their footer is baked into the render).
     */
    consent: text("consent", { mode: "json" }).$type<{
      subscriber: ConsentWording;
      attendee: ConsentWording | null;
    }>(),
  },
  (t) => [primaryKey({ columns: [t.distributionId, t.language] })],
);

export const CHUNK_STATUSES = ["pending", "sending", "sent", "failed", "skipped"] as const;

/**
 * The send state of one chunk (≤ 100 recipients) of a distribution: the ledger keeps sending
 * state per chunk, not per recipient (src/distributions/chunk.ts). Created when the
 * distribution is ready, one row per chunk; its recipients are the deliveries with the same
 * `chunk`, and once it is first attempted (`sending`) that set is frozen: every retry sends
 * the same recipients, in `position` order, under the same idempotency key.
 */
export const distributionChunks = sqliteTable(
  "distribution_chunks",
  {
    distributionId: text("distribution_id")
      .notNull()
      .references(() => distributions.id, { onDelete: "cascade" }),
    chunk: integer("chunk").notNull(),
    status: text("status", { enum: CHUNK_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** Recipients frozen into the chunk's provider call (what `sent` or `failed` adds). */
    size: integer("size").notNull().default(0),
    /** The provider's id of each email, in position order, once sent. */
    providerIds: text("provider_ids", { mode: "json" }).$type<string[]>(),
    /** Stamp of the operation that last changed the row, for exact counter updates. */
    op: text("op"),
    /** A recipient of the chunk was erased while it was in flight (forget.ts). */
    forget: integer("forget", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.distributionId, t.chunk] })],
);

/**
 * The recipients of a distribution: at most one email per address per distribution. A row
 * is written once, numbered as it is collected (`chunk`, `position`), and changed again only
 * for an exception: skipped (with its reason), an outcome from a webhook, erasure. Whether it
 * was sent is its chunk's status (`recipientStatus` in src/distributions/status.ts).
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").notNull(),
    distributionId: text("distribution_id")
      .notNull()
      .references(() => distributions.id, { onDelete: "cascade" }),
    // Copied as sealed from the subscriber or registration it came from, and opened with that
    // row's key and place (src/distributions/recipients.ts).
    email: text("email").notNull(),
    /**
     * Deduplicates the audience: a subscriber's address index (subscribers' key), or an
     * attendee's under their workshop's key (checked against subscribers when collected).
     */
    emailIndex: text("email_index"),
    name: text("name"),
    language: text("language", { enum: ["en", "ar"] }).notNull(),
    subscriberId: text("subscriber_id"),
    registrationId: text("registration_id"),
    /** Only the exception is written per recipient: `skipped`; anything else is `pending`. */
    status: text("status", { enum: ["pending", "skipped"] }).notNull(),
    skipReason: text("skip_reason"),
    /** The chunk the recipient is sent in; -1 for those skipped when collected. */
    chunk: integer("chunk").notNull(),
    /** Dense position in the chunk (0–99), the order of the batch; below 0 in chunk -1. */
    position: integer("position").notNull(),
    /** Stamp of the operation that last changed the row, for exact counter updates. */
    op: text("op"),
    outcome: text("outcome", { enum: ["delivered", "bounced", "complained"] }),
    /**
     * The person was erased (or purged) while this row's chunk was in flight: the address
     * and name go when the outcome is recorded (src/distributions/forget.ts).
     */
    forget: integer("forget", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    // Few indexes on purpose: each one is written again for every recipient. The key finds
    // a chunk's recipients and a webhook's recipient (from the email's tags); the unique
    // index deduplicates the audience by address. The table is WITHOUT ROWID (migration
    // 0034, which drizzle cannot express): the key is the table, one b-tree fewer to write
    // per recipient. A migration that rebuilds this table must keep it so.
    primaryKey({ columns: [t.distributionId, t.chunk, t.position] }),
    uniqueIndex("deliveries_distribution_email_index").on(t.distributionId, t.emailIndex),
  ],
);

/**
 * A recipient's status as exports and the API show it (`pending`, `sending`, `sent`,
 * `failed`, `skipped`): their own exception, else their chunk's status.
 */
export const deliveryStatus = sql<
  (typeof CHUNK_STATUSES)[number]
>`CASE WHEN ${deliveries.status} = 'skipped' THEN 'skipped' ELSE COALESCE((SELECT c.status FROM ${distributionChunks} c WHERE c.distribution_id = ${deliveries.distributionId} AND c.chunk = ${deliveries.chunk}), 'pending') END`;

/** Webhook deliveries already processed, by svix-id: a redelivered event is a no-op. */
export const webhookEvents = sqliteTable("webhook_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  createdAt: createdAt(),
});

// ---------------------------------------------------------------- relations (for db.query)

export const sessionsRelations = relations(sessions, ({ one }) => ({
  organiser: one(organisers, { fields: [sessions.organiserId], references: [organisers.id] }),
}));

export const apiTokensRelations = relations(apiTokens, ({ one }) => ({
  organiser: one(organisers, { fields: [apiTokens.organiserId], references: [organisers.id] }),
}));

export const registrationsRelations = relations(registrations, ({ one }) => ({
  workshop: one(workshops, { fields: [registrations.workshopId], references: [workshops.id] }),
}));

export const invitationsRelations = relations(invitations, ({ one }) => ({
  workshop: one(workshops, { fields: [invitations.workshopId], references: [workshops.id] }),
}));

export const subscribersRelations = relations(subscribers, ({ many }) => ({
  topics: many(subscriberTopics),
}));

export const subscriberTopicsRelations = relations(subscriberTopics, ({ one }) => ({
  subscriber: one(subscribers, {
    fields: [subscriberTopics.subscriberId],
    references: [subscribers.id],
  }),
  topic: one(topics, { fields: [subscriberTopics.topicId], references: [topics.id] }),
}));

export const reportsRelations = relations(reports, ({ many, one }) => ({
  versions: many(reportVersions),
  files: many(reportFiles),
  workshop: one(workshops, { fields: [reports.workshopId], references: [workshops.id] }),
}));

export const reportVersionsRelations = relations(reportVersions, ({ one }) => ({
  report: one(reports, { fields: [reportVersions.reportId], references: [reports.id] }),
}));

export const reportFilesRelations = relations(reportFiles, ({ one }) => ({
  report: one(reports, { fields: [reportFiles.reportId], references: [reports.id] }),
}));

export const distributionsRelations = relations(distributions, ({ one }) => ({
  report: one(reports, { fields: [distributions.reportId], references: [reports.id] }),
}));
