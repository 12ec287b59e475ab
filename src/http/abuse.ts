// Abuse protection for public POST endpoints: per-client throttling through the Workers
// Rate Limiting binding, and Turnstile when both keys are configured. Turnstile fails
// closed: if its verification cannot be reached, the request is refused.
import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../lib/errors";
import type { AppEnv } from "./context";
import { errorResponse } from "./errors";

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
