// The one seam between the app and whoever delivers mail. Two transports implement it:
// the dev mailbox (D1) and Resend. Both deduplicate on the idempotency key, which is what
// makes queue redelivery safe.
import type { StoredAttachment } from "../db/schema";

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  attachments: StoredAttachment[];
  /** What it is for (`sign-in`, `report`, …); the dev mailbox keeps it. */
  kind?: string;
  /** Provider tags (ASCII letters, digits, `_`, `-`), echoed back in webhook events. */
  tags?: { name: string; value: string }[];
}

export type SendOutcome =
  | {
      ok: true;
      providerId: string | null;
      /** For batch sends: the provider's id of each email, in the order sent. */
      providerIds?: string[];
    }
  | {
      ok: false;
      /** 429, 5xx, timeouts and lost answers are worth retrying; other 4xx are not. */
      retryable: boolean;
      /** From the provider's `retry-after`, when it said. */
      retryAfterSeconds?: number;
      /** A 429: slow down, but this is not a failure of the send. */
      rateLimited?: boolean;
      error: string;
    };

/** The provider accepts at most this many emails in one batch call. */
export const MAX_BATCH = 100;

export interface MailTransport {
  readonly name: "dev-mailbox" | "resend";
  send(email: OutgoingEmail, idempotencyKey: string): Promise<SendOutcome>;
  /**
   * Sends up to MAX_BATCH emails (no attachments) in one call, all or nothing. A retry of
   * the same chunk must pass the same emails in the same order with the same key.
   */
  sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendOutcome>;
}
