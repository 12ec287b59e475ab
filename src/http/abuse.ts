// Abuse protection for public POST endpoints and the sign-in forms: throttling through the
// Workers Rate Limiting bindings, and Turnstile when both keys are configured. Turnstile fails
// closed: if its verification cannot be reached, the request is refused.
import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../lib/errors";
import { normaliseEmail } from "../lib/text";
import { sha256Hex } from "../lib/tokens";
import type { AppEnv } from "./context";
import { errorResponse } from "./errors";
import { cspWith } from "./middleware";

export const TURNSTILE_VERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
export const TURNSTILE_FIELD = "cf-turnstile-response";

export function clientKey(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}

export const throttlePublicPosts: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== "POST" || c.env.THROTTLE === "off") return next();
  const { success } = await c.env.PUBLIC_LIMITER.limit({
    key: `${clientKey(c)}:${c.req.routePath}`,
  });
  if (!success) {
    c.header("Retry-After", "60");
    return errorResponse(
      c,
      429,
      "Too many requests from this address; wait a minute and try again.",
    );
  }
  return next();
};

/**
 * Sign-in attempts, through their own limiter (SIGNIN_LIMITER, 5 a minute per key). One
 * client trying many addresses or many admin tokens runs out on its `client:` key; one
 * address asked for from many clients (mail-bombing an organiser, or probing it from a
 * botnet) runs out on its `email:` key, the SHA-256 of the normalised address so the
 * limiter never holds it. The client is counted first, and the address only if the client
 * may go on, so one client cannot spend other people's budget faster than its own. Neither
 * key depends on whether the address has an account, so a 429 says nothing about that.
 * Returns whether the attempt may proceed.
 */
export async function signInAllowed(c: Context<AppEnv>, email?: string): Promise<boolean> {
  if (c.env.THROTTLE === "off") return true;
  const keys = [`client:${clientKey(c)}`];
  if (email) keys.push(`email:${await sha256Hex(normaliseEmail(email))}`);
  for (const key of keys) {
    if (!(await c.env.SIGNIN_LIMITER.limit({ key })).success) return false;
  }
  return true;
}

/** How long a refused sign-in should wait: the limiter's window. */
export const SIGN_IN_RETRY_AFTER_SECONDS = 60;

export function turnstileEnabled(env: AppEnv["Bindings"]): boolean {
  return Boolean(env.TURNSTILE_SITE_KEY && env.TURNSTILE_SECRET_KEY);
}

export const TURNSTILE_SCRIPT = "https://challenges.cloudflare.com/turnstile/v0/api.js";
const TURNSTILE_ORIGIN = "https://challenges.cloudflare.com";

/**
 * For a page with a public form: when Turnstile is on, allow its script and frame in this
 * response's CSP and return the site key for the widget.
 */
export function turnstileForPage(c: Context<AppEnv>): string | undefined {
  if (!turnstileEnabled(c.env)) return undefined;
  c.header(
    "Content-Security-Policy",
    cspWith({
      scriptSrc: [TURNSTILE_ORIGIN],
      frameSrc: [TURNSTILE_ORIGIN],
      connectSrc: [TURNSTILE_ORIGIN],
    }),
  );
  return c.env.TURNSTILE_SITE_KEY;
}

/** Throws unless Turnstile is off or the token checks out with Cloudflare. */
export async function requireHuman(c: Context<AppEnv>, token: string | undefined): Promise<void> {
  if (!turnstileEnabled(c.env)) return;
  const refuse = () =>
    new AppError("forbidden", "The anti-abuse check failed; reload the page and try again.");
  if (!token) throw refuse();
  try {
    const body = new FormData();
    body.set("secret", c.env.TURNSTILE_SECRET_KEY!);
    body.set("response", token);
    body.set("remoteip", clientKey(c));
    const answer = await fetch(TURNSTILE_VERIFY_URL, {
      method: "POST",
      body,
      signal: AbortSignal.timeout(5000),
    });
    const result = (await answer.json()) as { success?: boolean };
    if (!answer.ok || result.success !== true) throw refuse();
  } catch (error) {
    if (error instanceof AppError) throw error;
    console.error("turnstile verification unavailable", error);
    throw refuse();
  }
}
