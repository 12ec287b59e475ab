// Worker entry: HTTP (Hono), the mail queue consumer, and cron.
import { createApp } from "./app";
import type { Env } from "./env";
import { runScheduled } from "./jobs/scheduled";
import { handleMailBatch } from "./mail/consumer";
import type { MailQueueMessage } from "./mail/messages";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env, _ctx) => handleMailBatch(batch, env),
  scheduled: (controller, env, _ctx) => runScheduled(controller, env),
} satisfies ExportedHandler<Env, MailQueueMessage>;
