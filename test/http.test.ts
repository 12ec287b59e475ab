import { describe, expect, it } from "vitest";
import { ADMIN, call, json } from "./support/helpers";

describe("health and pages", () => {
  it("answers /healthz", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    // Answered before the app's middleware, with the headers every other response carries.
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("serves the home page in English and Arabic with lang, dir and security headers", async () => {
    const en = await call("/");
    expect(en.status).toBe(200);
    const html = await en.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en" dir="ltr"[ >]/);
    expect(en.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(en.headers.get("x-content-type-options")).toBe("nosniff");
    expect(en.headers.get("referrer-policy")).toBe("no-referrer");

    const ar = await call("/?lang=ar");
    expect(await ar.text()).toContain('<html lang="ar" dir="rtl"');
  });
});

describe("bad requests", () => {
  it("gives an unknown API route a 404 problem", async () => {
    const res = await call("/api/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({
      type: "about:blank",
      title: "Not found",
      status: 404,
    });
  });

  it("gives an unknown page the HTML 404", async () => {
    const res = await call("/no/such/page");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("Page not found");
  });

  it("answers malformed JSON with a 400 problem", async () => {
    const res = await call("/api/v1/tokens", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 400 });
  });

  it("answers invalid fields with a 422 problem listing each field", async () => {
    const res = await json(
      "/api/v1/organisers",
      "POST",
      { email: "not-an-email", name: "", role: "king" },
      ADMIN,
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path).sort()).toEqual(["email", "name", "role"]);
  });

  it("answers a wrong content type with 415", async () => {
    const res = await call("/api/v1/tokens", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "text/plain" },
      body: "name=x",
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ status: 415 });
  });

  it("refuses an oversized body with 413 before reading it", async () => {
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024 + 10) });
    const res = await call("/api/v1/tokens", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/json" },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 413 });
  });

  it("publishes the OpenAPI document and a readable reference", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/organisers", "/api/v1/tokens", "/api/v1/mailbox"]),
    );
    const page = await call("/api/v1/docs");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/api/v1/tokens");
  });
});

describe("D1 metering (benchmarks)", () => {
  it("reports rows read and written per request only when D1_METRICS is on", async () => {
    const { env } = await import("cloudflare:workers");
    const { createExecutionContext } = await import("cloudflare:test");
    const { app } = await import("./support/app");
    const on = await app.request(
      "/api/v1/organisers",
      { headers: ADMIN },
      { ...env, D1_METRICS: "on" },
      createExecutionContext(),
    );
    expect(on.status).toBe(200);
    expect(Number(on.headers.get("x-d1-queries"))).toBeGreaterThan(0);
    expect(Number(on.headers.get("x-d1-rows-read"))).toBeGreaterThanOrEqual(0);
    expect(on.headers.get("x-d1-rows-written")).toMatch(/^\d+$/);
    // Reads through raw() (drizzle's select path) still return the right rows.
    const organisers = (await on.json()) as { data: unknown[] };
    const plain = (await (await call("/api/v1/organisers", { headers: ADMIN })).json()) as {
      data: unknown[];
    };
    expect(organisers.data).toEqual(plain.data);
    expect((await call("/healthz")).headers.get("x-d1-queries")).toBeNull();
  });
});
