// The Worker's bindings and settings (see CONTRACT.md "Running it" and wrangler.toml).
import type { MailQueueMessage } from "./mail/messages";

export interface Env {
  DB: D1Database;
  MAIL_QUEUE: Queue<MailQueueMessage>;
  PUBLIC_LIMITER: RateLimit;

  APP_URL: string;
  MAIL_FROM: string;
  ADMIN_TOKEN: string;
  TOKEN_SECRET: string;
  THROTTLE?: string;
  /** "on": report D1 rows read/written per request in X-D1-* headers (benchmarks only). */
  D1_METRICS?: string;

  RESEND_API_KEY?: string;
  RESEND_BASE_URL?: string;
  RESEND_WEBHOOK_SECRET?: string;

  TURNSTILE_SITE_KEY?: string;
  TURNSTILE_SECRET_KEY?: string;
}

type AppBindings = Env;

declare global {
  namespace Cloudflare {
    interface Env extends AppBindings {}
  }
}
