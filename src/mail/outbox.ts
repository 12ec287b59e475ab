// The outbox: an email is first a row in D1, then a queue message carrying its id.
// A request never waits on the provider and never renders: it records which template to
// render with what (src/mail/render.ts); the consumer renders and sends.

import { and, count, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import { type Brand, emailBrand } from "../brand/brand";
import type { Db } from "../db/client";
import { runInBatch } from "../db/raw";
import { type EmailContent, emails, type StoredAttachment } from "../db/schema";
import type { Lang } from "../i18n";
import { isForgotten } from "../lib/forgotten";
import { statusesFrom } from "../lib/state-machine";
import { headerSafe } from "../lib/text";
import { newId } from "../lib/tokens";
import type { KeyName } from "../vault/keys";
import type { MailQueueMessage } from "./messages";

export type EmailStatus = (typeof emails.$inferSelect)["status"];

/**
 * Email status machine, as data; the consumer and the sweeper change a status only where
 * it allows. `queued` → `queued` is a retry: the attempt count and next attempt time change.
 */
export const EMAIL_TRANSITIONS: Record<EmailStatus, readonly EmailStatus[]> = {
  queued: ["queued", "sent", "failed"],
  sent: [],
  failed: [],
};

/** The statuses from which the table allows a move to `to`, as a WHERE condition. */
export const emailMayMoveTo = (to: EmailStatus) =>
  inArray(emails.status, statusesFrom(EMAIL_TRANSITIONS, to));

/**
 * What an email keeps once it is final (`sent` or `failed`): the delivery record (to, kind,
 * status, attempts, error, provider id, times). Its body goes: subject, parts, headers and
 * attachments carry names, workshop details and live links (manage, RSVP, sign-in) that
 * must not sit in a table for the 30 days the record is kept. A redelivered message needs
 * none of it: the consumer acks a final row without sending.
 */
export const BODY_FORGOTTEN = {
  subject: "",
  html: "",
  text: "",
  headers: {} as Record<string, string>,
  attachments: [] as StoredAttachment[],
  // What the consumer would render from: the props carry names and link tokens.
  props: null,
};

export interface EmailToSend {
  to: string;
  /**
   * The data key of the person the email is about (their workshop's, or the subscribers'):
   * once final, the consumer seals the address under it. Omitted for organisers' emails.
   */
  keyName?: KeyName;
  /** The recipient's address index under that key (from their row), for erasure to find. */
  toIndex?: string | null;
  subject: string;
  /** What it is for: `sign-in`, `workshop:confirmed`, … */
  kind: string;
  headers?: Record<string, string>;
  /** The template's name (emails/index.ts; `templateEmail` there checks the props). */
  template: string;
  /** What the consumer renders it from: props, this recipient's placeholder values, files. */
  content: EmailContent;
}

/**
 * A new outbox row: queued now, with header values that cannot inject headers. An email to
 * an erased or purged person (whose row kept only a marker for an address) is recorded as
 * failed at once, without its body: there is nobody to send it to.
 */
function outboxRow(email: EmailToSend) {
  const headers = Object.fromEntries(
    Object.entries(email.headers ?? {}).map(([name, value]) => [
      headerSafe(name),
      headerSafe(value),
    ]),
  );
  const row = {
    id: newId("eml"),
    to: headerSafe(email.to),
    keyName: email.keyName ?? null,
    toIndex: email.toIndex ?? null,
    subject: headerSafe(email.subject),
    template: email.template,
    props: email.content as EmailContent | null,
    // Filled by the consumer only if a retry needs its render (src/mail/consumer.ts).
    html: "",
    text: "",
    headers,
    attachments: [] as StoredAttachment[],
    kind: email.kind,
    status: "queued" as EmailStatus,
    lastError: null as string | null,
    nextAttemptAt: new Date(),
  };
  if (!isForgotten(row.to)) return row;
  return { ...row, ...BODY_FORGOTTEN, status: "failed" as const, lastError: NO_ADDRESS };
}

export const NO_ADDRESS = "no address: the recipient was erased or purged";

/** After this long without progress, a queued email's message is presumed lost. */
export const STALL_AFTER_MS = 5 * 60 * 1000;

export class Mailer {
  constructor(
    private readonly db: Db,
    private readonly queue: Queue<MailQueueMessage>,
    /** The organisation every email shows (name or logo, postal address); none in some tests. */
    private readonly brand?: Brand,
  ) {}

  /** The email with the organisation in its props, in the email's language, unless set. */
  private branded(email: EmailToSend): EmailToSend {
    const props = email.content.props as { lang?: Lang; brand?: unknown } | null;
    if (!this.brand || !props?.lang || props.brand) return email;
    const brand = emailBrand(this.brand, props.lang);
    return { ...email, content: { ...email.content, props: { ...props, brand } } };
  }

  /**
   * The insert for one email, to run inside the caller's own batch (`runBatch`) so the email is
   * recorded atomically with whatever caused it. Call `enqueue` with the id afterwards.
   */
  outboxInsert(email: EmailToSend) {
    const row = outboxRow(this.branded(email));
    return { id: row.id, query: this.db.insert(emails).values(row) };
  }

  /**
   * The same insert, written only if `onlyIf` holds when the batch reaches it: for a caller
   * that must do the same work whether or not there is someone to email (an answer that
   * must not tell which addresses are known). Enqueueing the id of an email that was not
   * written is harmless: the consumer acks it.
   */
  outboxInsertIf(email: EmailToSend, onlyIf: SQL) {
    const r = outboxRow(this.branded(email));
    const query = runInBatch(
      this.db,
      sql`INSERT INTO ${emails} (id, to_address, key_name, to_index, subject, template, props, html, text, headers, attachments, kind, status, last_error, next_attempt_at)
          SELECT ${r.id}, ${r.to}, ${r.keyName}, ${r.toIndex}, ${r.subject}, ${r.template}, ${r.props === null ? null : JSON.stringify(r.props)}, ${r.html}, ${r.text}, ${JSON.stringify(r.headers)},
            ${JSON.stringify(r.attachments)}, ${r.kind}, ${r.status}, ${r.lastError}, ${r.nextAttemptAt.getTime()}
          WHERE ${onlyIf}`,
    );
    return { id: r.id, query };
  }

  /**
   * The UPDATE that makes a row written by reference (./references.ts) whole: everything the
   * request would have written, only while the row is still that reference and queued, and
   * `onlyIf` (the resolver's condition) holds.
   */
  completion(emailId: string, reference: string, email: EmailToSend, onlyIf: SQL) {
    const { id: _, status, nextAttemptAt: __, ...row } = outboxRow(this.branded(email));
    return this.db
      .update(emails)
      .set({ ...row, status })
      .where(
        and(
          eq(emails.id, emailId),
          eq(emails.template, reference),
          emailMayMoveTo("queued"),
          onlyIf,
        ),
      )
      .returning();
  }

  /**
   * Hands emails to the queue. If this fails after the rows were written, the sweeper
   * (jobs) picks the rows up within STALL_AFTER_MS, so the email is late, not lost.
   */
  async enqueue(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.queue.sendBatch(ids.map((emailId) => ({ body: { kind: "email", emailId } })));
  }

  /** Records and enqueues one email. */
  async send(email: EmailToSend): Promise<string> {
    const { id, query } = this.outboxInsert(email);
    await query;
    await this.enqueue([id]);
    return id;
  }
}

/** Queued emails whose message seems lost (a crash, a restart): enqueue them again. */
export async function resumeStalledEmails(
  db: Db,
  queue: Queue<MailQueueMessage>,
  now = Date.now(),
): Promise<number> {
  const stalled = await db
    .update(emails)
    .set({ nextAttemptAt: new Date(now) })
    .where(and(emailMayMoveTo("queued"), lt(emails.nextAttemptAt, new Date(now - STALL_AFTER_MS))))
    .returning({ id: emails.id });
  for (let i = 0; i < stalled.length; i += 100) {
    await queue.sendBatch(
      stalled
        .slice(i, i + 100)
        .map(({ id }) => ({ body: { kind: "email" as const, emailId: id } })),
    );
  }
  return stalled.length;
}

/** How many outbox emails are in each status (the organisers' dashboard). */
export async function countEmailsByStatus(db: Db): Promise<Record<EmailStatus, number>> {
  const rows = await db
    .select({ status: emails.status, n: count() })
    .from(emails)
    .groupBy(emails.status);
  const counts: Record<EmailStatus, number> = { queued: 0, sent: 0, failed: 0 };
  for (const row of rows) counts[row.status as EmailStatus] = row.n;
  return counts;
}
