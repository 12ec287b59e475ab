// Public pages for anonymous visitors come from the edge cache (src/cache/pages.ts). It is
// mounted on the public pages only (src/app.tsx): home, a workshop, the report archive, a
// report, the feed. Anything that could make a page personal bypasses it.
//
// It runs first, before the request context and the security headers: a hit is the whole
// answer, and a page read thousands of times should cost one cache lookup, not the app's
// middleware (issue 10). The stored copy was taken after that middleware ran, so it already
// carries the security headers every answer gets. A misconfigured Worker serves nothing, not
// even a cached page: the app's own refusal answers (src/http/configuration.tsx).
import type { MiddlewareHandler } from "hono";
import { edgePageCache } from "../cache/pages";
import { configurationProblems } from "../env";
import { pageVariant, settingsFrom } from "../services";
import type { AppEnv } from "./context";
import { requestLang } from "./middleware";

/** Cookies that say nothing about who is asking: the chosen language. */
const IMPERSONAL_COOKIES = new Set(["lang"]);

/** Paths whose cache key can be purged by name: nothing encoded, nothing unusual. */
const PLAIN_PATH = /^\/[A-Za-z0-9/._-]*$/;

/** Headers that describe one request, never to be stored with a page (D1_METRICS=on). */
const PER_REQUEST_HEADERS = [
  "X-D1-Round-Trips",
  "X-D1-Queries",
  "X-D1-Rows-Read",
  "X-D1-Rows-Written",
];

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
 * session, `services.reads`, which learns from this lookup whether a purge just happened)
 * and stores a 200 answer. `X-Page-Cache` says which happened (hit, miss, bypass); browsers
 * are told to revalidate, so the edge copy is the only one.
 */
export const pageCache: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!anonymousPageRequest(c.req.raw) || configurationProblems(c.env).length > 0) {
    await next();
    c.res.headers.set("X-Page-Cache", "bypass");
    return;
  }
  const pages = edgePageCache(settingsFrom(c.env).appUrl, pageVariant(c.env));
  c.set("pages", pages);
  const path = new URL(c.req.url).pathname;
  const lang = requestLang(c);
  const hit = await pages.match(path, lang);
  if (hit) {
    const response = new Response(hit.body, hit);
    response.headers.delete("Cache-Tag");
    response.headers.set("Cache-Control", "no-cache");
    response.headers.set("X-Page-Cache", "hit");
    if (c.env.D1_METRICS === "on")
      for (const name of PER_REQUEST_HEADERS) response.headers.set(name, "0");
    return response;
  }
  await next();
  if (c.res.status === 200 && !c.res.headers.has("set-cookie")) {
    const stored = c.res.clone();
    for (const name of PER_REQUEST_HEADERS) stored.headers.delete(name);
    await pages.put(path, lang, stored);
  }
  c.res.headers.set("Cache-Control", "no-cache");
  c.res.headers.set("X-Page-Cache", "miss");
};
