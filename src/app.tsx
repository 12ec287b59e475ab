// Builds the Hono app: middleware in order, then each feature's routes and pages.
import { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { except } from "hono/combine";
import { contextStorage } from "hono/context-storage";
import { csrf } from "hono/csrf";
import { checkInPages, doorPages } from "./attendees/door-pages";
import { messageAdminPages, messageSection } from "./attendees/message-pages";
import { printPages } from "./attendees/print-pages";
import { messageApi } from "./attendees/routes";
import { auditPages } from "./audit/pages";
import { auditApi } from "./audit/routes";
import { isolateMeter } from "./db/metering";
import {
  distributionAdminPages,
  reportDistributionAdminPages,
  sendingSection,
} from "./distributions/pages";
import { distributionApi, reportChecksApi, reportDistributionApi } from "./distributions/routes";
import { feedbackAdminPages, feedbackSection } from "./feedback/admin-pages";
import { feedbackPages } from "./feedback/pages";
import { feedbackApi } from "./feedback/routes";
import { homePages } from "./home/pages";
import { adminLanguage } from "./http/admin-lang";
import { ApiReference } from "./http/api-docs";
import { refuseWhenMisconfigured } from "./http/configuration";
import type { AppEnv } from "./http/context";
import { onError, onNotFound } from "./http/errors";
import { healthz } from "./http/health";
import {
  type BodyAllowance,
  bodyLimits,
  readableForms,
  requestContext,
  requireContentType,
  securityHeaders,
} from "./http/middleware";
import { bearerSecurity } from "./http/openapi";
import { pageCache } from "./http/page-cache";
import {
  invitationAdminPages,
  invitationsSection,
  workshopInvitationAdminPages,
} from "./invitations/admin-pages";
import { invitationPages } from "./invitations/pages";
import { invitationApi, rsvpApi, workshopInvitationApi } from "./invitations/routes";
import { mailPages } from "./mailbox/pages";
import { mailApi } from "./mailbox/routes";
import { authenticate, sameOriginSessions } from "./organisers/auth";
import { organiserPages, tokenPages } from "./organisers/pages";
import { meApi, organiserApi, tokenApi } from "./organisers/routes";
import { sessionPages } from "./organisers/sign-in-pages";
import { peopleAdminPages, subscriberErasureAdminPages } from "./people/admin-pages";
import { vaultAdminPages, workshopKeyPages, workshopKeySection } from "./people/key-pages";
import { vaultApi, workshopKeyApi } from "./people/key-routes";
import {
  invitationSelfServicePages,
  registrationSelfServicePages,
  subscriberErasurePages,
} from "./people/pages";
import { peopleApi, subscriberErasureApi } from "./people/routes";
import {
  registrationAdminPages,
  registrationsSection,
  workshopRegistrationAdminPages,
} from "./registrations/admin-pages";
import { registrationFormPages } from "./registrations/form-pages";
import { registrationPages } from "./registrations/pages";
import { participantApi, publicRegistrationApi } from "./registrations/public-routes";
import { checkInApi, registrationApi, workshopRegistrationApi } from "./registrations/routes";
import { reportAdminPages, reportPage } from "./reports/admin-pages";
import { reportFileAdminPages } from "./reports/file-pages";
import { reportFileApi, UPLOAD_CONTENT_TYPES } from "./reports/file-routes";
import { MAX_PDF_BYTES, UPLOAD_BODY_BYTES } from "./reports/files";
import { reportPages } from "./reports/pages";
import { reportApi } from "./reports/routes";
import { subscriberAdminPages, topicAdminPages } from "./subscribers/admin-pages";
import { subscribePages, subscriberPages, unsubscribePages } from "./subscribers/pages";
import {
  subscriberApi,
  subscriberExportApi,
  subscriptionApi,
  topicApi,
} from "./subscribers/routes";
import { suppressionAdminPages } from "./subscribers/suppression-pages";
import { suppressionApi } from "./subscribers/suppression-routes";
import { webhookApi } from "./webhooks/routes";
import { workshopAdminPages, workshopPage } from "./workshops/admin-pages";
import { agendaPages, agendaSection } from "./workshops/agenda-pages";
import { agendaApi } from "./workshops/agenda-routes";
import { dashboardPages } from "./workshops/dashboard";
import { workshopPages } from "./workshops/pages";
import { workshopApi } from "./workshops/routes";
import { listWorkshopChoices } from "./workshops/service";
import { teamPages, teamSection } from "./workshops/team-pages";
import { teamApi } from "./workshops/team-routes";

const OPENAPI_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "Workshops API",
    version: "1.0.0",
    description:
      "Organiser endpoints take `Authorization: Bearer <token>` (ADMIN_TOKEN or an organiser API token) or a session cookie. A request authenticated by the cookie that is not GET, HEAD or OPTIONS must come from this site's own pages (`Sec-Fetch-Site: same-origin` or a matching `Origin`), or it gets 403: scripts use a bearer token. Public endpoints (`/api/v1/public/…`) and the webhook read no credentials and accept requests from anywhere; no CORS preflight is answered, so browsers on other sites cannot send them JSON (embed the HTML form at `/workshops/{slug}/register` instead). Errors are RFC 9457 problem JSON.",
  },
  servers: [{ url: "/" }],
  // The default for every operation; public ones override it with `security: []`.
  security: bearerSecurity,
};

