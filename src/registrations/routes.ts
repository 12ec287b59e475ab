// JSON API for registrations: organiser lists, exports and decisions; door check-in. The
// public registration flow is in ./public-routes.ts.
import { createRoute, z } from "@hono/zod-openapi";
import { audit } from "../audit/service";
import { ATTENDANCE_MODES, PARTICIPANT_ROLES, REGISTRATION_STATUSES } from "../db/schema";
import { CsvQuery, csvDownload } from "../http/csv";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, ListQuery, problemResponses } from "../http/openapi";
import { toCsv } from "../lib/csv";
import { getWorkshop } from "../workshops/service";
import { addRegistration, changeRegistration, checkIn, checkInByToken } from "./decisions";
import { doorSearch, listRegistrations, registrationJson } from "./lists";
import { AddRegistrationSchema, ChangeRegistrationSchema } from "./schemas";

const RegistrationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    affiliation: z.string().nullable(),
    status: z.enum(REGISTRATION_STATUSES),
    mode: z.enum(ATTENDANCE_MODES).nullable().openapi({
      description: "A hybrid workshop's pool (`in_person`, `online`); null elsewhere.",
    }),
    role: z.enum(PARTICIPANT_ROLES),
    checkedInAt: z.string().nullable(),
  })
  .passthrough()
  .openapi("Registration");
const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });

export const workshopRegistrationApi = apiRouter();
export const registrationApi = apiRouter();
export const checkInApi = apiRouter();

// ---------------------------------------------------------------- organisers

