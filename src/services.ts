// One service context, built from the Worker's env in one place, for routes, the queue
// consumer and cron alike. Features receive it (or only its `db`) as an argument: a service
// never reads `env` or a Hono context, so every rule can run from any entry point.
import { createDb, type Db } from "./db/client";
import { type D1Meter, meteredIfOn } from "./db/metering";
import type { Env } from "./env";
import type { MailQueueMessage } from "./mail/messages";
import { Mailer } from "./mail/outbox";
import { isLocalUrl, type MailConfig } from "./mail/transports";

/** The settings services need, read once from env (see the README's configuration table). */
export interface Settings {
  /** Absolute base of every link the app writes (emails, feeds, calendar files). */
  appUrl: string;
  /** Sender of every email. */
  mailFrom: string;
  /** Key of signed tokens (unsubscribe, subscriber pages). */
  tokenSecret: string;
  /** How mail leaves (src/mail/transports.ts). */
  mail: MailConfig;
}

export interface Services {
  db: Db;
  mailer: Mailer;
  queue: Queue<MailQueueMessage>;
  settings: Settings;
  /** The current time; one source so tests and cron can pin it. */
  now: () => Date;
}

export function settingsFrom(env: Env): Settings {
  return {
    appUrl: env.APP_URL.replace(/\/$/, ""),
    mailFrom: env.MAIL_FROM,
    tokenSecret: env.TOKEN_SECRET,
    mail: {
      resendApiKey: env.RESEND_API_KEY || undefined,
      resendBaseUrl: env.RESEND_BASE_URL || undefined,
      local: isLocalUrl(env.APP_URL),
    },
  };
}

export function createServices(
  env: Env,
  options: { meter?: D1Meter; now?: () => Date } = {},
): Services {
  const db = createDb(meteredIfOn(env, options.meter));
  return {
    db,
    mailer: new Mailer(db, env.MAIL_QUEUE),
    queue: env.MAIL_QUEUE,
    settings: settingsFrom(env),
    now: options.now ?? (() => new Date()),
  };
}
