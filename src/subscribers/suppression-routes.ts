// JSON API of the suppression list (owners): the list by reason and date, looking an address
// up, adding one by hand, lifting an entry with a reason. An address travels only in a POST
// body, never in a URL, so it stays out of logs; an entry is named by its index.
import { createRoute, z } from "@hono/zod-openapi";
import { SUPPRESSION_REASONS } from "../db/schema";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, ListQuery, problemResponses } from "../http/openapi";
import { EMAIL_MAX } from "../lib/text";
import {
  addSuppression,
  liftSuppression,
  listSuppressions,
  lookUpAddress,
  SUPPRESSION_NOTE_MAX,
  suppressionCounts,
} from "./suppression-list";

/** Mounted at /api/v1/suppressions. */
export const suppressionApi = apiRouter();

const Entry = z
  .object({
    id: z.string().openapi({ description: "The address's index (the list keeps no address)" }),
    reason: z.enum(SUPPRESSION_REASONS),
    since: z.string(),
    eventId: z
      .string()
      .nullable()
      .openapi({ description: "Webhook event (svix-id) of a bounce or complaint" }),
    distributionId: z.string().nullable(),
    note: z.string().nullable(),
    erasedAt: z.string().nullable().openapi({ description: "The person was erased: never lifted" }),
    liftable: z.boolean(),
  })
  .openapi("SuppressionEntry");

const Lift = z
  .object({
    id: z.string(),
    reason: z.enum(SUPPRESSION_REASONS),
    listedAt: z.string(),
    eventId: z.string().nullable(),
    distributionId: z.string().nullable(),
    entryNote: z.string().nullable(),
    note: z.string().nullable().openapi({ description: "Why it was lifted (cleared on erasure)" }),
    liftedAt: z.string(),
    liftedBy: z.object({ type: z.string(), id: z.string().nullable() }),
  })
  .openapi("SuppressionLift");

const Address = z.email("Enter a valid email address.").max(EMAIL_MAX);

suppressionApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listSuppressions",
    middleware: [requires("suppressions.manage")] as const,
    tags: ["Suppressions"],
    summary:
      "The suppression list, newest first: why (bounce, complaint, manual, erased), since when, from which event; with counts per reason (owners)",
    security: bearerSecurity,
    request: { query: ListQuery.extend({ reason: z.enum(SUPPRESSION_REASONS).optional() }) },
    responses: {
      200: {
        description: "One page of entries",
        ...json(
          z.object({
            data: z.array(Entry),
            nextCursor: z.string().nullable(),
            counts: z.record(z.string(), z.number().int()),
          }),
        ),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const { db } = c.var.services;
    const [page, counts] = await Promise.all([
      listSuppressions(db, c.req.valid("query")),
      suppressionCounts(db),
    ]);
    return c.json({ ...page, counts }, 200);
  },
);

suppressionApi.openapi(
  createRoute({
    method: "post",
    path: "/lookup",
    operationId: "lookupSuppression",
    middleware: [requires("suppressions.manage")] as const,
    tags: ["Suppressions"],
    summary:
      "Whether and why an address is suppressed, what was lifted before, and its subscriber if any (owners; audited with counts only; a POST so the address stays out of URLs)",
    security: bearerSecurity,
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ email: Address }) } },
      },
    },
    responses: {
      200: {
        description: "What the list holds about the address",
        ...json(
          z
            .object({
              suppressed: z.boolean(),
              entries: z.array(Entry),
              lifts: z.array(Lift),
              subscriber: z.object({ id: z.string(), status: z.string() }).nullable(),
            })
            .openapi("SuppressionLookup"),
        ),
      },
      ...problemResponses(400, 401, 403, 415, 422),
    },
  }),
  async (c) =>
    c.json(await lookUpAddress(c.var.services, c.var.actor, c.req.valid("json").email), 200),
);

suppressionApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createSuppression",
    middleware: [requires("suppressions.manage")] as const,
    tags: ["Suppressions"],
    summary:
      "Put an address on the list by hand (reason manual; only its index is stored; audited). 409 when it is listed already",
    security: bearerSecurity,
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({
              email: Address,
              note: z.string().max(SUPPRESSION_NOTE_MAX).optional(),
            }),
          },
        },
      },
    },
    responses: {
      201: { description: "Listed", ...json(Entry) },
      ...problemResponses(400, 401, 403, 409, 415, 422),
    },
  }),
  async (c) => c.json(await addSuppression(c.var.services, c.var.actor, c.req.valid("json")), 201),
);

suppressionApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/lift",
    operationId: "liftSuppression",
    middleware: [requires("suppressions.manage")] as const,
    tags: ["Suppressions"],
    summary:
      "Lift an entry, with the reason why (audited; kept in its history). An entry recording an erasure is never lifted (409). A bounced or complained subscriber is reactivated separately: POST /api/v1/subscribers/{id}/reactivate",
    security: bearerSecurity,
    request: {
      params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) }),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({
              reason: z
                .string()
                .trim()
                .min(3, "Say why the entry is lifted.")
                .max(SUPPRESSION_NOTE_MAX),
            }),
          },
        },
      },
    },
    responses: {
      200: { description: "Lifted", ...json(Lift) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) =>
    c.json(
      await liftSuppression(
        c.var.services,
        c.var.actor,
        c.req.valid("param").id,
        c.req.valid("json").reason,
      ),
      200,
    ),
);