/**
 * API paths for callers who never sign in: participants and subscribers (public), Resend
 * (webhooks). Their own rules protect them (signed or unguessable tokens, Svix signatures,
 * throttling, answers that reveal nothing); a session or bearer is not read there.
 */
export const SIGNED_OUT_API = ["/api/v1/public/*", "/api/v1/webhooks/*"];

/** Where organisers upload a report's files: the API, and the form on the report's page. */
const UPLOAD_PATH = /^\/(?:api\/v1|admin)\/reports\/[^/]+\/files$/;

/** Uploads may be larger than other bodies (each kind's own limit is checked after). */
function uploadAllowance(path: string): BodyAllowance | undefined {
  return UPLOAD_PATH.test(path)
    ? {
        bytes: UPLOAD_BODY_BYTES,
        describe: `the largest file allowed (${MAX_PDF_BYTES / 2 ** 20} MiB)`,
      }
    : undefined;
}

/** Content types each API path accepts for a body. */
function acceptedBodyTypes(path: string): string[] {
  if (UPLOAD_PATH.test(path)) return UPLOAD_CONTENT_TYPES;
  if (/^\/api\/v1\/workshops\/[^/]+\/invitations$/.test(path))
    return ["application/json", "text/csv"];
  if (path === "/api/v1/subscribers/import") return ["text/csv"];
  return ["application/json"];
}

