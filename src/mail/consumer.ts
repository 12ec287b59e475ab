// Delivery of outbox emails, called by the queue entry (src/queue.ts) for `email` messages:
// render the email from its row, send it, record the outcome. A final row (sent or failed)
// loses its body and props (BODY_FORGOTTEN) in the statement that makes it final. Safe
// against redelivery: a row already `sent` is skipped, and a crash between the provider call
// and the status update is covered by the idempotency key, which makes the provider (or the
// dev mailbox) return the first result instead of sending again.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { emails } from "../db/schema";
import { canMove } from "../lib/state-machine";
import { BODY_FORGOTTEN, EMAIL_TRANSITIONS, type EmailStatus, emailMayMoveTo } from "./outbox";
import { type RenderedParts, renderContent, type TemplateRegistry } from "./render";
import { MAIL_MAX_ATTEMPTS, retryDelaySeconds } from "./retry";
import type { MailTransport } from "./transport";

export const DEAD_LETTER_SUFFIX = "-dlq";

export type Verdict = { action: "ack" } | { action: "retry"; delaySeconds: number };

export function emailIdempotencyKey(emailId: string): string {
  return `email/${emailId}`;
}

/**
 * The parts to send: the render stored by an earlier attempt (or by the request, for rows
 * recorded before rendering moved here), else a fresh render of the template.
 */
async function partsOf(
  templates: TemplateRegistry,
  email: typeof emails.$inferSelect,
): Promise<{ parts: RenderedParts; fresh: boolean }> {
  if (!email.template || email.html)
    return {
      parts: { html: email.html, text: email.text, attachments: email.attachments },
      fresh: false,
    };
  if (!email.props) throw new Error("nothing to render: the email's content was erased");
  return { parts: await renderContent(templates, email.template, email.props), fresh: true };
}

/**
 * One delivery attempt of one outbox email. `attempt` counts from 1.
 *
 * Exactly once, with a render made here: every attempt sends with the key `email/<id>`, and
 * the provider answers 409 when a key comes back with a different payload, so each retry must
 * send the same bytes. A render is a pure function of the stored content, and an attempt that
 * is to be retried stores the render it sent; later attempts send that. Only a crash between
 * the send and that update makes the next attempt render again, from the same content.
 */
export async function deliverEmail(
  db: Db,
  transport: MailTransport,
  templates: TemplateRegistry,
  from: string,
  emailId: string,
  attempt: number,
): Promise<Verdict> {
  const email = await db.query.emails.findFirst({ where: eq(emails.id, emailId) });
  if (!email || !canMove(EMAIL_TRANSITIONS, email.status, "sent")) return { action: "ack" };
  const may = (to: EmailStatus) => and(eq(emails.id, email.id), emailMayMoveTo(to));

  let rendered: Awaited<ReturnType<typeof partsOf>>;
  try {
    rendered = await partsOf(templates, email);
  } catch (error) {
    // A template that throws: tried again like a provider failure (a fix may be deployed in
    // between), then recorded as failed with the reason. Nothing was sent.
    const reason = `rendering failed: ${error instanceof Error ? error.message : String(error)}`;
    return retryLater(db, email.id, attempt, reason);
  }
  const { parts, fresh } = rendered;

  const outcome = await transport.send(
    {
      from,
      to: email.to,
      subject: email.subject,
      html: parts.html,
      text: parts.text,
      headers: email.headers,
      attachments: parts.attachments,
      kind: email.kind,
    },
    emailIdempotencyKey(email.id),
  );

  if (outcome.ok) {
    await db
      .update(emails)
      .set({
        ...BODY_FORGOTTEN,
        status: "sent",
        sentAt: new Date(),
        providerId: outcome.providerId,
        attempts: attempt,
        lastError: null,
      })
      .where(may("sent"));
    return { action: "ack" };
  }
  if (!outcome.retryable) {
    await db
      .update(emails)
      .set({ ...BODY_FORGOTTEN, status: "failed", attempts: attempt, lastError: outcome.error })
      .where(may("failed"));
    return { action: "ack" };
  }
  return retryLater(db, email.id, attempt, outcome.error, {
    retryAfterSeconds: outcome.retryAfterSeconds,
    // The provider may have sent it (a lost answer): the retry must send these very bytes.
    render: fresh ? parts : undefined,
  });
}

/** A failed attempt worth repeating: backoff, or `failed` after the last attempt. */
async function retryLater(
  db: Db,
  emailId: string,
  attempt: number,
  error: string,
  options: { retryAfterSeconds?: number; render?: RenderedParts } = {},
): Promise<Verdict> {
  const delaySeconds = retryDelaySeconds(attempt, options.retryAfterSeconds);
  const may = (to: EmailStatus) => and(eq(emails.id, emailId), emailMayMoveTo(to));
  if (attempt >= MAIL_MAX_ATTEMPTS) {
    // Recorded here; retrying past max_retries hands the message to the dead-letter queue.
    await db
      .update(emails)
      .set({ ...BODY_FORGOTTEN, status: "failed", attempts: attempt, lastError: error })
      .where(may("failed"));
    return { action: "retry", delaySeconds };
  }
  await db
    .update(emails)
    .set({
      attempts: attempt,
      lastError: error,
      nextAttemptAt: new Date(Date.now() + delaySeconds * 1000),
      ...(options.render ?? {}),
    })
    .where(may("queued"));
  return { action: "retry", delaySeconds };
}

/** An email whose message reached the dead-letter queue: make sure its failure is on record. */
export async function recordDeadLetter(db: Db, emailId: string): Promise<void> {
  await db
    .update(emails)
    .set({ ...BODY_FORGOTTEN, status: "failed", lastError: "dead-lettered after the last retry" })
    .where(and(eq(emails.id, emailId), emailMayMoveTo("failed")));
}
