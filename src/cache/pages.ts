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
// In front of the Cache API, each isolate keeps the pages it served last in memory for a
// few seconds (`IsolatePages`): a report shared widely is read many times a second from the
// same isolate, and a memory hit costs no subrequest. A purge clears the purging isolate's
// copies at once; other isolates drop theirs within ISOLATE_TTL_SECONDS (the same kind of
// lag as other locations, and shorter).
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

/** How long an isolate serves a page from its own memory before asking the Cache API again. */
export const ISOLATE_TTL_SECONDS = 5;
/** At most this many pages (and bytes) held in one isolate's memory; the oldest go first. */
const ISOLATE_MAX_PAGES = 64;
const ISOLATE_MAX_BYTES = 8 * 2 ** 20;

export interface HeldPage {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
  until: number;
}

/**
 * The pages this isolate served last, by cache key, oldest first (a Map keeps insertion
 * order, and a page is re-inserted when stored again). Bounded in count and bytes.
 */
export class IsolatePages {
  private pages = new Map<string, HeldPage>();
  private bytes = 0;

  get(key: string, now: number): Response | undefined {
    const page = this.pages.get(key);
    if (!page) return undefined;
    if (page.until <= now) {
      this.delete(key);
      return undefined;
    }
    return new Response(page.body, { status: page.status, headers: page.headers });
  }

  set(key: string, page: HeldPage): void {
    this.delete(key);
    if (page.body.byteLength > ISOLATE_MAX_BYTES / 4) return;
    this.pages.set(key, page);
    this.bytes += page.body.byteLength;
    for (const [oldest] of this.pages) {
      if (this.pages.size <= ISOLATE_MAX_PAGES && this.bytes <= ISOLATE_MAX_BYTES) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const page = this.pages.get(key);
    if (!page) return;
    this.bytes -= page.body.byteLength;
    this.pages.delete(key);
  }
}

/** One per isolate: module state lives as long as the isolate does. */
const isolatePages = new IsolatePages();

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

/** What the isolate keeps of a page: its bytes and headers, until ISOLATE_TTL_SECONDS from now. */
function hold(response: Response, body: ArrayBuffer, now: number): HeldPage {
  return {
    status: response.status,
    headers: [...response.headers],
    body,
    until: now + ISOLATE_TTL_SECONDS * 1000,
  };
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
  /** The isolate's own copies; null for none (tests of the Cache API layer alone). */
  memory: IsolatePages | null = isolatePages,
): PageCache {
  const marker = `${appUrl}/__pages/purged`;
  let purgedRecently = false;
  return {
    async match(path, lang) {
      const key = pageKey(appUrl, path, lang, variant);
      const now = Date.now();
      const held = memory?.get(key, now);
      if (held) return held;
      const hit = await cache().match(key);
      if (hit) {
        if (!memory) return hit;
        const body = await hit.arrayBuffer();
        memory.set(key, hold(hit, body, now));
        return new Response(body, hit);
      }
      purgedRecently = Boolean(await cache().match(marker));
      return undefined;
    },
    async put(path, lang, response) {
      const key = pageKey(appUrl, path, lang, variant);
      const body = await response.arrayBuffer();
      const stored = new Response(body, response);
      stored.headers.set("Cache-Control", `public, max-age=${PAGE_TTL_SECONDS}`);
      stored.headers.set("Cache-Tag", PAGE_CACHE_TAG);
      memory?.set(key, hold(stored, body, Date.now()));
      await cache().put(key, stored);
    },
    async purge(paths) {
      try {
        const c = cache();
        const keys = [...new Set(paths)].flatMap((path) =>
          LANGS.map((lang) => pageKey(appUrl, path, lang, variant)),
        );
        for (const key of keys) memory?.delete(key);
        await Promise.all([
          ...keys.map((key) => c.delete(key)),
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
