// Public pages from the edge cache: served without D1 when warm, purged by every change
// that shows on them, never shared between languages or with anyone carrying credentials.
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  edgePageCache,
  ISOLATE_TTL_SECONDS,
  IsolatePages,
  PAGE_TTL_SECONDS,
} from "../src/cache/pages";
import { reports } from "../src/db/schema";
import type { Env } from "../src/env";
import { MINUTELY, runScheduled } from "../src/jobs/scheduled";
import { createServices } from "../src/services";
import { app } from "./support/app";
import { ADMIN, db, json, ownerCookie, uniqueEmail } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

/** The test env with D1 metering on: each answer says how many D1 queries it made. */
const metered = { ...env, D1_METRICS: "on" } as Env;

interface View {
  status: number;
  cache: string | null;
  queries: number;
  html: string;
  headers: Headers;
}

async function view(path: string, headers: Record<string, string> = {}, method = "GET") {
  const res = await app.request(path, { method, headers }, metered, createExecutionContext());
  return {
    status: res.status,
    cache: res.headers.get("x-page-cache"),
    queries: Number(res.headers.get("x-d1-queries")),
    html: await res.text(),
    headers: res.headers,
  } satisfies View;
}

const SECURITY_HEADERS = [
  "content-security-policy",
  "referrer-policy",
  "x-frame-options",
  "x-content-type-options",
  "cross-origin-resource-policy",
  "cross-origin-opener-policy",
  "permissions-policy",
  "strict-transport-security",
];

/** Views a page until it is in the cache, then returns the cached view. */
async function warm(path: string, headers: Record<string, string> = {}) {
  await view(path, headers);
  const again = await view(path, headers);
  expect(again.cache, path).toBe("hit");
  return again;
}

const purge = (paths: string[]) => createServices(env).pages.purge(paths);

