// JSON API for organisers and API tokens.
import { createRoute, z } from "@hono/zod-openapi";
import { can, ROLES } from "../access/roles";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, problemResponses } from "../http/openapi";
import { createOrganiser, listOrganisers, updateOrganiser } from "./service";
import { createApiToken, listApiTokens, revokeApiToken } from "./tokens";

const Organiser = z
  .object({
    id: z.string(),
    email: z.email(),
    name: z.string(),
    role: z.enum(ROLES),
    disabled: z.boolean(),
    lastSignInAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Organiser");

const ApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    hint: z.string().openapi({ description: "The first characters of the token" }),
    owner: z.string().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    revoked: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .openapi("ApiToken");

const Me = z
  .object({ name: z.string(), email: z.string().nullable(), role: z.enum(ROLES), via: z.string() })
  .openapi("Me");

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });

function organiserJson(row: {
  id: string;
  email: string;
  name: string;
  role: (typeof ROLES)[number];
  disabledAt: Date | null;
  lastSignInAt: Date | null;
  createdAt: Date;
}) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabledAt !== null,
    lastSignInAt: iso(row.lastSignInAt),
    createdAt: row.createdAt.toISOString(),
  };
}

export const organiserApi = apiRouter();
export const tokenApi = apiRouter();
export const meApi = apiRouter();

meApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "getCurrentOrganiser",
    middleware: [requires("dashboard.view")] as const,
    tags: ["Organisers"],
    summary: "Who the credentials belong to",
    security: bearerSecurity,
    responses: {
      200: { description: "The caller", content: { "application/json": { schema: Me } } },
      ...problemResponses(401),
    },
  }),
  (c) => {
    const actor = c.var.actor;
    return c.json({ name: actor.name, email: actor.email, role: actor.role, via: actor.via }, 200);
  },
);

organiserApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listOrganisers",
    middleware: [requires("organisers.manage")] as const,
    tags: ["Organisers"],
    summary: "List organiser accounts (owners only)",
    security: bearerSecurity,
    responses: {
      200: {
        description: "Organisers",
        content: {
          "application/json": {
            schema: z.object({ data: z.array(Organiser), nextCursor: z.null() }),
          },
        },
      },
      ...problemResponses(401, 403),
    },
  }),
  async (c) =>
    c.json(
      { data: (await listOrganisers(c.var.services.db)).map(organiserJson), nextCursor: null },
      200,
    ),
);

organiserApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createOrganiser",
    middleware: [requires("organisers.manage")] as const,
    tags: ["Organisers"],
    summary: "Add an organiser (owners only)",
    security: bearerSecurity,
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({
                email: z.email(),
                name: z.string().trim().min(1).max(200),
                role: z.enum(ROLES),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: Organiser } } },
      ...problemResponses(400, 401, 403, 409, 415, 422),
    },
  }),
  async (c) => {
    const row = await createOrganiser(c.var.services.db, c.var.actor, c.req.valid("json"));
    return c.json(organiserJson(row), 201);
  },
);

organiserApi.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    operationId: "updateOrganiser",
    middleware: [requires("organisers.manage")] as const,
    tags: ["Organisers"],
    summary: "Change an organiser's role, name, or disable the account (owners only)",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({
                role: z.enum(ROLES).optional(),
                name: z.string().trim().min(1).max(200).optional(),
                disabled: z.boolean().optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: { description: "Updated", content: { "application/json": { schema: Organiser } } },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) => {
    const row = await updateOrganiser(
      c.var.services.db,
      c.var.actor,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(organiserJson(row), 200);
  },
);

tokenApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listApiTokens",
    middleware: [requires("tokens.own")] as const,
    tags: ["API tokens"],
    summary: "List API tokens: your own, or everybody's for owners",
    security: bearerSecurity,
    responses: {
      200: {
        description: "Tokens",
        content: {
          "application/json": {
            schema: z.object({ data: z.array(ApiToken), nextCursor: z.null() }),
          },
        },
      },
      ...problemResponses(401),
    },
  }),
  async (c) => {
    const actor = c.var.actor;
    const rows = await listApiTokens(c.var.services.db, actor, can(actor.role, "tokens.all"));
    return c.json(
      {
        data: rows.map((t) => ({
          id: t.id,
          name: t.name,
          hint: t.hint,
          owner: t.organiser?.email ?? null,
          lastUsedAt: iso(t.lastUsedAt),
          revoked: t.revokedAt !== null,
          createdAt: t.createdAt.toISOString(),
        })),
        nextCursor: null,
      },
      200,
    );
  },
);

tokenApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createApiToken",
    middleware: [requires("tokens.own")] as const,
    tags: ["API tokens"],
    summary: "Create an API token; the secret is in this answer only",
    security: bearerSecurity,
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({ name: z.string().trim().min(1).max(100) }).strict(),
          },
        },
      },
    },
    responses: {
      201: {
        description: "Created",
        content: {
          "application/json": {
            schema: z.object({
              id: z.string(),
              name: z.string(),
              hint: z.string(),
              token: z.string(),
            }),
          },
        },
      },
      ...problemResponses(400, 401, 415, 422),
    },
  }),
  async (c) => {
    const created = await createApiToken(c.var.services.db, c.var.actor, c.req.valid("json").name);
    return c.json(
      { id: created.id, name: created.name, hint: created.hint, token: created.token },
      201,
    );
  },
);

tokenApi.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    operationId: "revokeApiToken",
    middleware: [requires("tokens.own")] as const,
    tags: ["API tokens"],
    summary: "Revoke an API token",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: { 204: { description: "Revoked" }, ...problemResponses(401, 404) },
  }),
  async (c) => {
    const actor = c.var.actor;
    await revokeApiToken(
      c.var.services.db,
      actor,
      c.req.valid("param").id,
      can(actor.role, "tokens.all"),
    );
    return c.body(null, 204);
  },
);
