// Public pages for anonymous visitors come from the edge cache (src/cache/pages.ts). It is
// mounted on the public pages only (src/app.tsx): home, a workshop, the report archive, a
// report, the feed. Anything that could make a page personal bypasses it. It runs after the
// security headers (which every answer gets, cached or not) and the configuration check (a
// misconfigured Worker serves nothing, not even a cached page).
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";

/** Cookies that say nothing about who is asking: the chosen language. */
const IMPERSONAL_COOKIES = new Set(["lang"]);

/** Paths whose cache key can be purged by name: nothing encoded, nothing unusual. */
const PLAIN_PATH = /^\/[A-Za-z0-9/._-]*$/;

/**
 * Whether this request may be answered from, and stored in, the cache: a GET or HEAD with
 * no Authorization, no cookie except `lang`, no query but one `lang`, and a plain path.
 * A request with anything else gets the page rendered for it alone, as before.
 */
export function anonymousPageRequest(request: Request): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  if (request.headers.has("authorization")) return false;
  const cookie = request.headers.get("cookie");
  if (cookie) {
    const names = cookie.split(";").map((part) => part.split("=")[0]!.trim());
    if (names.some((name) => name && !IMPERSONAL_COOKIES.has(name))) return false;
  }
  const url = new URL(request.url);
  const params = [...url.searchParams.keys()];
  if (params.some((name) => name !== "lang") || params.length > 1) return false;
  return PLAIN_PATH.test(url.pathname);
}

/**
 * Serves a cached copy when there is one; otherwise renders (reading through the replica
 * session, `services.reads`) and stores a 200 answer. `X-Page-Cache` says which happened
 * (hit, miss, bypass); browsers are told to revalidate, so the edge copy is the only one.
 */
export const pageCache: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!anonymousPageRequest(c.req.raw)) {
    await next();
    c.res.headers.set("X-Page-Cache", "bypass");
    return;
  }
  const { pages } = c.var.services;
  const path = new URL(c.req.url).pathname;
  const lang = c.get("lang");
  const hit = await pages.match(path, lang);
  if (hit) {
    const response = new Response(hit.body, hit);
    response.headers.delete("Cache-Tag");
    response.headers.set("Cache-Control", "no-cache");
    response.headers.set("X-Page-Cache", "hit");
    c.res = response;
    return;
  }
  await next();
  if (c.res.status === 200 && !c.res.headers.has("set-cookie")) {
    await pages.put(path, lang, c.res.clone());
  }
  c.res.headers.set("Cache-Control", "no-cache");
  c.res.headers.set("X-Page-Cache", "miss");
};
