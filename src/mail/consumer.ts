// Delivery of outbox emails, called by the queue entry (src/queue.ts) for `email` messages:
// render the email from its row, send it, record the outcome. A final row (sent or failed)
// loses its body and props (BODY_FORGOTTEN) in the statement that makes it final, and its
// address is sealed then under the data key of the person it is about (sealedRecipient). Safe
// against redelivery: a row already `sent` is skipped, and a crash between the provider call
// and the status update is covered by the idempotency key, which makes the provider (or the
// dev mailbox) return the first result instead of sending again.
import { and, eq, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { emails } from "../db/schema";
import { isForgotten, PURGED } from "../lib/forgotten";
import { canMove } from "../lib/state-machine";
import { placeOf } from "../vault/fields";
import type { KeyName, Vault } from "../vault/keys";
import { BODY_FORGOTTEN, EMAIL_TRANSITIONS, emailMayMoveTo, NO_ADDRESS } from "./outbox";
import { isReference } from "./references";
import { type RenderedParts, renderContent, type TemplateRegistry } from "./render";
import { MAIL_MAX_ATTEMPTS, retryDelaySeconds } from "./retry";
import type { MailTransport } from "./transport";

export const DEAD_LETTER_SUFFIX = "-dlq";

export type Verdict = { action: "ack" } | { action: "retry"; delaySeconds: number };

export function emailIdempotencyKey(emailId: string): string {
  return `email/${emailId}`;
}

type EmailRow = typeof emails.$inferSelect;

/**
 * The address a final row keeps: sealed under the data key of the person the email is
 * about, bound to this row, so the delivery record outlives the purge of that key only as
 * bytes nobody can open. A row about nobody's key (an organiser's email) keeps it as it is;
 * a key destroyed meanwhile leaves only a marker.
 */
async function sealedRecipient(vault: Vault, email: Pick<EmailRow, "id" | "to" | "keyName">) {
  if (!email.keyName || isForgotten(email.to)) return email.to;
  const key = await vault.keyToSeal(email.keyName as KeyName);
  if (!key) return `${PURGED}${email.id}`;
  return key.seal(email.to, placeOf("emails", email.id, "to_address"));
}

/**
 * The UPDATE that makes a row final (`sent` or `failed`), only from a status that may move
 * there: its body goes and its address is sealed in the same statement.
 */
async function finalise(
  db: Db,
  vault: Vault,
  email: Pick<EmailRow, "id" | "to" | "keyName">,
  status: "sent" | "failed",
  changes: Partial<EmailRow>,
  /** A further condition: a reference only while no other delivery has written it. */
  onlyWhile?: SQL,
) {
  await db
    .update(emails)
    .set({ ...BODY_FORGOTTEN, ...changes, to: await sealedRecipient(vault, email), status })
    .where(and(eq(emails.id, email.id), emailMayMoveTo(status), onlyWhile));
}

/** Whether the person an email is about can no longer be reached: their key was destroyed. */
async function recipientGone(vault: Vault, email: EmailRow): Promise<boolean> {
  // keyToSeal makes a key never made yet: null means destroyed, never "not yet".
  return Boolean(email.keyName) && !(await vault.keyToSeal(email.keyName as KeyName));
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
  vault: Vault,
  transport: MailTransport,
  templates: TemplateRegistry,
  from: string,
  emailId: string,
  attempt: number,
  /** Makes a row written by reference whole (./references.ts). */
  complete?: (email: EmailRow & { template: string }) => Promise<EmailRow | { none: string }>,
): Promise<Verdict> {
  let email = await db.query.emails.findFirst({ where: eq(emails.id, emailId) });
  if (!email || !canMove(EMAIL_TRANSITIONS, email.status, "sent")) return { action: "ack" };
  if (isReference(email.template)) {
    // Another delivery of the same message may write the row meanwhile: what this one
    // records of its own outcome holds only while the row is still the reference.
    const stillReference = eq(emails.template, email.template);
    let completed: EmailRow | { none: string };
    try {
      if (!complete) throw new Error("written by reference, and nothing here completes it");
      completed = await complete({ ...email, template: email.template });
    } catch (error) {
      // Like a template that throws: tried again, then recorded as failed with the reason.
      const reason = `writing the email failed: ${error instanceof Error ? error.message : String(error)}`;
      return retryLater(db, vault, email, attempt, reason, { onlyWhile: stillReference });
    }
    if ("none" in completed) {
      await finalise(
        db,
        vault,
        email,
        "failed",
        { attempts: attempt, lastError: completed.none },
        stillReference,
      );
      return { action: "ack" };
    }
    email = completed;
    if (!canMove(EMAIL_TRANSITIONS, email.status, "sent")) return { action: "ack" };
  }
  if (await recipientGone(vault, email)) {
    // Purged or erased early since the email was recorded: it never leaves, and the row
    // keeps only a marker for an address.
    await finalise(db, vault, email, "failed", {
      attempts: attempt,
      lastError: `${NO_ADDRESS} (their data key was destroyed)`,
    });
    return { action: "ack" };
  }

  let rendered: Awaited<ReturnType<typeof partsOf>>;
  try {
    rendered = await partsOf(templates, email);
  } catch (error) {
    // A template that throws: tried again like a provider failure (a fix may be deployed in
    // between), then recorded as failed with the reason. Nothing was sent.
    const reason = `rendering failed: ${error instanceof Error ? error.message : String(error)}`;
    return retryLater(db, vault, email, attempt, reason);
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
    await finalise(db, vault, email, "sent", {
      sentAt: new Date(),
      providerId: outcome.providerId,
      attempts: attempt,
      lastError: null,
    });
    return { action: "ack" };
  }
  if (!outcome.retryable) {
    await finalise(db, vault, email, "failed", { attempts: attempt, lastError: outcome.error });
    return { action: "ack" };
  }
  return retryLater(db, vault, email, attempt, outcome.error, {
    retryAfterSeconds: outcome.retryAfterSeconds,
    // The provider may have sent it (a lost answer): the retry must send these very bytes.
    render: fresh ? parts : undefined,
  });
}

/** A failed attempt worth repeating: backoff, or `failed` after the last attempt. */
async function retryLater(
  db: Db,
  vault: Vault,
  email: EmailRow,
  attempt: number,
  error: string,
  options: { retryAfterSeconds?: number; render?: RenderedParts; onlyWhile?: SQL } = {},
): Promise<Verdict> {
  const delaySeconds = retryDelaySeconds(attempt, options.retryAfterSeconds);
  if (attempt >= MAIL_MAX_ATTEMPTS) {
    // Recorded here; retrying past max_retries hands the message to the dead-letter queue.
    await finalise(
      db,
      vault,
      email,
      "failed",
      { attempts: attempt, lastError: error },
      options.onlyWhile,
    );
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
    .where(and(eq(emails.id, email.id), emailMayMoveTo("queued"), options.onlyWhile));
  return { action: "retry", delaySeconds };
}

/** An email whose message reached the dead-letter queue: make sure its failure is on record. */
export async function recordDeadLetter(db: Db, vault: Vault, emailId: string): Promise<void> {
  const email = await db.query.emails.findFirst({
    where: eq(emails.id, emailId),
    columns: { id: true, to: true, keyName: true, status: true },
  });
  if (!email || !canMove(EMAIL_TRANSITIONS, email.status, "failed")) return;
  await finalise(db, vault, email, "failed", { lastError: "dead-lettered after the last retry" });
}