export function createApp() {
  const api = new OpenAPIHono<AppEnv>().basePath("/api/v1");
  api.route("/workshops", workshopApi);
  api.route("/workshops/:id/members", teamApi);
  api.route("/workshops/:id/sessions", agendaApi);
  api.route("/workshops/:id/key", workshopKeyApi);
  api.route("/workshops/:id/feedback", feedbackApi);
  api.route("/workshops/:id", workshopRegistrationApi);
  api.route("/registrations", registrationApi);
  api.route("/check-in", checkInApi);
  api.route("/public/workshops/:slug/registrations", publicRegistrationApi);
  api.route("/public/registrations", participantApi);
  api.route("/workshops/:id/invitations", workshopInvitationApi);
  api.route("/invitations", invitationApi);
  api.route("/public/invitations", rsvpApi);
  api.route("/workshops/:id/messages", messageApi);
  api.route("/mailbox", mailApi);
  api.route("/organisers", organiserApi);
  api.route("/tokens", tokenApi);
  api.route("/me", meApi);
  api.route("/topics", topicApi);
  api.route("/subscribers", subscriberApi);
  api.route("/subscribers", subscriberErasureApi);
  api.route("/subscribers.csv", subscriberExportApi);
  api.route("/suppressions", suppressionApi);
  api.route("/people", peopleApi);
  api.route("/admin/vault", vaultApi);
  api.route("/public/subscriptions", subscriptionApi);
  api.route("/reports", reportApi);
  api.route("/reports/:id/distributions", reportDistributionApi);
  api.route("/reports/:id/checks", reportChecksApi);
  api.route("/reports/:id/files", reportFileApi);
  api.route("/distributions", distributionApi);
  api.route("/webhooks", webhookApi);
  api.route("/audit", auditApi);
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
  // Before every other middleware: a health check needs none of it (src/http/health.ts).
  app.get("/healthz", healthz);
  // Public pages for anonymous visitors come from the edge cache, before any other
  // middleware: a hit is the whole answer. What changes a page purges it (services.pages).
  // `/reports/:slug` covers /reports/feed.xml.
  for (const path of ["/", "/workshops/:slug", "/reports", "/reports/:slug"])
    app.use(path, pageCache);
  // Lets the page layout read the organisation without every page passing it down.
  app.use("*", contextStorage());
  app.use("*", requestContext);
  app.use("*", securityHeaders);
  // Short ADMIN_TOKEN or TOKEN_SECRET: every request, /healthz too, gets a 503 naming them.
  app.use("*", refuseWhenMisconfigured);
  app.use("*", bodyLimits(uploadAllowance));
  app.use("*", readableForms);
  app.use("/api/*", requireContentType(acceptedBodyTypes));
  // Cookie-authenticated form posts must come from our own pages.
  app.use("/admin/*", csrf());
  app.use("/admin/*", authenticate);
  app.use("/admin/*", adminLanguage);
  // The public API and the webhook are called by people and services that never sign in,
  // from anywhere: no session or bearer is read there. Everywhere else under /api, a
  // session cookie counts only on requests from our own pages.
  app.use("/api/*", except(SIGNED_OUT_API, sameOriginSessions, authenticate));

  // Benchmarks only (D1_METRICS=on): D1 totals of this isolate across requests, queue and cron.
  app.get("/__metrics/d1", (c) =>
    c.env.D1_METRICS === "on" ? c.json(isolateMeter) : c.notFound(),
  );
  app.route("/", homePages);
  app.route("/workshops", workshopPages);
  app.route("/workshops/:slug/register", registrationFormPages);
  app.route("/r", registrationPages);
  app.route("/r", registrationSelfServicePages);
  app.route("/i", invitationPages);
  app.route("/i", invitationSelfServicePages);
  app.route("/subscribe", subscribePages);
  app.route("/s", subscriberPages);
  app.route("/s", subscriberErasurePages);
  app.route("/u", unsubscribePages);
  app.route("/f", feedbackPages);
  app.route("/reports", reportPages);
  app.route("/admin/reports", reportAdminPages);
  app.route("/admin/reports", reportPage([sendingSection]));
  app.route("/admin/reports", reportFileAdminPages);
  app.route("/admin/reports/:id/distributions", reportDistributionAdminPages);
  app.route("/admin/distributions", distributionAdminPages);
  app.route("/admin/subscribers", subscriberAdminPages);
  app.route("/admin/subscribers", subscriberErasureAdminPages);
  app.route("/admin/topics", topicAdminPages);
  app.route("/admin/suppressions", suppressionAdminPages);
  app.route("/admin/people", peopleAdminPages);
  app.route("/admin/vault", vaultAdminPages);
  app.route("/admin/workshops", workshopAdminPages);
  app.route(
    "/admin/workshops",
    workshopPage([
      registrationsSection,
      invitationsSection,
      messageSection,
      feedbackSection,
      agendaSection,
      teamSection,
      workshopKeySection,
    ]),
  );
  app.route("/admin/workshops/:id/team", teamPages);
  app.route("/admin/workshops/:id/sessions", agendaPages);
  app.route("/admin/workshops/:id/key", workshopKeyPages);
  app.route("/admin/workshops/:id/feedback", feedbackAdminPages);
  app.route("/admin/workshops/:id/registrations", workshopRegistrationAdminPages);
  app.route("/admin/registrations", registrationAdminPages);
  app.route("/admin/workshops/:id/invitations", workshopInvitationAdminPages);
  app.route("/admin/invitations", invitationAdminPages);
  app.route("/admin/workshops/:id/messages", messageAdminPages);
  app.route("/admin/workshops/:id/door", doorPages);
  app.route("/admin/workshops/:id/print", printPages);
  app.route("/admin/check-in", checkInPages);
  app.route("/admin/mailbox", mailPages);
  app.route("/admin", sessionPages);
  app.route("/admin", dashboardPages);
  app.route("/admin/organisers", organiserPages);
  app.route("/admin/tokens", tokenPages);
  app.route("/admin/audit", auditPages({ workshopChoices: listWorkshopChoices }));
  app.route("/", api);

  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}
