// JSON API for workshops (organisers), plus the schedule exports.
import { createRoute, z } from "@hono/zod-openapi";
import { CsvQuery, csvDownload } from "../http/csv";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, ListQuery, problemResponses } from "../http/openapi";
import { toCsv } from "../lib/csv";
import { calendarFile } from "../lib/ics";
import { cancelWorkshop, publishWorkshop, updateWorkshop } from "./changes";
import { CreateWorkshopSchema, UpdateWorkshopSchema } from "./schemas";
import { createWorkshop, getWorkshop, listSchedule, listWorkshops, workshopJson } from "./service";
import { locationText } from "./types";

const WorkshopSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    status: z.enum(["draft", "published", "cancelled"]),
    contact: z
      .object({ name: z.string().nullable(), email: z.string() })
      .nullable()
      .optional()
      .openapi({ description: "Whom registered participants write to with questions." }),
  })
  .passthrough()
  .openapi("Workshop");
const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });

export const workshopApi = apiRouter();

workshopApi.openapi(
  createRoute({
    method: "get",
    path: "/schedule.ics",
    operationId: "exportScheduleIcs",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Workshops"],
    summary: "Every workshop as a calendar (iCalendar)",
    security: bearerSecurity,
    responses: {
      200: { description: "text/calendar", content: { "text/calendar": { schema: z.string() } } },
      ...problemResponses(401, 403),
    },
  }),
  async (c) => {
    const rows = await listSchedule(c.var.services.db, c.var.actor, 1000);
    const host = new URL(c.env.APP_URL).host;
    const ics = calendarFile(
      rows.map((w) => ({
        uid: `${w.id}@${host}`,
        sequence: w.calendarSequence,
        title: w.title,
        start: w.startsAt,
        end: w.endsAt,
        location: [locationText(w), w.onlineUrl].filter(Boolean).join(" · ") || null,
        url: `${c.env.APP_URL}/workshops/${w.slug}`,
        cancelled: w.status === "cancelled",
      })),
      { name: "Workshops schedule" },
    );
    return c.body(ics, 200, {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'attachment; filename="schedule.ics"',
    });
  },
);

workshopApi.openapi(
  createRoute({
    method: "get",
    path: "/schedule.csv",
    operationId: "exportScheduleCsv",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Workshops"],
    summary: "Every workshop as CSV",
    security: bearerSecurity,
    request: { query: CsvQuery },
    responses: {
      200: { description: "text/csv", content: { "text/csv": { schema: z.string() } } },
      ...problemResponses(401, 403),
    },
  }),
  async (c) => {
    const rows = await listSchedule(c.var.services.db, c.var.actor, 5000);
    const csv = toCsv(
      [
        "id",
        "slug",
        "title",
        "status",
        "starts_at",
        "ends_at",
        "timezone",
        "venue",
        "online_url",
        "capacity",
        "confirmed",
        "registration_mode",
      ],
      rows.map((w) => [
        w.id,
        w.slug,
        w.title,
        w.status,
        w.startsAt.toISOString(),
        w.endsAt.toISOString(),
        w.timezone,
        locationText(w),
        w.onlineUrl,
        w.capacity,
        w.confirmedCount,
        w.registrationMode,
      ]),
    );
    return csvDownload(c, csv, "schedule.csv", c.req.valid("query").excel);
  },
);

workshopApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createWorkshop",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Workshops"],
    summary: "Create a workshop (as a draft)",
    security: bearerSecurity,
    request: {
      body: { required: true, content: { "application/json": { schema: CreateWorkshopSchema } } },
    },
    responses: {
      201: { description: "Created", ...json(WorkshopSchema) },
      ...problemResponses(400, 401, 403, 409, 415, 422),
    },
  }),
  async (c) =>
    c.json(
      workshopJson(await createWorkshop(c.var.services.db, c.var.actor, c.req.valid("json"))),
      201,
    ),
);

workshopApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listWorkshops",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Workshops"],
    summary: "List workshops, latest start first",
    security: bearerSecurity,
    request: {
      query: ListQuery.extend({ status: z.enum(["draft", "published", "cancelled"]).optional() }),
    },
    responses: {
      200: {
        description: "Workshops",
        ...json(z.object({ data: z.array(WorkshopSchema), nextCursor: z.string().nullable() })),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const page = await listWorkshops(c.var.services.db, c.var.actor, c.req.valid("query"));
    return c.json({ data: page.data.map(workshopJson), nextCursor: page.nextCursor }, 200);
  },
);

workshopApi.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    operationId: "getWorkshop",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Workshops"],
    summary: "Read a workshop",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Workshop", ...json(WorkshopSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) =>
    c.json(workshopJson(await getWorkshop(c.var.services.db, c.req.valid("param").id)), 200),
);

workshopApi.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    operationId: "updateWorkshop",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Workshops"],
    summary:
      "Change a workshop. Raising the capacity promotes from the waitlist; a new time or place notifies participants with an updated calendar file.",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: { required: true, content: { "application/json": { schema: UpdateWorkshopSchema } } },
    },
    responses: {
      200: { description: "Updated", ...json(WorkshopSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) =>
    c.json(
      workshopJson(
        await updateWorkshop(
          c.var.services,
          c.var.actor,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
      200,
    ),
);

workshopApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/publish",
    operationId: "publishWorkshop",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Workshops"],
    summary: "Publish a draft",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Published", ...json(WorkshopSchema) },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) =>
    c.json(
      workshopJson(await publishWorkshop(c.var.services, c.var.actor, c.req.valid("param").id)),
      200,
    ),
);

workshopApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/cancel",
    operationId: "cancelWorkshop",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Workshops"],
    summary: "Cancel; everyone registered or invited is emailed (with a calendar cancellation)",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Cancelled", ...json(WorkshopSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) =>
    c.json(
      workshopJson(await cancelWorkshop(c.var.services, c.var.actor, c.req.valid("param").id)),
      200,
    ),
);
