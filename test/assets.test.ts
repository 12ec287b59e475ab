// The stylesheet and scripts are Workers static assets (public/, headers from public/_headers).
// They must keep the headers they had when the Worker served them: the pages' security
// headers, an hour of caching, and exact content types (nosniff makes browsers hold to them).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, json, ORIGIN } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

const ASSETS = [
  { path: "/assets/app.css", type: "text/css; charset=utf-8", marker: "--text-scale" },
  { path: "/assets/app.js", type: "text/javascript; charset=utf-8", marker: "data-local-time" },
  { path: "/assets/door.js", type: "text/javascript; charset=utf-8", marker: "BarcodeDetector" },
  { path: "/assets/print.js", type: "text/javascript; charset=utf-8", marker: "window.print()" },
  { path: "/assets/print.css", type: "text/css; charset=utf-8", marker: "@media print" },
];

const asset = (path: string) => env.ASSETS.fetch(new Request(new URL(path, ORIGIN)));

describe("static assets", () => {
  it.each(ASSETS)("serves $path with its type, cache and security headers", async (a) => {
    const res = await asset(a.path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(a.type);
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await res.text()).toContain(a.marker);
  });

  it("sends every security header a page sends, with the same value", async () => {
    const page = await call("/");
    // Not security headers: the page's type, and its caching (the edge keeps public pages).
    const other = new Set(["content-type", "cache-control", "x-page-cache"]);
    const expected = [...page.headers].filter(([name]) => !other.has(name));
    expect(expected.length).toBeGreaterThan(5);
    for (const { path } of ASSETS) {
      const res = await asset(path);
      for (const [name, value] of expected)
        expect([path, name, res.headers.get(name)]).toEqual([path, name, value]);
    }
  });

  it("does not publish the headers file itself", async () => {
    expect((await asset("/_headers")).status).toBe(404);
  });
});

describe("icons and link previews", () => {
  it("serve a favicon and an icon, and every page points to them", async () => {
    const ico = await asset("/favicon.ico");
    expect(ico.status).toBe(200);
    const bytes = new Uint8Array(await ico.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0, 0, 1, 0]); // an ICO header
    const png = await asset("/assets/icon.png");
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    for (const path of ["/", "/reports", "/admin/sign-in"]) {
      const html = await (await call(path)).text();
      expect(html, path).toContain('<link rel="icon" href="/favicon.ico"');
    }
  });

  it("give a workshop and a report a description and Open Graph / Twitter card tags", async () => {
    const w = await createWorkshop({
      description: "A closed **discussion** of [water policy](https://example.org) in the region.",
    });
    const page = await (await call(`/workshops/${w.slug}`)).text();
    expect(page).toContain(
      '<meta name="description" content="A closed discussion of water policy in the region."',
    );
    expect(page).toContain('<meta property="og:title"');
    expect(page).toContain(
      `<meta property="og:url" content="http://localhost:8787/workshops/${w.slug}"`,
    );
    expect(page).toContain(
      '<meta property="og:image" content="http://localhost:8787/assets/icon.png"',
    );
    expect(page).toContain('<meta name="twitter:card" content="summary"');

    const created = await json(
      "/api/v1/reports",
      "POST",
      {
        defaultLanguage: "ar",
        versions: [
          { language: "ar", title: "تقرير المياه", summary: "ملخص قصير للنقاش.", body: "نص." },
        ],
      },
      ADMIN,
    );
    const report = (await created.json()) as { id: string; slug: string };
    await json(`/api/v1/reports/${report.id}/publish`, "POST", {}, ADMIN);
    const article = await (await call(`/reports/${report.slug}`)).text();
    expect(article).toContain('<meta name="description" content="ملخص قصير للنقاش."');
    expect(article).toContain('<meta property="og:type" content="article"');
    expect(article).toContain('<meta property="og:locale" content="ar_AR"');
  });
});