async function draftReport(title: string) {
  const res = await json(
    "/api/v1/reports",
    "POST",
    {
      defaultLanguage: "en",
      versions: [
        { language: "en", title, summary: "In short.", body: "What was said." },
        { language: "ar", title: `${title} (ar)`, body: "ما قيل." },
      ],
    },
    ADMIN,
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

beforeAll(() => purge(["/", "/reports", "/reports/feed.xml"]));

describe("a warm public page", () => {
  it("is served from the cache with no D1 query, for each public page", async () => {
    const w = await createWorkshop();
    const r = await draftReport("Cached findings");
    await json(`/api/v1/reports/${r.id}/publish`, "POST", {}, ADMIN);
    for (const path of [
      "/",
      `/workshops/${w.slug}`,
      "/reports",
      `/reports/${r.slug}`,
      "/reports/feed.xml",
      `/reports/${r.slug}?lang=ar`,
    ]) {
      const first = await view(path);
      expect(first.status, path).toBe(200);
      expect(first.cache, path).toBe("miss");
      expect(first.queries, path).toBeGreaterThan(0);
      const second = await view(path);
      expect(second, path).toMatchObject({ status: 200, cache: "hit", queries: 0 });
      expect(second.html, path).toBe(first.html);
      // The edge keeps the copy; browsers revalidate. Security headers are on every answer.
      expect(second.headers.get("cache-control")).toBe("no-cache");
      expect(second.headers.get("cache-tag")).toBeNull();
      // A hit skips the app's middleware: the stored copy must carry what it added.
      for (const name of SECURITY_HEADERS)
        expect(second.headers.get(name), `${path}: ${name}`).toBe(first.headers.get(name));
      expect(second.headers.get("x-content-type-options")).toBe("nosniff");
      expect(second.headers.get("content-type")).toBe(first.headers.get("content-type"));
    }
  });

  it("answers HEAD from the cache too, without a body", async () => {
    const w = await createWorkshop();
    await warm(`/workshops/${w.slug}`);
    const head = await view(`/workshops/${w.slug}`, {}, "HEAD");
    expect(head).toMatchObject({ status: 200, cache: "hit", queries: 0, html: "" });
  });

  it("stores only 200 answers: an unknown page is looked up every time", async () => {
    const path = `/workshops/not-yet-${Math.random().toString(36).slice(2, 8)}`;
    expect((await view(path)).status).toBe(404);
    const again = await view(path);
    expect(again.status).toBe(404);
    expect(again.queries).toBeGreaterThan(0);
  });
});

describe("a change shows on the next request", () => {
  it("publishing, editing and cancelling a workshop", async () => {
    const w = await createWorkshop({}, false);
    const home = await warm("/");
    expect(home.html).not.toContain(w.slug);

    expect((await json(`/api/v1/workshops/${w.id}/publish`, "POST", {}, ADMIN)).status).toBe(200);
    const listed = await view("/");
    expect(listed.cache).toBe("miss");
    expect(listed.html).toContain(`/workshops/${w.slug}`);

    await warm(`/workshops/${w.slug}`);
    const title = `Renamed dialogue ${Math.random().toString(36).slice(2, 6)}`;
    expect((await json(`/api/v1/workshops/${w.id}`, "PATCH", { title }, ADMIN)).status).toBe(200);
    const renamed = await view(`/workshops/${w.slug}`);
    expect(renamed.cache).toBe("miss");
    expect(renamed.html).toContain(title);
    expect((await view("/")).html).toContain(title);

    await warm(`/workshops/${w.slug}`);
    expect((await json(`/api/v1/workshops/${w.id}/cancel`, "POST", {}, ADMIN)).status).toBe(200);
    const cancelled = await view(`/workshops/${w.slug}`);
    expect(cancelled.cache).toBe("miss");
    expect(cancelled.html).not.toContain(`action="/workshops/${w.slug}/register`);
    expect((await view("/")).html).not.toContain(`/workshops/${w.slug}`);
  });

  it("a new slug purges the old page and the new one", async () => {
    const w = await createWorkshop();
    await warm(`/workshops/${w.slug}`);
    const slug = `moved-${Math.random().toString(36).slice(2, 8)}`;
    expect((await json(`/api/v1/workshops/${w.id}`, "PATCH", { slug }, ADMIN)).status).toBe(200);
    expect((await view(`/workshops/${w.slug}`)).status).toBe(404);
    expect((await view(`/workshops/${slug}`)).status).toBe(200);
  });

  it("a seat taken while places stay open purges nothing: the pages show no count", async () => {
    const w = await createWorkshop({ capacity: 40, requireVerification: false });
    await warm(`/workshops/${w.slug}`);
    const reg = await json(
      `/api/v1/public/workshops/${w.slug}/registrations`,
      "POST",
      { name: "Seat Taker", email: uniqueEmail("open") },
      {},
    );
    expect(reg.status).toBe(201);
    expect((await view(`/workshops/${w.slug}`)).cache).toBe("hit");
  });

  it("a seat change purges by the seats in its own transaction, not a stale read", async () => {
    const { moveSeats } = await import("../src/registrations/service");
    const { getWorkshop } = await import("../src/workshops/service");
    const { registrations } = await import("../src/db/schema");
    const w = await createWorkshop({ capacity: 2, waitlist: false, requireVerification: false });
    const register = (name: string) =>
      json(
        `/api/v1/public/workshops/${w.slug}/registrations`,
        "POST",
        { name, email: uniqueEmail("stale") },
        {},
      );
    expect((await register("First")).status).toBe(201);
    // A request reads the workshop now (one seat left) and is slow...
    const stale = await getWorkshop(db(), w.id);
    // ...while another takes the last seat: the page says full, with no form.
    expect((await register("Second")).status).toBe(201);
    const form = `action="/workshops/${w.slug}/register`;
    expect((await warm(`/workshops/${w.slug}`)).html).not.toContain(form);
    // The slow request frees a seat. By its own read nothing changed (one left before and
    // after); by its transaction the page went from full to open, so it is purged.
    const [first] = await db()
      .select({ id: registrations.id })
      .from(registrations)
      .where(eq(registrations.workshopId, w.id))
      .limit(1);
    await moveSeats(createServices(env), stale, {
      registrationId: first!.id,
      from: ["confirmed"],
      target: { to: "cancelled" },
      now: new Date(),
    });
    const after = await view(`/workshops/${w.slug}`);
    expect(after.cache).toBe("miss");
    expect(after.html).toContain(form);
  });

  it("a seat taken or given back changes the workshop page and the home page", async () => {
    const w = await createWorkshop({ capacity: 1, waitlist: false, requireVerification: false });
    const form = `action="/workshops/${w.slug}/register`;
    expect((await warm(`/workshops/${w.slug}`)).html).toContain(form);
    const homeBefore = (await warm("/")).html;

    const email = uniqueEmail("seat");
    const reg = await json(
      `/api/v1/public/workshops/${w.slug}/registrations`,
      "POST",
      { name: "Seat Taker", email },
      {},
    );
    expect(reg.status).toBe(201);
    const full = await view(`/workshops/${w.slug}`);
    expect(full.cache).toBe("miss");
    expect(full.html).not.toContain(form);
    const homeAfter = await view("/");
    expect(homeAfter.cache).toBe("miss");
    expect(homeAfter.html).not.toBe(homeBefore);

    // An organiser cancels the registration: the seat is free again.
    const list = (await (
      await app.request(
        `/api/v1/workshops/${w.id}/registrations`,
        { headers: ADMIN },
        env,
        createExecutionContext(),
      )
    ).json()) as { data: { id: string; email: string }[] };
    const id = list.data.find((r) => r.email === email)!.id;
    await warm(`/workshops/${w.slug}`);
    expect(
      (await json(`/api/v1/registrations/${id}`, "PATCH", { status: "cancelled" }, ADMIN)).status,
    ).toBe(200);
    const open = await view(`/workshops/${w.slug}`);
    expect(open.cache).toBe("miss");
    expect(open.html).toContain(form);
  });

  it("publishing and editing a report, on its page, the archive, the feed and home", async () => {
    const r = await draftReport("Fresh findings");
    for (const path of ["/", "/reports", "/reports/feed.xml"]) await warm(path);
    expect((await view(`/reports/${r.slug}`)).status).toBe(404);

    await json(`/api/v1/reports/${r.id}/publish`, "POST", {}, ADMIN);
    for (const path of ["/", "/reports", "/reports/feed.xml", `/reports/${r.slug}`]) {
      const after = await view(path);
      expect(after.cache, path).toBe("miss");
      expect(after.html, path).toContain("Fresh findings");
    }

    for (const path of ["/reports", `/reports/${r.slug}`, `/reports/${r.slug}?lang=ar`])
      await warm(path);
    const res = await json(
      `/api/v1/reports/${r.id}`,
      "PATCH",
      {
        versions: [
          { language: "en", title: "Revised findings", body: "What was said, revised." },
          { language: "ar", title: "نتائج منقحة", body: "ما قيل." },
        ],
      },
      ADMIN,
    );
    expect(res.status).toBe(200);
    expect((await view(`/reports/${r.slug}`)).html).toContain("Revised findings");
    expect((await view(`/reports/${r.slug}?lang=ar`)).html).toContain("نتائج منقحة");
    expect((await view("/reports")).html).toContain("Revised findings");
  });

  it("an embargo's end, through the minutely cron", async () => {
    const r = await draftReport("Embargoed until now");
    const until = new Date(Date.now() + 3600_000).toISOString();
    await json(`/api/v1/reports/${r.id}/publish`, "POST", { embargoUntil: until }, ADMIN);
    expect((await warm("/reports")).html).not.toContain("Embargoed until now");

    // Time passes: the embargo ends; the cached archive does not know yet.
    const ended = new Date(Date.now() - 1000);
    await db().update(reports).set({ embargoUntil: ended }).where(eq(reports.id, r.id));
    expect((await view("/reports")).cache).toBe("hit");

    await runScheduled(
      createScheduledController({ cron: MINUTELY, scheduledTime: Date.now() }),
      env,
    );
    const opened = await view("/reports");
    expect(opened.cache).toBe("miss");
    expect(opened.html).toContain("Embargoed until now");
  });
});

describe("what is never cached", () => {
  it("a request with a cookie or an Authorization header, or an unknown query", async () => {
    const w = await createWorkshop();
    const path = `/workshops/${w.slug}`;
    await warm(path);
    const cookie = await ownerCookie();
    const credentials: Record<string, string>[] = [
      { Cookie: cookie },
      { Cookie: `lang=en; ${cookie}` },
      { Cookie: "anything=1" },
      { Authorization: ADMIN.Authorization },
    ];
    for (const headers of credentials) {
      for (let i = 0; i < 2; i++) {
        const v = await view(path, headers);
        expect(v, JSON.stringify(headers)).toMatchObject({ status: 200, cache: "bypass" });
        expect(v.queries).toBeGreaterThan(0);
      }
    }
    for (const query of ["?utm_source=mail", "?lang=en&lang=ar", "?lang=en&x=1"]) {
      const v = await view(`${path}${query}`);
      expect(v.cache, query).toBe("bypass");
      expect(v.queries).toBeGreaterThan(0);
    }
  });

  it("the participant's and subscriber's own pages, admin pages and the API", async () => {
    for (const path of ["/r/some-token", "/i/some-token", "/s/some-token", "/u/some-token"]) {
      const v = await view(path);
      expect(v.cache, path).toBeNull();
    }
    expect((await view("/api/v1/workshops", ADMIN)).cache).toBeNull();
    expect((await view("/admin", { Cookie: await ownerCookie() })).cache).toBeNull();
    expect((await view("/subscribe")).cache).toBeNull();
  });
});

describe("languages", () => {
  const htmlLang = (html: string) => html.match(/<html lang="(\w+)"/)?.[1];

  it("never mix: the key is the language the page is rendered in, however it was chosen", async () => {
    const w = await createWorkshop();
    const path = `/workshops/${w.slug}`;
    await purge([path]);
    const ar = await view(`${path}?lang=ar`);
    expect(ar.cache).toBe("miss");
    expect(htmlLang(ar.html)).toBe("ar");

    // The same Arabic page, however Arabic was asked for.
    const arabic: Record<string, string>[] = [
      { "Accept-Language": "ar-EG,ar;q=0.9" },
      { Cookie: "lang=ar" },
    ];
    for (const headers of arabic) {
      const v = await view(path, headers);
      expect(v.cache, JSON.stringify(headers)).toBe("hit");
      expect(htmlLang(v.html)).toBe("ar");
    }
    // Anyone else gets English, which is rendered (and cached) apart.
    const en = await view(path, { "Accept-Language": "en-GB,en;q=0.8" });
    expect(en.cache).toBe("miss");
    expect(htmlLang(en.html)).toBe("en");
    for (const [query, headers] of [
      ["", {}],
      ["?lang=en", { "Accept-Language": "ar" }],
      ["?lang=xx", { "Accept-Language": "de-DE" }],
    ] as const) {
      const v = await view(`${path}${query}`, headers);
      expect(v.cache, query).toBe("hit");
      expect(htmlLang(v.html), query).toBe("en");
    }
    expect(htmlLang((await view(`${path}?lang=ar`, { Cookie: "lang=en" })).html)).toBe("ar");
  });
});

describe("the page cache seam", () => {
  it("reads from the primary for a while after a purge, so a lagging replica cannot re-cache", async () => {
    const cache = await caches.open(`pages-${Math.random().toString(36).slice(2)}`);
    const pages = edgePageCache("http://localhost:8787", "", () => cache);
    expect(await pages.match("/", "en")).toBeUndefined();
    expect(pages.readConstraint).toBe("first-unconstrained");
    await pages.put(
      "/",
      "en",
      new Response("home", { headers: { "Content-Type": "text/html; charset=utf-8" } }),
    );
    const stored = await pages.match("/", "en");
    expect(await stored!.text()).toBe("home");
    expect(stored!.headers.get("cache-control")).toBe(`public, max-age=${PAGE_TTL_SECONDS}`);

    await pages.purge(["/"]);
    const after = edgePageCache("http://localhost:8787", "", () => cache);
    expect(await after.match("/", "en")).toBeUndefined();
    expect(after.readConstraint).toBe("first-primary");
  });

  it("serves the isolate's own copy without a subrequest, until a purge or its few seconds end", async () => {
    const stored = await caches.open(`pages-${Math.random().toString(36).slice(2)}`);
    let lookups = 0;
    const counted = {
      match: (...args: Parameters<Cache["match"]>) => {
        lookups++;
        return stored.match(...args);
      },
      put: stored.put.bind(stored),
      delete: stored.delete.bind(stored),
    } as Cache;
    const memory = new IsolatePages();
    const pages = edgePageCache("http://localhost:8787", "", () => counted, memory);
    const page = () =>
      new Response("the report", { headers: { "Content-Type": "text/html; charset=utf-8" } });
    await pages.put("/reports/r", "en", page());
    for (let i = 0; i < 3; i++)
      expect(await (await pages.match("/reports/r", "en"))!.text()).toBe("the report");
    expect(lookups).toBe(0);
    // Another isolate (no copy in memory) asks the Cache API once, then holds the page too.
    const other = edgePageCache("http://localhost:8787", "", () => counted, new IsolatePages());
    expect(await (await other.match("/reports/r", "en"))!.text()).toBe("the report");
    expect(await (await other.match("/reports/r", "en"))!.text()).toBe("the report");
    expect(lookups).toBe(1);
    // A purge empties this isolate's memory and the Cache API at once.
    await pages.purge(["/reports/r"]);
    expect(await pages.match("/reports/r", "en")).toBeUndefined();
    // The copy another isolate holds lasts ISOLATE_TTL_SECONDS at most.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + ISOLATE_TTL_SECONDS * 1000 + 1);
      expect(await other.match("/reports/r", "en")).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it("holds a bounded number of pages in an isolate, dropping the oldest", () => {
    const memory = new IsolatePages();
    const until = Date.now() + 60_000;
    const body = new ArrayBuffer(10);
    for (let i = 0; i < 100; i++) memory.set(`k${i}`, { status: 200, headers: [], body, until });
    expect(memory.get("k0", Date.now())).toBeUndefined();
    expect(memory.get("k99", Date.now())).toBeDefined();
    // A page too large to hold is simply not held.
    memory.set("big", { status: 200, headers: [], body: new ArrayBuffer(4 * 2 ** 20), until });
    expect(memory.get("big", Date.now())).toBeUndefined();
  });

  it("keeps pages rendered under another configuration apart (the Turnstile site key)", async () => {
    const w = await createWorkshop();
    const path = `/workshops/${w.slug}`;
    const withTurnstile = {
      ...metered,
      TURNSTILE_SITE_KEY: "site-key-cached",
      TURNSTILE_SECRET_KEY: "secret",
    } as Env;
    const get = () => app.request(path, {}, withTurnstile, createExecutionContext());
    await get();
    const hit = await get();
    expect(hit.headers.get("x-page-cache")).toBe("hit");
    expect(await hit.text()).toContain("site-key-cached");
    expect(hit.headers.get("content-security-policy")).toContain("challenges.cloudflare.com");
    const plain = await view(path);
    expect(plain.html).not.toContain("site-key-cached");
    expect(plain.headers.get("content-security-policy")).not.toContain("challenges.cloudflare.com");
  });
});
