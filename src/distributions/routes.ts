// JSON API: sending a report (POST /reports/{id}/distributions), and following or
// cancelling what was sent.
import { createRoute, z } from "@hono/zod-openapi";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, problemResponses } from "../http/openapi";
import {
  cancelDistribution,
  distributionJson,
  getDistribution,
  resumeDistribution,
} from "./create";
import { presendChecks, sendReport } from "./presend";

const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const DistributionSchema = z
  .object({
    id: z.string(),
    status: z.enum(["scheduled", "sending", "paused", "completed", "cancelled", "failed"]),
    total: z.number(),
    sent: z.number(),
    failed: z.number(),
    skipped: z.number(),
    error: z.string().nullable().openapi({
      description:
        "Why the report's email could not be rendered: the last error while it is retried, the reason once failed (nothing was sent)",
    }),
    state: z.string().openapi({
      description:
        "The status and preparation stage in words, as the progress page shows them (e.g. 'Preparing: collecting the audience', 'Completed')",
    }),
    pauseReason: z.string().nullable().openapi({
      description:
        "Why it paused by itself: complaints over 0.3 % or bounces over 5 % of delivered, once 200 were delivered (kept after a resume; it pauses by itself once)",
    }),
  })
  .passthrough()
  .openapi("Distribution");

/** Who a send goes to, and when: the body of a send, and of its checks. */
const AudienceBody = z.object({
  topics: z.array(z.string()).max(50).optional(),
  attendeesOf: z
    .object({
      workshopId: z.string(),
      statuses: z
        .array(z.enum(["confirmed", "attended"]))
        .min(1)
        .default(["confirmed", "attended"]),
    })
    .optional(),
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
});
const ChecksBody = AudienceBody.strict().openapi("DistributionAudience");
const SendBody = AudienceBody.extend({
  confirm: z.boolean().optional().openapi({
    description:
      "Send despite the pre-send checks' warnings (POST /reports/{id}/checks); without it a send with warnings is refused (409)",
  }),
})
  .strict()
  .openapi("DistributionInput");

const PerLanguage = z.object({ en: z.number().int(), ar: z.number().int() });
const CheckSchema = z.object({ code: z.string(), message: z.string() });
const ChecksSchema = z
  .object({
    counts: z.object({
      total: z.number().int().openapi({
        description:
          "Recipients, each address once: an address both subscribed and registered counts once, suppressed addresses not at all",
      }),
      byLanguage: PerLanguage.openapi({ description: "By the language each will be sent" }),
      fallback: PerLanguage.openapi({
        description:
          "By the language asked for: recipients whose language version is missing or a draft, sent the fallback",
      }),
    }),
    errors: z.array(CheckSchema).openapi({ description: "Each blocks the send (422)" }),
    warnings: z
      .array(CheckSchema)
      .openapi({ description: "Each needs confirm: true in the send (else 409)" }),
  })
  .openapi("PresendChecks");

/** Mounted at /api/v1/reports/:id/checks. */
export const reportChecksApi = apiRouter();

reportChecksApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "checkReportDistribution",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary:
      "Before sending: recipients per language (and sent the fallback), and the checks that block a send (errors) or need confirm: true (warnings)",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: { required: true, content: { "application/json": { schema: ChecksBody } } },
    },
    responses: {
      200: { description: "Counts and checks", ...json(ChecksSchema) },
      ...problemResponses(400, 401, 403, 404, 415, 422),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const checks = await presendChecks(c.var.services, c.var.actor, c.req.valid("param").id, {
      ...body,
      scheduledAt: body.scheduledAt ? new Date(body.scheduledAt) : null,
    });
    // The API's checks are a code and an English message; `values` are for the pages.
    const plain = (list: typeof checks.errors) =>
      list.map(({ code, message }) => ({ code, message }));
    return c.json(
      { ...checks, errors: plain(checks.errors), warnings: plain(checks.warnings) },
      200,
    );
  },
);

/** Mounted at /api/v1/reports/:id/distributions. */
export const reportDistributionApi = apiRouter();
/** Mounted at /api/v1/distributions. */
export const distributionApi = apiRouter();

reportDistributionApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createDistribution",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary:
      "Send a published report: to subscribers of topics (all active subscribers when neither topics nor attendeesOf is given), the attendees of a workshop by status who did not opt out, or both; now or at scheduledAt. The pre-send checks run first: an error refuses it (422, listed in errors), warnings need confirm: true (else 409, listed)",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: SendBody,
          },
        },
      },
    },
    responses: {
      201: { description: "Created", ...json(DistributionSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const d = await sendReport(c.var.services, c.var.actor, c.req.valid("param").id, {
      ...body,
      scheduledAt: body.scheduledAt ? new Date(body.scheduledAt) : null,
    });
    return c.json(distributionJson(d), 201);
  },
);

distributionApi.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    operationId: "getDistribution",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary:
      "A distribution's status and counts (total = sent + failed + skipped once completed; delivered, bounced, complained from webhooks)",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Distribution", ...json(DistributionSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) =>
    c.json(
      distributionJson(await getDistribution(c.var.services.db, c.req.valid("param").id)),
      200,
    ),
);

distributionApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/cancel",
    operationId: "cancelDistribution",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary: "Cancel a scheduled, running or paused distribution: whatever has not gone out stops",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Cancelled", ...json(DistributionSchema) },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) =>
    c.json(
      distributionJson(
        await cancelDistribution(c.var.services.db, c.var.actor, c.req.valid("param").id),
      ),
      200,
    ),
);

distributionApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/resume",
    operationId: "resumeDistribution",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary:
      "Resume a distribution that paused by itself: what has not gone out is sent, nobody twice",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Sending again", ...json(DistributionSchema) },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) =>
    c.json(
      distributionJson(
        await resumeDistribution(c.var.services, c.var.actor, c.req.valid("param").id),
      ),
      200,
    ),
);
