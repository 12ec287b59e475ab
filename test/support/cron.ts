// Runs a cron trigger through the Worker's own scheduled handler, as Cloudflare would.
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

/** One run of the trigger `expression`, scheduled at `at` (ms; now by default). */
export const runCron = (expression: string, at = Date.now()) =>
  worker.scheduled(
    createScheduledController({ cron: expression, scheduledTime: at }),
    env,
    createExecutionContext(),
  );
