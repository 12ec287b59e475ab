// Delivery of outbox emails, called by the queue entry (src/queue.ts) for `email` messages.
// A final row (sent or failed) loses its body (BODY_FORGOTTEN) in the statement that makes
// it final. Safe against redelivery: a row already `sent` is skipped, and a crash between
// the provider call and the status update is covered by the idempotency key, which makes
// the provider (or the dev mailbox) return the first result instead of sending again.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { emails } from "../db/schema";
import { canMove } from "../lib/state-machine";
import { BODY_FORGOTTEN, EMAIL_TRANSITIONS, type EmailStatus, emailMayMoveTo } from "./outbox";
import { MAIL_MAX_ATTEMPTS, retryDelaySeconds } from "./retry";
import type { MailTransport } from "./transport";

export const DEAD_LETTER_SUFFIX = "-dlq";

export type Verdict = { action: "ack" } | { action: "retry"; delaySeconds: number };

export function emailIdempotencyKey(emailId: string): string {
  return `email/${emailId}`;
}

/** One delivery attempt of one outbox email. `attempt` counts from 1. */
export async function deliverEmail(
  db: Db,
  transport: MailTransport,
  from: string,
  emailId: string,
  attempt: number,
): Promise<Verdict> {
  const email = await db.query.emails.findFirst({ where: eq(emails.id, emailId) });
  if (!email || !canMove(EMAIL_TRANSITIONS, email.status, "sent")) return { action: "ack" };

  const outcome = await transport.send(
    {
      from,
      to: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: email.headers,
      attachments: email.attachments,
      kind: email.kind,
    },
    emailIdempotencyKey(email.id),
  );
  const may = (to: EmailStatus) => and(eq(emails.id, email.id), emailMayMoveTo(to));

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
  const delaySeconds = retryDelaySeconds(attempt, outcome.retryAfterSeconds);
  if (attempt >= MAIL_MAX_ATTEMPTS) {
    // Recorded here; retrying past max_retries hands the message to the dead-letter queue.
    await db
      .update(emails)
      .set({ ...BODY_FORGOTTEN, status: "failed", attempts: attempt, lastError: outcome.error })
      .where(may("failed"));
    return { action: "retry", delaySeconds };
  }
  await db
    .update(emails)
    .set({
      attempts: attempt,
      lastError: outcome.error,
      nextAttemptAt: new Date(Date.now() + delaySeconds * 1000),
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
