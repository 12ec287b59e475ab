// Cross-cutting HTTP rules: security headers, body limits, content types, per-request
// context. Each is a small named middleware mounted once in app.ts.
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import { type D1Meter, newMeter } from "../db/metering";
import { type Lang, pickLang } from "../i18n";
import { newId } from "../lib/tokens";
import { createServices } from "../services";
import type { AppEnv } from "./context";
import { errorResponse, isApiRequest } from "./errors";

export const MAX_JSON_BYTES = 1024 * 1024;
export const MAX_CSV_BYTES = 20 * 1024 * 1024;

/** The language a page is rendered in: `?lang=`, then the `lang` cookie, then the browser's. */
export function requestLang(c: Context<AppEnv>): Lang {
  return pickLang(c.req.query("lang"), getCookie(c, "lang"), c.req.header("accept-language"));
}

/** The service context, language and request id on the context, for everything downstream. */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const meter: D1Meter | null = c.env.D1_METRICS === "on" ? newMeter() : null;
  // The page cache, when it ran first, hands over its lookup (it knows whether a purge just
  // happened, which decides where the page's reads go).
  c.set("services", createServices(c.env, { meter: meter ?? undefined, pages: c.get("pages") }));
  c.set("lang", requestLang(c));
  c.set("brand", c.var.services.settings.brand);
  c.set("actor", null);
  c.set("requestId", newId("req"));
  await next();
  if (meter) {
    c.res.headers.set("X-D1-Round-Trips", String(meter.roundTrips));
    c.res.headers.set("X-D1-Queries", String(meter.queries));
    c.res.headers.set("X-D1-Rows-Read", String(meter.rowsRead));
    c.res.headers.set("X-D1-Rows-Written", String(meter.rowsWritten));
  }
};

/**
 * Strict headers on every response. Pages load only from the Worker itself; no inline
 * script; `no-referrer` because many of our URLs carry tokens (/r/…, /i/…, /u/…).
 * A handler that sets one of these headers itself keeps its value (the framed email preview).
 * Static assets never reach the Worker: public/_headers gives them the same headers, and
 * test/assets.test.ts fails when the two differ.
 */
export const CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  mediaSrc: ["'self'"],
  frameSrc: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

/** The policy as a header value, with extra sources added to some directives. */
export function cspWith(extra: Partial<Record<keyof typeof CSP, string[]>>): string {
  return Object.entries(CSP)
    .map(([name, sources]) => {
      const all = [...sources, ...(extra[name as keyof typeof CSP] ?? [])];
      return `${name.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)} ${all.join(" ")}`;
    })
    .join("; ");
}

export const securityHeaders = secureHeaders({
  contentSecurityPolicy: CSP,
  referrerPolicy: "no-referrer",
  xFrameOptions: "DENY",
  crossOriginResourcePolicy: "same-origin",
  crossOriginOpenerPolicy: "same-origin",
  permissionsPolicy: { camera: ["self"], microphone: [], geolocation: [] },
  overwrite: false,
});

/** A larger limit for some paths (file uploads), with how to say it in the 413. */
export interface BodyAllowance {
  bytes: number;
  describe: string;
}

/**
 * 1 MiB for JSON and forms, 20 MiB for CSV imports, and what `allowance` gives a path
 * (uploads); a larger body gets 413. Checked from Content-Length before reading, and
 * while streaming without it.
 */
export function bodyLimits(
  allowance: (path: string) => BodyAllowance | undefined,
): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const isCsv = (c.req.header("content-type") ?? "").toLowerCase().startsWith("text/csv");
    const { bytes, describe } =
      allowance(c.req.path) ??
      (isCsv
        ? { bytes: MAX_CSV_BYTES, describe: "20 MiB" }
        : { bytes: MAX_JSON_BYTES, describe: "1 MiB" });
    return bodyLimit({
      maxSize: bytes,
      onError: (ctx) => errorResponse(ctx, 413, `The body is larger than ${describe}.`),
    })(c, next);
  };
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/**
 * API bodies are JSON (CSV for imports). Anything else gets 415 rather than being read as
 * an empty object. Bodiless posts (publish, cancel, …) need no content type.
 */
export function requireContentType(allowed: (path: string) => string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!isApiRequest(c) || !BODY_METHODS.has(c.req.method)) return next();
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const hasBody = type !== "" || Number(c.req.header("content-length") ?? "0") > 0;
    if (!hasBody) return next();
    const ok = allowed(c.req.path);
    if (!ok.includes(type)) {
      return errorResponse(c, 415, `Send the body as ${ok.join(" or ")}.`);
    }
    return next();
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(c: Context): boolean {
  return SAFE_METHODS.has(c.req.method);
}

/**
 * Whether a browser says the request comes from one of our own pages: `Sec-Fetch-Site:
 * same-origin`, or an `Origin` equal to this request's. The rule Hono's `csrf` applies to
 * /admin forms; a request with neither header is not counted as ours.
 */
export function isSameOrigin(c: Context): boolean {
  if (c.req.header("sec-fetch-site") === "same-origin") return true;
  return c.req.header("origin") === new URL(c.req.url).origin;
}

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/**
 * A page's form post whose body cannot be read as a form (a multipart body without its
 * boundary, a truncated upload) answers 400 here, once, instead of throwing in whichever
 * handler reads it first. The parsed form stays cached on the request for that handler.
 */
export const readableForms: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (isApiRequest(c) || !BODY_METHODS.has(c.req.method)) return next();
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.has(type)) return next();
  try {
    await c.req.parseBody();
  } catch {
    return errorResponse(c, 400, "The form could not be read. Reload the page and send it again.");
  }
  return next();
};
