// JSON API for a workshop's team: list, add or change, remove. Only the workshop's own
// organisers (and owners) see or change its team; for anyone else it does not exist.
import { createRoute, z } from "@hono/zod-openapi";
import { WORKSHOP_MEMBER_ROLES } from "../db/schema";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, problemResponses } from "../http/openapi";
import { getWorkshop } from "./service";
import { listMembers, memberJson, removeMember, setMember } from "./team";

const Member = z
  .object({
    organiserId: z.string(),
    name: z.string(),
    email: z.string(),
    accountRole: z.enum(["owner", "organiser", "door"]),
    role: z.enum(WORKSHOP_MEMBER_ROLES),
    disabled: z.boolean(),
    addedAt: z.iso.datetime(),
  })
  .openapi("WorkshopMember");
const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });

export const teamApi = apiRouter();

teamApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listTeamMembers",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Workshops"],
    summary: "The workshop's team: organisers and door staff who may act on it",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Members", ...json(z.object({ data: z.array(Member) })) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { db } = c.var.services;
    const { id } = c.req.valid("param");
    await getWorkshop(db, id);
    return c.json({ data: (await listMembers(db, id)).map(memberJson) }, 200);
  },
);

teamApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "addTeamMember",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Workshops"],
    summary: "Add an organiser account to the team by address, or change their role in it",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: {
        content: {
          "application/json": {
            schema: z.object({ email: z.email(), role: z.enum(WORKSHOP_MEMBER_ROLES) }),
          },
        },
      },
    },
    responses: {
      200: { description: "The member", ...json(Member) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) => {
    const { db } = c.var.services;
    const { id } = c.req.valid("param");
    await getWorkshop(db, id);
    return c.json(memberJson(await setMember(db, c.var.actor, id, c.req.valid("json"))), 200);
  },
);

teamApi.openapi(
  createRoute({
    method: "delete",
    path: "/{organiserId}",
    operationId: "removeTeamMember",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Workshops"],
    summary: "Remove someone from the team",
    security: bearerSecurity,
    request: {
      params: IdParam.extend({
        organiserId: z.string().openapi({ param: { name: "organiserId", in: "path" } }),
      }),
    },
    responses: { 204: { description: "Removed" }, ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    const { id, organiserId } = c.req.valid("param");
    await removeMember(c.var.services.db, c.var.actor, id, organiserId);
    return c.body(null, 204);
  },
);
