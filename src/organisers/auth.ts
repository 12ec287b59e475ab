// Who is calling: a bearer token (ADMIN_TOKEN or an organiser API token) or the session
// cookie. Mounted on /admin and /api only, so public pages cost no session lookup.
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv, SignedInEnv } from "../http/context";
import { errorResponse } from "../http/errors";
import { type Actor, can, type Permission } from "./roles";
import { resolveBearer, resolveSession, SESSION_TTL_MS } from "./service";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Secure cookies everywhere but plain-http localhost, where browsers would drop them. */
function cookieIsSecure(c: Context): boolean {
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
    if (cookie) c.set("actor", await resolveSession(db, cookie));
  }
  await next();
};

/**
 * A route's access rule, declared where the route is declared:
 * `requires("attendees.read", { workshop: "id" })` reads "needs attendees.read on the
 * workshop whose id is the path parameter `id`". The scope names the workshop so that
 * workshop-level membership can be checked here, in one place, for every route that has one.
 */
export type Scope =
  /** The path parameter that holds the workshop id. */
  | { workshop: string }
  /** The path parameter that holds a registration (or invitation) of the workshop. */
  | { registration: string }
  | { invitation: string };

/**
 * 401 when nobody is signed in (pages redirect to the sign-in form), 403 when the role
 * does not allow it. After it, handlers read a non-null `c.var.actor`.
 */
export function requires(permission: Permission, _scope?: Scope): MiddlewareHandler<SignedInEnv> {
  return async (c, next) => {
    const actor = c.var.actor as Actor | null;
    if (!actor) {
      if (c.req.method === "GET" && c.req.path.startsWith("/admin")) {
        return c.redirect(`/admin/sign-in?next=${encodeURIComponent(c.req.path)}`, 303);
      }
      return errorResponse(c, 401, "Sign in, or send an Authorization: Bearer token.");
    }
    if (!can(actor.role, permission)) {
      return errorResponse(c, 403, `Your role (${actor.role}) does not allow this.`);
    }
    await next();
  };
}
