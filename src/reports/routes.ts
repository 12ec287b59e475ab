// JSON API: reports (their distributions are in src/distributions/routes.ts).
import { createRoute, z } from "@hono/zod-openapi";
import { REPORT_VERSION_STATES } from "../db/schema";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, problemResponses } from "../http/openapi";
import { LANGS, type Lang } from "../i18n";
import { invalid } from "../lib/errors";
import { testSend } from "./email";
import { TestSendSchema } from "./schemas";
import {
  createReport,
  deleteReport,
  getReport,
  listReports,
  publishReport,
  reportJson,
  updateReport,
} from "./service";

const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const Version = z
  .object({
    language: z.enum(LANGS),
    title: z.string().trim().min(1).max(300),
    summary: z.string().trim().max(2000).optional(),
    body: z.string().max(200_000),
    state: z.enum(REPORT_VERSION_STATES).optional().openapi({
      description:
        "Translation status: only ready versions are sent; recipients of a draft language get the default language's (if ready). Omitted: ready on create, unchanged on update",
    }),
  })
  .strict();
const ReportBody = z
  .object({
    workshopId: z.string().optional(),
    slug: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
      .max(80)
      .optional(),
    defaultLanguage: z.enum(LANGS),
    versions: z.array(Version).min(1).max(LANGS.length),
  })
  .strict()
  .openapi("ReportInput");
const ReportSchema = z
  .object({ id: z.string(), slug: z.string(), status: z.enum(["draft", "published"]) })
  .passthrough()
  .openapi("Report");

export const reportApi = apiRouter();

reportApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createReport",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary: "Create a report (draft) with one version per language; bodies are Markdown",
    security: bearerSecurity,
    request: { body: { required: true, content: { "application/json": { schema: ReportBody } } } },
    responses: {
      201: { description: "Created", ...json(ReportSchema) },
      ...problemResponses(400, 401, 403, 409, 415, 422),
    },
  }),
  async (c) =>
    c.json(
      reportJson(await createReport(c.var.services.db, c.var.actor, c.req.valid("json"))),
      201,
    ),
);

reportApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listReports",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary: "List reports",
    security: bearerSecurity,
    responses: {
      200: {
        description: "Reports",
        ...json(z.object({ data: z.array(ReportSchema), nextCursor: z.null() })),
      },
      ...problemResponses(401, 403),
    },
  }),
  async (c) =>
    c.json({ data: (await listReports(c.var.services.db)).map(reportJson), nextCursor: null }, 200),
);

reportApi.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    operationId: "getReport",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary: "Read a report",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Report", ...json(ReportSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(reportJson(await getReport(c.var.services.db, c.req.valid("param").id)), 200),
);

reportApi.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    operationId: "updateReport",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary: "Change a report (versions are replaced as a whole)",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: { required: true, content: { "application/json": { schema: ReportBody.partial() } } },
    },
    responses: {
      200: { description: "Updated", ...json(ReportSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) =>
    c.json(
      reportJson(
        await updateReport(
          c.var.services,
          c.var.actor,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
      200,
    ),
);

reportApi.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    operationId: "deleteReport",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary:
      "Delete a report with its versions, files (D1 and R2) and past distributions; refused (409) while one is scheduled or sending",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      204: { description: "Deleted" },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    await deleteReport(c.var.services, c.var.actor, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

reportApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/publish",
    operationId: "publishReport",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary:
      "Publish; with embargoUntil the public page opens then, while distributions can go out now",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: {
        required: false,
        content: {
          "application/json": {
            schema: z
              .object({ embargoUntil: z.iso.datetime({ offset: true }).optional() })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: { description: "Published", ...json(ReportSchema) },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const body = (
      (c.req.header("content-type") ?? "").includes("json") ? c.req.valid("json") : {}
    ) as { embargoUntil?: string };
    return c.json(
      reportJson(
        await publishReport(
          c.var.services,
          c.var.actor,
          c.req.valid("param").id,
          body.embargoUntil ? new Date(body.embargoUntil) : null,
        ),
      ),
      200,
    );
  },
);

reportApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/test-send",
    operationId: "sendReportTest",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary: "Send the report as recipients would get it to one address (default: yours)",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: {
        required: false,
        content: {
          "application/json": {
            schema: TestSendSchema,
          },
        },
      },
    },
    responses: {
      202: { description: "Queued", ...json(z.object({ to: z.string() })) },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const body = (
      (c.req.header("content-type") ?? "").includes("json") ? c.req.valid("json") : {}
    ) as { to?: string; language?: Lang };
    const to = body.to ?? c.var.actor.email;
    if (!to)
      throw invalid("Give an address: the admin token has none.", [
        { path: "to", message: "Required when signed in with the admin token." },
      ]);
    const report = await getReport(c.var.services.db, c.req.valid("param").id);
    await testSend(c.var.services, report, to, body.language ?? report.defaultLanguage);
    return c.json({ to }, 202);
  },
);
