// Builds the Hono app: middleware in order, then each feature's routes and pages.
import { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { doorPages } from "./attendees/door-pages";
import { attendeeApi } from "./attendees/routes";
import { isolateMeter } from "./db/metering";
import { homePages } from "./home/pages";
import { ApiReference } from "./http/api-docs";
import type { AppEnv } from "./http/context";
import { onError, onNotFound } from "./http/errors";
import { bodyLimits, requestContext, requireContentType, securityHeaders } from "./http/middleware";
import { invitationPages } from "./invitations/pages";
import { invitationApi } from "./invitations/routes";
import { mailPages } from "./mail/pages";
import { mailApi } from "./mail/routes";
import { authenticate } from "./organisers/auth";
import { organiserPages } from "./organisers/pages";
import { organiserApi } from "./organisers/routes";
import { registrationPages } from "./registrations/pages";
import { registrationApi } from "./registrations/routes";
import { reportAdminPages } from "./reports/admin-pages";
import { reportPages } from "./reports/pages";
import { reportApi } from "./reports/routes";
import { subscriberAdminPages } from "./subscribers/admin-pages";
import { subscriberPages } from "./subscribers/pages";
import { subscriberApi } from "./subscribers/routes";
import { webhookApi } from "./webhooks/routes";
import { workshopAdminPages } from "./workshops/admin-pages";
import { workshopPages } from "./workshops/pages";
import { workshopApi } from "./workshops/routes";

const OPENAPI_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "Workshops API",
    version: "1.0.0",
    description:
      "Organiser endpoints take `Authorization: Bearer <token>` (ADMIN_TOKEN or an organiser API token) or a session cookie. Errors are RFC 9457 problem JSON.",
  },
  servers: [{ url: "/" }],
};

/** Content types each API path accepts for a body. */
function acceptedBodyTypes(path: string): string[] {
  if (/^\/api\/v1\/workshops\/[^/]+\/invitations$/.test(path))
    return ["application/json", "text/csv"];
  if (path === "/api/v1/subscribers/import") return ["text/csv"];
  return ["application/json"];
}

export function createApp() {
  const api = new OpenAPIHono<AppEnv>().basePath("/api/v1");
  api.route("/", organiserApi);
  api.route("/", workshopApi);
  api.route("/", registrationApi);
  api.route("/", invitationApi);
  api.route("/", attendeeApi);
  api.route("/", subscriberApi);
  api.route("/", reportApi);
  api.route("/", webhookApi);
  api.route("/", mailApi);
  api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "sessionCookie", {
    type: "apiKey",
    in: "cookie",
    name: "__Host-session",
  });
  api.doc31("/openapi.json", OPENAPI_CONFIG);
  api.get("/docs", (c) =>
    c.html(<ApiReference c={c} doc={api.getOpenAPI31Document(OPENAPI_CONFIG) as never} />),
  );

  const app = new Hono<AppEnv>();
  app.use("*", requestContext);
  app.use("*", securityHeaders);
  app.use("*", bodyLimits);
  app.use("/api/*", requireContentType(acceptedBodyTypes));
  // Cookie-authenticated form posts must come from our own pages.
  app.use("/admin/*", csrf());
  app.use("/admin/*", authenticate);
  app.use("/api/*", authenticate);

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  // Benchmarks only (D1_METRICS=on): D1 totals of this isolate across requests, queue and cron.
  app.get("/__metrics/d1", (c) =>
    c.env.D1_METRICS === "on" ? c.json(isolateMeter) : c.notFound(),
  );
  app.route("/", homePages);
  app.route("/", workshopPages);
  app.route("/", registrationPages);
  app.route("/", invitationPages);
  app.route("/", subscriberPages);
  app.route("/", reportPages);
  app.route("/", reportAdminPages);
  app.route("/", subscriberAdminPages);
  app.route("/", workshopAdminPages);
  app.route("/", doorPages);
  app.route("/", organiserPages);
  app.route("/", mailPages);
  app.route("/", api);

  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}
