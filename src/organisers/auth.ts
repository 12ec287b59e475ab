// Who is calling: a bearer token (ADMIN_TOKEN or an organiser API token) or the session
// cookie. Mounted on /admin and /api only, so public pages cost no session lookup. What the
// actor may do is decided per route by `requires` (src/http/guard.ts).
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../http/context";
import { errorResponse } from "../http/errors";
import { isSafeMethod, isSameOrigin } from "../http/middleware";
import { resolveSession, SESSION_TTL_MS } from "./sign-in";
import { resolveBearer } from "./tokens";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Secure cookies everywhere but plain-http localhost, where browsers would drop them. */
export function cookieIsSecure(c: Context): boolean {
  const url = new URL(c.req.url);
  return url.protocol === "https:" || !LOCAL_HOSTS.has(url.hostname);
}

/** `__Host-` pins the cookie to this host and path `/`; it requires Secure. */
function sessionCookieName(c: Context): string {
  return cookieIsSecure(c) ? "__Host-session" : "session";
}

export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, sessionCookieName(c), token, {
    httpOnly: true,
    secure: cookieIsSecure(c),
    sameSite: "Lax",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookieName(c), { path: "/", secure: cookieIsSecure(c) });
}

/**
 * Cookie-authenticated API requests that change something must come from our own pages.
 * The browser sends the session cookie with every same-site request, and SameSite=Lax
 * counts a sibling subdomain as same-site; a bodiless or form-encoded POST needs no CORS
 * preflight. Without this, a page on any other subdomain of the organisation could cancel
 * a workshop in a signed-in organiser's name. Bearer tokens are never sent by a browser on
 * its own, so requests with an Authorization header (which then decides who is calling,
 * not the cookie) are not concerned. /admin forms get the same rule from Hono's `csrf`.
 */
export const sameOriginSessions: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (
    isSafeMethod(c) ||
    c.req.header("authorization") !== undefined ||
    getCookie(c, sessionCookieName(c)) === undefined ||
    isSameOrigin(c)
  )
    return next();
  return errorResponse(
    c,
    403,
    "Cross-origin request refused: a request signed in with the session cookie must come from this site's own pages. Scripts should send Authorization: Bearer <token>.",
  );
};

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const db = c.var.services.db;
  const authorization = c.req.header("authorization");
  if (authorization) {
    const [scheme, token] = authorization.split(/\s+/, 2);
    if (scheme?.toLowerCase() === "bearer" && token) {
      c.set("actor", await resolveBearer(db, c.env.ADMIN_TOKEN, token));
    }
  } else {
    const cookie = getCookie(c, sessionCookieName(c));
    if (cookie) c.set("actor", await resolveSession(db, c.env.ADMIN_TOKEN, cookie));
  }
  await next();
};
