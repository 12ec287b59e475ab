// The mail queue's consumer, run as the queue would run it: for tests that choose when an
// email is delivered, on which attempt, and with which environment.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import type { MailQueueMessage } from "../../src/mail/messages";

/**
 * Runs the real queue handler on a batch, as the queue would deliver it. getQueueResult
 * does not report retry delays in this plugin version, so the delay each message is
 * retried with is read off its retry() call.
 */
export async function deliver(
  messages: { id: string; emailId: string; attempts: number }[],
  workerEnv: Env = env,
  queue = "workshops-mail",
) {
  const batch = createMessageBatch<MailQueueMessage>(
    queue,
    messages.map((m) => ({
      id: m.id,
      timestamp: new Date(),
      attempts: m.attempts,
      body: { kind: "email", emailId: m.emailId },
    })),
  );
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      delays.set(message.id, options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, workerEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  return {
    ...result,
    retryMessages: result.retryMessages.map((r) => ({ ...r, delaySeconds: delays.get(r.msgId) })),
  };
}
