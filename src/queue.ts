// Queue entry: every message on the mail queue (and its dead-letter queue) is dispatched to
// the feature that owns its kind; outbox emails are rendered with the templates of emails/,
// and those recorded by reference are first written by the feature they are about.
// Each message is acked or retried on its own, so one bad message never holds back the rest
// of the batch.
import { TEMPLATES } from "../emails";
import { sendChunk } from "./distributions/chunk";
import { prepareStep } from "./distributions/prepare";
import type { Env } from "./env";
import { DEAD_LETTER_SUFFIX, deliverEmail, recordDeadLetter, type Verdict } from "./mail/consumer";
import type { MailQueueMessage } from "./mail/messages";
import { completeReference, type Resolvers } from "./mail/references";
import { retryDelaySeconds } from "./mail/retry";
import type { MailTransport } from "./mail/transport";
import { transportFor } from "./mail/transports";
import { decisionNoticeResolver, SEAT_DECISION } from "./registrations/decision-notice";
import { createServices, type Services } from "./services";

/** What writes the emails recorded by reference (src/mail/references.ts), by name. */
export const resolversFor = (svc: Services): Resolvers => ({
  [SEAT_DECISION]: decisionNoticeResolver(svc),
});

type Handler<K extends MailQueueMessage["kind"]> = (
  svc: Services,
  /** null while mail is held (src/mail/transports.ts). */
  transport: MailTransport | null,
  message: Message<Extract<MailQueueMessage, { kind: K }>>,
) => Promise<void>;

function settle(message: Message<unknown>, verdict: Verdict): void {
  if (verdict.action === "ack") message.ack();
  else message.retry({ delaySeconds: verdict.delaySeconds });
}

const HANDLERS: { [K in MailQueueMessage["kind"]]: Handler<K> } = {
  email: async (svc, transport, message) => {
    // Held mail stays queued in the outbox; the cron resumes it once it may leave.
    if (!transport) return message.ack();
    settle(
      message,
      await deliverEmail(
        svc.db,
        svc.vault,
        transport,
        TEMPLATES,
        svc.settings.mailFrom,
        message.body.emailId,
        message.attempts,
        (email) => completeReference(svc.db, svc.mailer, resolversFor(svc), email),
      ),
    );
  },
  "distribution-prepare": async (svc, _transport, message) => {
    // Retried when the report's email fails to render, like an outbox email's template.
    settle(message, await prepareStep(svc, message.body.distributionId, message.attempts));
  },
  "distribution-chunk": async (svc, transport, message) => {
    // Held: the ledger keeps the chunk unsent, and the sweeper resumes it once mail may leave.
    if (!transport) return message.ack();
    const { body } = message;
    const verdict = await sendChunk(
      svc,
      transport,
      body.distributionId,
      body.chunk,
      message.attempts,
    );
    if (verdict.action === "requeue") {
      // Rate limited: a fresh message after the delay, so waiting never uses up retries.
      await svc.queue.send(body, { delaySeconds: verdict.delaySeconds });
      message.ack();
    } else settle(message, verdict);
  },
};

/**
 * Dead letters: an email's failure is recorded; distribution work needs no record, because
 * its ledger in D1 is resumed by the sweeper.
 */
async function recordDeadLetters(svc: Services, batch: MessageBatch<MailQueueMessage>) {
  for (const message of batch.messages) {
    if (message.body.kind === "email")
      await recordDeadLetter(svc.db, svc.vault, message.body.emailId);
    message.ack();
  }
}

export async function handleQueue(batch: MessageBatch<MailQueueMessage>, env: Env): Promise<void> {
  const svc = createServices(env);
  if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) return recordDeadLetters(svc, batch);
  const transport = transportFor(svc.settings.mail, svc.db);
  for (const message of batch.messages) {
    try {
      const handler = HANDLERS[message.body.kind] as Handler<typeof message.body.kind>;
      await handler(svc, transport, message as never);
    } catch (error) {
      // D1 or rendering trouble: not the provider's fault, so back off and try again.
      console.error("queue work failed", message.body, error);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
