// The queue consumer: turns outbox rows into sent mail. Each message is acked or retried on
// its own. Safe against redelivery: a row already `sent` is skipped, and a crash between
// the provider call and the status update is covered by the idempotency key, which makes
// the provider (or the dev mailbox) return the first result instead of sending again.
import { and, eq } from "drizzle-orm";
import { createDb, type Db } from "../db/client";
import { meteredIfOn } from "../db/metering";
import { emails } from "../db/schema";
import { type EngineContext, prepareStep, sendChunk } from "../distributions/service";
import type { Env } from "../env";
import { canMove } from "../lib/state-machine";
import type { MailQueueMessage } from "./messages";
import { EMAIL_TRANSITIONS, type EmailStatus, emailMayMoveTo } from "./outbox";
import { MAIL_MAX_ATTEMPTS, retryDelaySeconds } from "./retry";
import type { MailTransport } from "./transport";
import { transportFor } from "./transports";

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
    },
    emailIdempotencyKey(email.id),
  );
  const may = (to: EmailStatus) => and(eq(emails.id, email.id), emailMayMoveTo(to));

  if (outcome.ok) {
    await db
      .update(emails)
      .set({
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
      .set({ status: "failed", attempts: attempt, lastError: outcome.error })
      .where(may("failed"));
    return { action: "ack" };
  }
  const delaySeconds = retryDelaySeconds(attempt, outcome.retryAfterSeconds);
  if (attempt >= MAIL_MAX_ATTEMPTS) {
    // Recorded here; retrying past max_retries hands the message to the dead-letter queue.
    await db
      .update(emails)
      .set({ status: "failed", attempts: attempt, lastError: outcome.error })
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

/** Messages that reached the dead-letter queue: make sure their failure is on record. */
async function recordDeadLetters(db: Db, batch: MessageBatch<MailQueueMessage>): Promise<void> {
  for (const message of batch.messages) {
    const body = message.body;
    if (body.kind === "email") {
      await db
        .update(emails)
        .set({ status: "failed", lastError: "dead-lettered after the last retry" })
        .where(and(eq(emails.id, body.emailId), emailMayMoveTo("failed")));
    }
    // Distribution work needs no record here: its ledger in D1 is resumed by the sweeper.
    message.ack();
  }
}

function engineFor(env: Env, db: Db): EngineContext {
  return {
    db,
    queue: env.MAIL_QUEUE,
    appUrl: env.APP_URL,
    secret: env.TOKEN_SECRET,
    from: env.MAIL_FROM,
  };
}

async function handle(
  env: Env,
  db: Db,
  transport: MailTransport,
  message: Message<MailQueueMessage>,
): Promise<void> {
  const body = message.body;
  if (body.kind === "email") {
    const verdict = await deliverEmail(
      db,
      transport,
      env.MAIL_FROM,
      body.emailId,
      message.attempts,
    );
    if (verdict.action === "ack") message.ack();
    else message.retry({ delaySeconds: verdict.delaySeconds });
    return;
  }
  if (body.kind === "distribution-prepare") {
    await prepareStep(engineFor(env, db), body.distributionId);
    message.ack();
    return;
  }
  const verdict = await sendChunk(
    engineFor(env, db),
    transport,
    body.distributionId,
    body.chunk,
    message.attempts,
  );
  if (verdict.action === "ack") message.ack();
  else if (verdict.action === "retry") message.retry({ delaySeconds: verdict.delaySeconds });
  else {
    // Rate limited: a fresh message after the delay, so waiting never uses up retries.
    await env.MAIL_QUEUE.send(body, { delaySeconds: verdict.delaySeconds });
    message.ack();
  }
}

export async function handleMailBatch(
  batch: MessageBatch<MailQueueMessage>,
  env: Env,
): Promise<void> {
  const db = createDb(meteredIfOn(env));
  if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) return recordDeadLetters(db, batch);
  const transport = transportFor(env, db);
  for (const message of batch.messages) {
    try {
      await handle(env, db, transport, message);
    } catch (error) {
      // D1 or rendering trouble: not the provider's fault, so back off and try again.
      console.error("mail work failed", message.body, error);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
