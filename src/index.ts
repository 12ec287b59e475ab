// Worker entry: HTTP (Hono), the mail queue consumer, and cron.
import { createApp } from "./app";
import type { Env } from "./env";
import { runScheduled } from "./jobs/scheduled";
import { handleMailBatch } from "./mail/consumer";
import type { MailQueueMessage } from "./mail/messages";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleMailBatch(batch, env),
  scheduled: (controller, env) => runScheduled(controller, env),
} satisfies ExportedHandler<Env, MailQueueMessage>;
