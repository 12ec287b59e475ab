// Development transport: "delivers" into the mailbox_messages table, shown at
// /admin/mailbox and GET /api/v1/mailbox. Like a provider, it keeps one copy per
// idempotency key and recipient, so redelivered queue messages do not duplicate mail.
import type { Db } from "../db/client";
import { mailboxMessages } from "../db/schema";
import { newId } from "../lib/tokens";
import type { MailTransport, OutgoingEmail, SendOutcome } from "./transport";

export class DevMailboxTransport implements MailTransport {
  readonly name = "dev-mailbox" as const;

  constructor(private readonly db: Db) {}

  async send(email: OutgoingEmail, idempotencyKey: string): Promise<SendOutcome> {
    const id = newId("msg");
    const inserted = await this.db
      .insert(mailboxMessages)
      .values({
        id,
        idempotencyKey,
        to: email.to,
        from: email.from,
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: email.headers,
        attachments: email.attachments.map(({ filename, contentType }) => ({
          filename,
          contentType,
        })),
      })
      .onConflictDoNothing()
      .returning({ id: mailboxMessages.id });
    return { ok: true, providerId: inserted[0]?.id ?? null };
  }
}
