// Public pages (home, workshop, report archive, report, feed) kept for a short while in the
// Workers Cache API, for anonymous visitors only (src/http/page-cache.ts decides who).
//
// One entry per page and language: the key is APP_URL + the page's path + `?lang=` the
// language the page was rendered in (from `?lang=`, the `lang` cookie or Accept-Language),
// so one language's page is never served to another. `variant` adds what else a page
// depends on besides its path and language (the Turnstile site key, when the forms carry
// one), so a configuration change never serves a page rendered under the old one.
//
// A change to what a page shows purges it through `purge(paths)`, the one seam services
// use: every language variant of each path is deleted. `cache.delete` reaches only the
// Cloudflare location (colo) that runs it; elsewhere a copy lives until its TTL ends, which
// is why the TTL is short (docs/http.md, "Cached public pages").
//
// For a few seconds after a purge, pages missing the cache here are read from the D1
// primary rather than from any replica, so a replica that has not caught up with the change
// cannot put the old page back into the cache (`readConstraint`, used by services.ts).
import { LANGS, type Lang } from "../i18n";

/** How long a location keeps a page: also how stale another location can be after a purge. */
export const PAGE_TTL_SECONDS = 30;
/** After a purge, misses in that location read from the primary for this long. */
export const PRIMARY_READS_AFTER_PURGE_SECONDS = 10;
/** A header on every cached page's stored copy: a zone-wide purge by tag can name it. */
export const PAGE_CACHE_TAG = "public-pages";

export interface PageCache {
  /** A page stored for this path and language, if any. */
  match(path: string, lang: Lang): Promise<Response | undefined>;
  /** Stores a rendered 200 page (the response is consumed: pass a clone). */
  put(path: string, lang: Lang, response: Response): Promise<void>;
  /** Drops every language version of these paths in this location. Never throws. */
  purge(paths: string[]): Promise<void>;
  /** Where this request's public reads should go, given what `match` saw. */
  readonly readConstraint: D1SessionConstraint;
}

export function pageKey(appUrl: string, path: string, lang: Lang, variant = ""): string {
  const extra = variant ? `&v=${encodeURIComponent(variant)}` : "";
  return `${appUrl}${path}?lang=${lang}${extra}`;
}

/**
 * The page cache of one request, queue batch or cron run, over `caches.default`.
 * `cache` is a parameter for tests; `caches.default` is what production uses.
 */
export function edgePageCache(
  appUrl: string,
  variant: string,
  cache: () => Cache = () => caches.default,
): PageCache {
  const marker = `${appUrl}/__pages/purged`;
  let purgedRecently = false;
  return {
    async match(path, lang) {
      const hit = await cache().match(pageKey(appUrl, path, lang, variant));
      if (hit) return hit;
      purgedRecently = Boolean(await cache().match(marker));
      return undefined;
    },
    async put(path, lang, response) {
      const stored = new Response(response.body, response);
      stored.headers.set("Cache-Control", `public, max-age=${PAGE_TTL_SECONDS}`);
      stored.headers.set("Cache-Tag", PAGE_CACHE_TAG);
      await cache().put(pageKey(appUrl, path, lang, variant), stored);
    },
    async purge(paths) {
      try {
        const c = cache();
        await Promise.all([
          ...[...new Set(paths)].flatMap((path) =>
            LANGS.map((lang) => c.delete(pageKey(appUrl, path, lang, variant))),
          ),
          c.put(
            marker,
            new Response("purged", {
              headers: { "Cache-Control": `max-age=${PRIMARY_READS_AFTER_PURGE_SECONDS}` },
            }),
          ),
        ]);
      } catch (error) {
        // The change is committed; a copy that outlives it expires within the TTL.
        console.error("page cache purge failed", paths, error);
      }
    },
    get readConstraint() {
      return purgedRecently ? "first-primary" : "first-unconstrained";
    },
  };
}
