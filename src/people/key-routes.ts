// JSON API of the data keys: a workshop's key (when it will be destroyed; an owner destroying
// it early), and the owners' master key rotation.
import { createRoute, z } from "@hono/zod-openapi";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, problemResponses } from "../http/openapi";
import {
  destroyWorkshopKey,
  getKeyedWorkshop,
  ROTATE_STEP,
  rotateDataKeys,
  workshopKeyJson,
  workshopKeyState,
} from "./keys";

const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });

const WorkshopKey = z
  .object({
    status: z.enum(["live", "destroyed"]),
    destroysAt: z.iso.datetime().openapi({
      description: "When the retention purge destroys it: the workshop's end + retentionDays",
    }),
    destroyedAt: z.iso.datetime().nullable(),
  })
  .openapi("WorkshopKey");

/** Mounted at /api/v1/workshops/:id/key. */
export const workshopKeyApi = apiRouter();

workshopKeyApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "getWorkshopKey",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Workshops"],
    summary:
      "The workshop's data key: everything personal about its people is sealed under it, and destroying it erases them everywhere, backups included",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "The key's state", ...json(WorkshopKey) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { db } = c.var.services;
    const w = await getKeyedWorkshop(db, c.req.valid("param").id);
    return c.json(workshopKeyJson(await workshopKeyState(db, w)), 200);
  },
);

workshopKeyApi.openapi(
  createRoute({
    method: "post",
    path: "/destroy",
    operationId: "destroyWorkshopKey",
    middleware: [requires("vault.manage", { workshop: "id" })] as const,
    tags: ["Workshops"],
    summary:
      "Destroy the workshop's data key now, before its retention period ends, and forget its people as the retention purge does: irreversible. Needs both confirmations: the workshop's slug typed out, and irreversible: true (owners; audited as workshop.key_destroy)",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({
                slug: z.string().openapi({ description: "The workshop's slug, as a confirmation" }),
                irreversible: z.literal(true).openapi({
                  description: "A second confirmation: nothing of its people can be recovered",
                }),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: { description: "Destroyed", ...json(WorkshopKey) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) => {
    const state = await destroyWorkshopKey(
      c.var.services,
      c.var.actor,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(workshopKeyJson(state), 200);
  },
);

const VaultStatus = z
  .object({
    current: z.number().int().openapi({ description: "Live data keys wrapped under DATA_KEY" }),
    other: z.number().int().openapi({
      description: "Live data keys wrapped under another master key: a rotation to finish",
    }),
    unknown: z.number().int().openapi({
      description:
        "Of those, keys under a master key that neither DATA_KEY nor DATA_KEY_PREVIOUS holds: they cannot be opened or re-wrapped until that key is set",
    }),
    destroyed: z.number().int(),
    previousSet: z.boolean().openapi({ description: "Whether DATA_KEY_PREVIOUS is set" }),
  })
  .openapi("VaultStatus");

/** Mounted at /api/v1/admin/vault. */
export const vaultApi = apiRouter();

vaultApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "getVaultStatus",
    middleware: [requires("vault.manage")] as const,
    tags: ["Data keys"],
    summary: "How many data keys each master key wraps (owners)",
    security: bearerSecurity,
    responses: {
      200: { description: "Counts", ...json(z.object({ status: VaultStatus })) },
      ...problemResponses(401, 403, 503),
    },
  }),
  async (c) => c.json({ status: await c.var.services.vault.status() }, 200),
);

vaultApi.openapi(
  createRoute({
    method: "post",
    path: "/rotate",
    operationId: "rotateMasterKey",
    middleware: [requires("vault.manage")] as const,
    tags: ["Data keys"],
    summary: `One step of a master key rotation, with DATA_KEY set to the new key and DATA_KEY_PREVIOUS to the old one: re-wraps up to ${ROTATE_STEP} data keys under DATA_KEY. Call again until remaining is 0, then remove DATA_KEY_PREVIOUS (owners; audited)`,
    security: bearerSecurity,
    responses: {
      200: {
        description: "What this step did, and what is left",
        ...json(
          z.object({
            rewrapped: z.number().int(),
            remaining: z.number().int(),
            status: VaultStatus,
          }),
        ),
      },
      ...problemResponses(401, 403, 503),
    },
  }),
  async (c) => c.json(await rotateDataKeys(c.var.services, c.var.actor), 200),
);
