// One service context, built from the Worker's env in one place, for routes, the queue
// consumer and cron alike. Features receive it (or only its `db`) as an argument: a service
// never reads `env` or a Hono context, so every rule can run from any entry point.
import { type Brand, brandFrom, senderOf } from "./brand/brand";
import { edgePageCache, type PageCache } from "./cache/pages";
import { createDb, type Db } from "./db/client";
import { type D1Meter, meteredIfOn } from "./db/metering";
import { type Env, perEnv } from "./env";
import { type ArabicDigits, arabicDigitsFrom, setArabicDigits } from "./i18n";
import type { MailQueueMessage } from "./mail/messages";
import { Mailer } from "./mail/outbox";
import { rateFrom } from "./mail/pacing";
import { isLocalUrl, type MailConfig } from "./mail/transports";
import { Vault } from "./vault/keys";
import { masterKeys } from "./vault/master";

/** The settings services need, read once from env (see the README's configuration table). */
export interface Settings {
  /** Absolute base of every link the app writes (emails, feeds, calendar files). */
  appUrl: string;
  /** Sender of every email: the organisation's name with MAIL_FROM's address. */
  mailFrom: string;
  /** The organisation: name, logo, postal address (src/brand/brand.ts). */
  brand: Brand;
  /** Key of signed tokens (unsubscribe, subscriber pages). */
  tokenSecret: string;
  /** How mail leaves (src/mail/transports.ts), and how fast it may (RESEND_RATE). */
  mail: MailConfig;
  /** Arabic dates and numbers in Latin or Arabic-Indic digits (ARABIC_DIGITS). */
  arabicDigits: ArabicDigits;
}

export interface Services {
  /** The database; reads and writes go to the primary. */
  db: Db;
  /**
   * For anonymous public pages only: reads through a D1 session that a read replica may
   * serve when the database has replication on ("first-unconstrained"; README, "Read
   * replicas"), so they may be a moment behind a write. Right after a purge of the page
   * cache they go to the primary instead (src/cache/pages.ts).
   */
  reads: Db;
  /** Public pages in the edge cache: services purge what a change makes stale. */
  pages: PageCache;
  mailer: Mailer;
  queue: Queue<MailQueueMessage>;
  settings: Settings;
  /** The data keys that seal everything personal (src/vault/keys.ts). */
  vault: Vault;
  /** R2: the bytes of reports' files (PDF editions, images), keyed by ids (src/reports/storage.ts). */
  files: R2Bucket;
  /** The current time; one source so tests and cron can pin it. */
  now: () => Date;
}

export const settingsFrom = perEnv((env: Env): Settings => {
  const appUrl = env.APP_URL.replace(/\/$/, "");
  return {
    appUrl,
    mailFrom: senderOf(env.MAIL_FROM, env.ORG_NAME),
    brand: brandFrom(env, appUrl),
    tokenSecret: env.TOKEN_SECRET,
    mail: {
      resendApiKey: env.RESEND_API_KEY || undefined,
      resendBaseUrl: env.RESEND_BASE_URL || undefined,
      resendRate: rateFrom(env.RESEND_RATE),
      local: isLocalUrl(env.APP_URL),
    },
    arabicDigits: arabicDigitsFrom(env.ARABIC_DIGITS),
  };
});

/**
 * What a public page depends on besides its path and language: the Turnstile site key, and
 * Arabic-Indic digits when set (the default adds nothing, so existing keys stay as they were).
 */
export const pageVariant = perEnv((env: Env): string => {
  const turnstile =
    env.TURNSTILE_SITE_KEY && env.TURNSTILE_SECRET_KEY ? env.TURNSTILE_SITE_KEY : "";
  const digits = arabicDigitsFrom(env.ARABIC_DIGITS);
  return digits === "latn" ? turnstile : `${turnstile}|nu=${digits}`;
});

/**
 * Built for every request, queue batch and cron run. The database handles are made on first
 * use: a page served from the cache, or /healthz, never builds one.
 */
export function createServices(
  env: Env,
  options: { meter?: D1Meter; now?: () => Date; pages?: PageCache } = {},
): Services {
  const settings = settingsFrom(env);
  // The formatters read it with the language alone (src/i18n/index.ts).
  setArabicDigits(settings.arabicDigits);
  const pages = options.pages ?? edgePageCache(settings.appUrl, pageVariant(env));
  let db: Db | undefined;
  let reads: Db | undefined;
  let mailer: Mailer | undefined;
  let vault: Vault | undefined;
  return {
    get db() {
      db ??= createDb(meteredIfOn(env, options.meter));
      return db;
    },
    get reads() {
      reads ??= createDb(
        meteredIfOn(env, options.meter).withSession(pages.readConstraint) as unknown as D1Database,
      );
      return reads;
    },
    pages,
    get mailer() {
      mailer ??= new Mailer(this.db, env.MAIL_QUEUE, settings.brand);
      return mailer;
    },
    queue: env.MAIL_QUEUE,
    settings,
    get vault() {
      vault ??= new Vault(this.db, () => masterKeys(env.DATA_KEY, env.DATA_KEY_PREVIOUS));
      return vault;
    },
    files: env.FILES,
    now: options.now ?? (() => new Date()),
  };
}
