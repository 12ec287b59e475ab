// Production transport: Resend through its SDK. The SDK never throws on HTTP errors and has
// no timeout of its own, so each call gets an AbortSignal and its answer is classified here.
import { Resend } from "resend";
import { MAX_BATCH, type MailTransport, type OutgoingEmail, type SendOutcome } from "./transport";

export const RESEND_DEFAULT_BASE_URL = "https://api.resend.com";
/** A provider call that takes longer than this is abandoned and retried with the same key. */
export const PROVIDER_TIMEOUT_MS = 15_000;

interface ResendFailure {
  statusCode: number | null;
  name: string;
  message: string;
}

export function classifyResendFailure(
  error: ResendFailure,
  headers: Record<string, string> | null,
): Extract<SendOutcome, { ok: false }> {
  const status = error.statusCode;
  const described = `${status ?? "no answer"} ${error.name}: ${error.message}`;
  if (status === 429) {
    return {
      ok: false,
      retryable: true,
      rateLimited: true,
      retryAfterSeconds: parseRetryAfter(headers?.["retry-after"]),
      error: described,
    };
  }
  // No status: the network failed, the call timed out or the answer was lost. Retrying with
  // the same idempotency key is safe: Resend returns the original result for 24 hours.
  // concurrent_idempotent_requests: an earlier attempt with this key is still in flight.
  if (status === null || status >= 500 || error.name === "concurrent_idempotent_requests") {
    return { ok: false, retryable: true, error: described };
  }
  return { ok: false, retryable: false, error: described };
}

/** `retry-after` is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The fields both endpoints take. Batch sends carry no attachments (Resend refuses them). */
function payload(email: OutgoingEmail) {
  return {
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: email.headers,
    ...(email.tags?.length ? { tags: email.tags } : {}),
  };
}

export class ResendTransport implements MailTransport {
  readonly name = "resend" as const;
  private readonly client: Resend;

  constructor(
    apiKey: string,
    baseUrl: string | undefined,
    private readonly timeoutMs = PROVIDER_TIMEOUT_MS,
  ) {
    // On Workers the SDK cannot read RESEND_BASE_URL from process.env: pass it explicitly.
    this.client = new Resend(apiKey, { baseUrl: baseUrl || RESEND_DEFAULT_BASE_URL });
  }

  async send(email: OutgoingEmail, idempotencyKey: string): Promise<SendOutcome> {
    const { data, error, headers } = await this.client.emails.send(
      {
        ...payload(email),
        attachments: email.attachments.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
        })),
      },
      { idempotencyKey, signal: AbortSignal.timeout(this.timeoutMs) },
    );
    if (error) return classifyResendFailure(error, headers);
    return { ok: true, providerId: data?.id ?? null };
  }

  async sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendOutcome> {
    if (emails.length > MAX_BATCH) throw new Error(`a batch holds at most ${MAX_BATCH} emails`);
    const { data, error, headers } = await this.client.batch.send(emails.map(payload), {
      idempotencyKey,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (error) return classifyResendFailure(error, headers);
    return { ok: true, providerId: null, providerIds: data?.data.map((d) => d.id) };
  }
}
