// The Worker's bindings and settings. `npm run types` generates Cloudflare.Env
// (worker-configuration.d.ts) from wrangler.toml and .dev.vars.example; this adds the two
// things it cannot know.
import type { MailQueueMessage } from "./mail/messages";
import { masterKeyProblem } from "./vault/master";

/** Secrets and settings that may be unset in production (empty in .dev.vars.example). */
type OptionalSetting =
  | "RESEND_API_KEY"
  | "RESEND_BASE_URL"
  | "RESEND_WEBHOOK_SECRET"
  | "TURNSTILE_SITE_KEY"
  | "TURNSTILE_SECRET_KEY"
  | "D1_METRICS"
  | "RESEND_RATE"
  | "DATA_KEY_PREVIOUS"
  | "ORG_NAME"
  | "ORG_NAME_AR"
  | "ORG_LOGO_URL"
  | "ORG_ADDRESS"
  | "ARABIC_DIGITS";

export interface Env
  extends Omit<Cloudflare.Env, "MAIL_QUEUE" | OptionalSetting>,
    Partial<Pick<Cloudflare.Env, OptionalSetting>> {
  /** The generated type knows the binding, not what we send on it. */
  MAIL_QUEUE: Queue<MailQueueMessage>;
}

/** The shortest ADMIN_TOKEN and TOKEN_SECRET the Worker accepts (the contract's rule). */
export const MIN_SECRET_LENGTH = 32;

/** Secrets that must be long and random for anything the Worker does to be safe. */
const LONG_SECRETS = ["ADMIN_TOKEN", "TOKEN_SECRET"] as const;

/**
 * Why the Worker must not run with this configuration, one sentence per setting; empty
 * when it may. Names the settings, never their values: the answer goes to whoever asked.
 * A short ADMIN_TOKEN can be guessed (it is an owner); a short TOKEN_SECRET lets anyone
 * forge the signed links of subscribers and attendees.
 */
export const configurationProblems = perEnv((env: Env): readonly string[] => {
  // Without a well-formed DATA_KEY nothing personal can be sealed or opened (src/vault/).
  const vault = masterKeyProblem(env.DATA_KEY, env.DATA_KEY_PREVIOUS);
  const secrets = LONG_SECRETS.flatMap((name) => {
    const value: string | undefined = env[name];
    if (value && value.length >= MIN_SECRET_LENGTH) return [];
    return [
      `${name} is ${value ? `shorter than ${MIN_SECRET_LENGTH} characters` : "not set"}: set it to a random string of at least ${MIN_SECRET_LENGTH} characters (wrangler secret put ${name}; locally, in .dev.vars).`,
    ];
  });
  return vault ? [...secrets, vault] : secrets;
});

/**
 * `derive(env)`, worked out once per env object. Every request of an isolate gets the same
 * env, and what is derived from it (settings, configuration checks) was worked out again
 * on every request, several times for some: part of the CPU of the busiest paths. A
 * different env object (tests, a metered copy) gets its own.
 */
export function perEnv<T>(derive: (env: Env) => T): (env: Env) => T {
  const derived = new WeakMap<Env, T>();
  return (env) => {
    if (!derived.has(env)) derived.set(env, derive(env));
    return derived.get(env) as T;
  };
}