workshopRegistrationApi.openapi(
  createRoute({
    method: "get",
    path: "/registrations",
    operationId: "listRegistrations",
    middleware: [requires("attendees.read", { workshop: "id" })] as const,
    tags: ["Registrations"],
    summary:
      "Registrations of a workshop, filtered by status and searched by name, email or affiliation (logged in the audit log)",
    security: bearerSecurity,
    request: {
      params: IdParam,
      query: ListQuery.extend({
        status: z.enum(REGISTRATION_STATUSES).optional(),
        q: z.string().max(100).optional(),
      }),
    },
    responses: {
      200: {
        description: "Registrations",
        ...json(z.object({ data: z.array(RegistrationSchema), nextCursor: z.string().nullable() })),
      },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const db = c.var.services.db;
    const { id } = c.req.valid("param");
    await getWorkshop(db, id);
    const query = c.req.valid("query");
    const page = await listRegistrations(c.var.services, id, query);
    await audit(db, c.var.actor, {
      action: "attendees.view",
      targetType: "workshop",
      targetId: id,
      detail: { rows: page.data.length, status: query.status ?? null, searched: Boolean(query.q) },
    });
    return c.json({ data: page.data.map(registrationJson), nextCursor: page.nextCursor }, 200);
  },
);

workshopRegistrationApi.openapi(
  createRoute({
    method: "get",
    path: "/registrations.csv",
    operationId: "exportRegistrationsCsv",
    middleware: [requires("attendees.read", { workshop: "id" })] as const,
    tags: ["Registrations"],
    summary: "All registrations as CSV (RFC 4180, formula-safe; logged in the audit log)",
    description:
      "Accessibility needs and dietary requirements are left out unless `needs=true` asks for them; such an export is audited as `attendees.export_needs`.",
    security: bearerSecurity,
    request: {
      params: IdParam,
      query: CsvQuery.extend({
        status: z.enum(REGISTRATION_STATUSES).optional(),
        needs: z.enum(["true", "false"]).optional().openapi({
          description:
            "true: add the accessibility and dietary columns (sensitive: asked for each time, audited apart)",
        }),
      }),
    },
    responses: {
      200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const db = c.var.services.db;
    const { id } = c.req.valid("param");
    const workshop = await getWorkshop(db, id);
    const { status, excel } = c.req.valid("query");
    const withNeeds = c.req.valid("query").needs === "true";
    const rows = [];
    // Purged workshops export nothing: their personal data is gone by design.
    for (let cursor: string | undefined, more = !workshop.purgedAt; more; ) {
      const page = await listRegistrations(c.var.services, id, { status, limit: 100, cursor });
      rows.push(...page.data);
      cursor = page.nextCursor ?? undefined;
      more = Boolean(page.nextCursor);
    }
    const questions = workshop.questions;
    const hybrid = workshop.attendance === "hybrid";
    const csv = toCsv(
      [
        "id",
        "name",
        "email",
        "affiliation",
        "status",
        ...(hybrid ? ["mode"] : []),
        "role",
        "checked_in_at",
        "registered_at",
        "receive_report",
        "acknowledged_at",
        "acknowledged_wording",
        "listed",
        ...questions.map((q) => q.label),
        ...(withNeeds ? ["accessibility", "dietary"] : []),
      ],
      rows.map((r) => [
        r.id,
        r.name,
        r.email,
        r.affiliation,
        r.status,
        ...(hybrid ? [r.mode ?? "in_person"] : []),
        r.role,
        r.checkedInAt?.toISOString(),
        r.createdAt.toISOString(),
        r.receiveReport,
        r.acknowledgedAt?.toISOString(),
        r.acknowledgedHash,
        r.listed,
        ...questions.map((q) => r.answers[q.id] as string | boolean | undefined),
        ...(withNeeds ? [r.accessibility, r.dietary] : []),
      ]),
    );
    // Needs (health, religion) exported are a different act from a list of names: their
    // own action, so the audit log can be searched for who took them out.
    await audit(db, c.var.actor, {
      action: withNeeds ? "attendees.export_needs" : "attendees.export",
      targetType: "workshop",
      targetId: id,
      detail: { rows: rows.length, format: "csv", status: status ?? null },
    });
    return csvDownload(c, csv, `${workshop.slug}-registrations.csv`, excel);
  },
);

workshopRegistrationApi.openapi(
  createRoute({
    method: "post",
    path: "/registrations",
    operationId: "addRegistration",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Registrations"],
    summary:
      "Add a person directly: no verification or approval; a seat if one is free, else the waitlist",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: AddRegistrationSchema,
          },
        },
      },
    },
    responses: {
      201: { description: "Added", ...json(RegistrationSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) =>
    c.json(
      registrationJson(
        await addRegistration(
          c.var.services,
          c.var.actor,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
      201,
    ),
);

registrationApi.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    operationId: "updateRegistration",
    middleware: [requires("workshops.manage", { registration: "id" })] as const,
    tags: ["Registrations"],
    summary:
      "Approve (confirmed), reject, waitlist, cancel or re-confirm; set role and private notes. 409 when no seat is left or the status machine does not allow it.",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: ChangeRegistrationSchema,
          },
        },
      },
    },
    responses: {
      200: { description: "Updated", ...json(RegistrationSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) =>
    c.json(
      registrationJson(
        await changeRegistration(
          c.var.services,
          c.var.actor,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
      200,
    ),
);

const CheckInSchema = z
  .object({ registration: RegistrationSchema, alreadyCheckedIn: z.boolean() })
  .openapi("CheckIn");

registrationApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/check-in",
    operationId: "checkInRegistration",
    middleware: [requires("checkin", { registration: "id" })] as const,
    tags: ["Check-in"],
    summary: "Check a confirmed participant in; a second check-in changes nothing and says so",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Checked in", ...json(CheckInSchema) },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const result = await checkIn(c.var.services, c.var.actor, c.req.valid("param").id);
    return c.json(
      { registration: doorJson(result.registration), alreadyCheckedIn: result.alreadyCheckedIn },
      200,
    );
  },
);

checkInApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "checkInByCode",
    middleware: [requires("checkin")] as const,
    tags: ["Check-in"],
    summary: "Check in by the code in the participant's QR",
    security: bearerSecurity,
    request: {
      body: {
        required: true,
        content: {
          "application/json": { schema: z.object({ token: z.string().min(1).max(100) }).strict() },
        },
      },
    },
    responses: {
      200: { description: "Checked in", ...json(CheckInSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const result = await checkInByToken(c.var.services, c.var.actor, c.req.valid("json").token);
    return c.json(
      { registration: doorJson(result.registration), alreadyCheckedIn: result.alreadyCheckedIn },
      200,
    );
  },
);

/** What door staff see: enough to find and check in a person, no email or notes. */
export function doorJson(r: {
  id: string;
  name: string;
  affiliation: string | null;
  status: string;
  role: string;
  checkedInAt: Date | null;
}) {
  return {
    id: r.id,
    name: r.name,
    affiliation: r.affiliation,
    status: r.status,
    role: r.role,
    checkedInAt: r.checkedInAt?.toISOString() ?? null,
  };
}

workshopRegistrationApi.openapi(
  createRoute({
    method: "get",
    path: "/check-in",
    operationId: "searchCheckIn",
    middleware: [requires("checkin", { workshop: "id" })] as const,
    tags: ["Check-in"],
    summary:
      "Door search: confirmed and checked-in people whose name or affiliation matches (never by address, and no addresses shown)",
    security: bearerSecurity,
    request: { params: IdParam, query: z.object({ q: z.string().max(100).optional() }) },
    responses: {
      200: {
        description: "People",
        ...json(
          z.object({
            data: z.array(
              z.object({ id: z.string(), name: z.string(), status: z.string() }).passthrough(),
            ),
          }),
        ),
      },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const db = c.var.services.db;
    const { id } = c.req.valid("param");
    await getWorkshop(db, id);
    const q = c.req.valid("query").q;
    const data = (await doorSearch(c.var.services, id, q ?? "", 100)).map(doorJson);
    await audit(db, c.var.actor, {
      action: "attendees.view",
      targetType: "workshop",
      targetId: id,
      detail: { rows: data.length, view: "door" },
    });
    return c.json({ data }, 200);
  },
);
