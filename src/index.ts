// Worker entry: HTTP (Hono), the mail queue, and cron.
import { createApp } from "./app";
import type { Env } from "./env";
import { runScheduled } from "./jobs/scheduled";
import type { MailQueueMessage } from "./mail/messages";
import { handleQueue } from "./queue";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env, _ctx) => handleQueue(batch, env),
  scheduled: (controller, env, _ctx) => runScheduled(controller, env),
} satisfies ExportedHandler<Env, MailQueueMessage>;
