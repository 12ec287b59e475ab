// The Worker's bindings and settings. `npm run types` generates Cloudflare.Env
// (worker-configuration.d.ts) from wrangler.toml and .dev.vars.example; this adds the two
// things it cannot know.
import type { MailQueueMessage } from "./mail/messages";

/** Secrets and settings that may be unset in production (empty in .dev.vars.example). */
type OptionalSetting =
  | "RESEND_API_KEY"
  | "RESEND_BASE_URL"
  | "RESEND_WEBHOOK_SECRET"
  | "TURNSTILE_SITE_KEY"
  | "TURNSTILE_SECRET_KEY"
  | "D1_METRICS";

export interface Env
  extends Omit<Cloudflare.Env, "MAIL_QUEUE" | OptionalSetting>,
    Partial<Pick<Cloudflare.Env, OptionalSetting>> {
  /** The generated type knows the binding, not what we send on it. */
  MAIL_QUEUE: Queue<MailQueueMessage>;
}
