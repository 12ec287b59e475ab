// `GET /healthz`, answered before the app's middleware: a health check is polled often and
// needs neither services, nor a language, nor a body limit. It still refuses with the same
// 503 as every other request when a secret is too short (src/env.ts), and it carries the
// same security headers as every other response (nosniff above all, for a JSON body),
// computed once from the same middleware so the two cannot drift apart.
import { Hono, type MiddlewareHandler } from "hono";
import { configurationProblems } from "../env";
import type { AppEnv } from "./context";
import { securityHeaders } from "./middleware";

let headers: Promise<[string, string][]> | null = null;

/** The headers `securityHeaders` gives a JSON answer, taken from one run of it. */
function securityHeaderList(): Promise<[string, string][]> {
  headers ??= Promise.resolve(
    new Hono()
      .use(securityHeaders)
      .get("/", (c) => c.json({}))
      .request("/"),
  ).then((res) => [...res.headers.entries()].filter(([name]) => name !== "content-type"));
  return headers;
}

const OK_BODY = JSON.stringify({ status: "ok" });

export const healthz: MiddlewareHandler<AppEnv> = async (c, next) => {
  // Misconfigured: the app's own refusal (src/http/configuration.tsx) answers, as before.
  if (configurationProblems(c.env).length > 0) return next();
  const res = new Response(OK_BODY, { headers: await securityHeaderList() });
  res.headers.set("content-type", "application/json");
  return res;
};
