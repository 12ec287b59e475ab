// The stylesheet and scripts are Workers static assets (public/, headers from public/_headers).
// They must keep the headers they had when the Worker served them: the pages' security
// headers, an hour of caching, and exact content types (nosniff makes browsers hold to them).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, ORIGIN } from "./support/helpers";

const ASSETS = [
  { path: "/assets/app.css", type: "text/css; charset=utf-8", marker: "--text-scale" },
  { path: "/assets/app.js", type: "text/javascript; charset=utf-8", marker: "data-local-time" },
  { path: "/assets/door.js", type: "text/javascript; charset=utf-8", marker: "BarcodeDetector" },
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
