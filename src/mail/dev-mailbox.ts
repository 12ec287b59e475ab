// Development transport: "delivers" into the mailbox_messages table, shown at
// /admin/mailbox and GET /api/v1/mailbox. Like a provider, it keeps one copy per
// idempotency key and recipient, so redelivered queue messages do not duplicate mail.
import { type Db, runBatch } from "../db/client";
import { mailboxMessages } from "../db/schema";
import { newId } from "../lib/tokens";
import type { MailTransport, OutgoingEmail, SendOutcome } from "./transport";

export class DevMailboxTransport implements MailTransport {
  readonly name = "dev-mailbox" as const;

  constructor(private readonly db: Db) {}

  private insert(email: OutgoingEmail, idempotencyKey: string) {
    return this.db
      .insert(mailboxMessages)
      .values({
        id: newId("msg"),
        idempotencyKey,
        to: email.to,
        from: email.from,
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: email.headers,
        attachments: email.attachments,
        kind: email.kind ?? "",
      })
      .onConflictDoNothing()
      .returning({ id: mailboxMessages.id });
  }

  async send(email: OutgoingEmail, idempotencyKey: string): Promise<SendOutcome> {
    const inserted = await this.insert(email, idempotencyKey);
    return { ok: true, providerId: inserted[0]?.id ?? null };
  }

  async sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendOutcome> {
    // One statement per email (a row has ten columns; D1 allows 100 bound parameters), all
    // in one batch: the chunk lands whole or not at all, like a provider's batch call.
    await runBatch(
      this.db,
      emails.map((email) => this.insert(email, idempotencyKey)),
    );
    return { ok: true, providerId: null };
  }
}
