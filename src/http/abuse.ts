// Abuse protection for public POST endpoints: per-client throttling through the Workers
// Rate Limiting binding, and Turnstile when both keys are configured. Turnstile fails
// closed: if its verification cannot be reached, the request is refused.
import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../lib/errors";
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
