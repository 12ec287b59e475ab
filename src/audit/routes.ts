// JSON API of the audit log: GET /api/v1/audit (owners only).
import { createRoute, z } from "@hono/zod-openapi";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, ListQuery, problemResponses } from "../http/openapi";
import { ACTOR_KINDS, actorNames, auditJson, listAudit } from "./read";

const AuditEntrySchema = z
  .object({
    id: z.string(),
    createdAt: z.iso.datetime(),
    actorType: z.enum(["admin_token", "organiser", "api_token", "system", "public"]),
    actorId: z.string().nullable().openapi({
      description: "The organiser's or API token's id; null for the administrator and system",
    }),
    actorName: z.string().openapi({ description: "Who acted, readably" }),
    action: z.string().openapi({ example: "workshop.cancel" }),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    workshopId: z.string().nullable().openapi({
      description:
        "The workshop the action concerns, also when the target is one of its registrations or invitations, or a report or distribution built from it",
    }),
    detail: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "Counts and identifiers; never personal data" }),
  })
  .openapi("AuditEntry");

const instant = (what: string) =>
  z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional()
    .openapi({ description: what, example: "2026-11-01T00:00:00Z" });

export const AuditQuerySchema = ListQuery.extend({
  actor: z
    .string()
    .max(100)
    .optional()
    .openapi({
      description: `An organiser's id (their actions signed in and through their API tokens), an API token's id, or one of ${ACTOR_KINDS.join(", ")} (admin_token: the built-in owner, its sessions and its API tokens)`,
    }),
  action: z
    .string()
    .max(100)
    .regex(/^[a-z_.]+\*?$/, "An action such as workshop.cancel, or a prefix such as registration.*")
    .optional()
    .openapi({ description: "An action, or a prefix ending in * (registration.*)" }),
  workshop: z.string().max(100).optional().openapi({
    description:
      "A workshop's id: every row about it, including its registrations, invitations, team and distributions to its attendees",
  }),
  from: instant("From this instant, inclusive (ISO 8601 with offset)"),
  to: instant("Until this instant, exclusive (ISO 8601 with offset)"),
});

export const auditApi = apiRouter();

auditApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listAuditEvents",
    middleware: [requires("audit.read")] as const,
    tags: ["Audit log"],
    summary:
      "The audit log, newest first, filtered by actor, action, workshop and time (owners only)",
    security: bearerSecurity,
    request: { query: AuditQuerySchema },
    responses: {
      200: {
        description: "Audit entries",
        ...json(z.object({ data: z.array(AuditEntrySchema), nextCursor: z.string().nullable() })),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const db = c.var.services.db;
    const page = await listAudit(db, c.req.valid("query"));
    const names = await actorNames(db, page.data);
    return c.json(
      { data: page.data.map((row) => auditJson(row, names)), nextCursor: page.nextCursor },
      200,
    );
  },
);
