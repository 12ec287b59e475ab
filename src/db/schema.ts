// Every table, in one place. Times are UTC instants stored as integer milliseconds
// (drizzle's timestamp_ms mode gives Date objects). Secrets are stored only as SHA-256 hashes.
import { relations, sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
    // Counts and identifiers only; never personal data.
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_log_created").on(t.createdAt)],
);

// ---------------------------------------------------------------- mail

export interface StoredAttachment {
  filename: string;
  contentType: string;
  /** base64 */
  content: string;
}

/** The outbox: one row per transactional email to send. The queue carries only its id. */
export const emails = sqliteTable(
  "emails",
  {
    id: text("id").primaryKey(),
    to: text("to_address").notNull(),
    subject: text("subject").notNull(),
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
  (t) => [index("emails_status_next_attempt").on(t.status, t.nextAttemptAt)],
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
    attachments: text("attachments", { mode: "json" })
      .$type<{ filename: string; contentType: string }[]>()
      .notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("mailbox_idempotency").on(t.idempotencyKey, t.to),
    index("mailbox_to_created").on(t.to, t.createdAt),
    index("mailbox_created").on(t.createdAt),
  ],
);

// ---------------------------------------------------------------- relations (for db.query)

export const sessionsRelations = relations(sessions, ({ one }) => ({
  organiser: one(organisers, { fields: [sessions.organiserId], references: [organisers.id] }),
}));

export const apiTokensRelations = relations(apiTokens, ({ one }) => ({
  organiser: one(organisers, { fields: [apiTokens.organiserId], references: [organisers.id] }),
}));
