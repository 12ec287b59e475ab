// Worker entry: HTTP (Hono), the mail queue, and cron.
import { createApp } from "./app";
import { configurationProblems, type Env } from "./env";
import { runScheduled } from "./jobs/scheduled";
import type { MailQueueMessage } from "./mail/messages";
import { handleQueue } from "./queue";

const app = createApp();

/**
 * With secrets too short to trust (src/env.ts), no entry point does any work: the app
 * answers 503 (src/http/configuration.tsx), cron fails loudly, and queue messages wait.
 * Nothing is lost meanwhile: mail and distributions live in D1, and the cron resumes them
 * once the configuration is fixed, even if their messages were dead-lettered.
 */
function refused(env: Env): string | null {
  const problems = configurationProblems(env);
  return problems.length ? `refusing to run: ${problems.join(" ")}` : null;
}

export default {
  fetch: app.fetch,
  queue: async (batch, env, _ctx) => {
    const reason = refused(env);
    if (reason) {
      console.error(reason);
      return batch.retryAll({ delaySeconds: 300 });
    }
    return handleQueue(batch, env);
  },
  scheduled: async (controller, env, _ctx) => {
    const reason = refused(env);
    if (reason) throw new Error(reason);
    return runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env, MailQueueMessage>;
