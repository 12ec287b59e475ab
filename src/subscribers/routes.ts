// JSON API: topics, subscribers (organisers), and public subscription.

import { createRoute, z } from "@hono/zod-openapi";
import { audit } from "../audit/service";
import { SUBSCRIBER_STATUSES } from "../db/schema";
import { requireHuman, TURNSTILE_FIELD, throttlePublicPosts } from "../http/abuse";
import { CsvQuery, csvDownload } from "../http/csv";
import { requires } from "../http/guard";
import {
  apiRouter,
  bearerSecurity,
  json,
  ListQuery,
  problemResponses,
  publicSecurity,
} from "../http/openapi";
import { LANGS } from "../i18n";
import { parseCsv, toCsv } from "../lib/csv";
import { EMAIL_MAX, NAME_MAX } from "../lib/text";
import { importSubscribers } from "./import";
import { NewTopicSchema } from "./schemas";
import {
  confirmSubscription,
  listSubscribers,
  reactivateSubscriber,
  subscribe,
  subscriberJson,
} from "./service";
import { createTopic, listTopics } from "./topics";

const Topic = z
  .object({ id: z.string(), slug: z.string(), name: z.string(), nameAr: z.string().nullable() })
  .openapi("Topic");
const SubscriberSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    language: z.string(),
    status: z.enum(SUBSCRIBER_STATUSES),
    topics: z.array(z.string()),
  })
  .passthrough()
  .openapi("Subscriber");

export const topicApi = apiRouter();
export const subscriberApi = apiRouter();
export const subscriberExportApi = apiRouter();
export const subscriptionApi = apiRouter();

topicApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createTopic",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Subscribers"],
    summary: "Create a topic (English name, optional Arabic name)",
    security: bearerSecurity,
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: NewTopicSchema,
          },
        },
      },
    },
    responses: {
      201: { description: "Created", ...json(Topic) },
      ...problemResponses(400, 401, 403, 409, 415, 422),
    },
  }),
  async (c) => {
    const t = await createTopic(c.var.services.db, c.var.actor, c.req.valid("json"));
    return c.json({ id: t.id, slug: t.slug, name: t.name, nameAr: t.nameAr }, 201);
  },
);

topicApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listTopics",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Subscribers"],
    summary: "List topics",
    security: bearerSecurity,
    responses: {
      200: {
        description: "Topics",
        ...json(z.object({ data: z.array(Topic), nextCursor: z.null() })),
      },
      ...problemResponses(401, 403),
    },
  }),
  async (c) =>
    c.json(
      {
        data: (await listTopics(c.var.services.db)).map((t) => ({
          id: t.id,
          slug: t.slug,
          name: t.name,
          nameAr: t.nameAr,
        })),
        nextCursor: null,
      },
      200,
    ),
);

subscriberApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listSubscribers",
    middleware: [requires("attendees.read")] as const,
    tags: ["Subscribers"],
    summary: "Subscribers, filtered by status and topic (logged in the audit log)",
    security: bearerSecurity,
    request: {
      query: ListQuery.extend({
        status: z.enum(SUBSCRIBER_STATUSES).optional(),
        topic: z.string().optional(),
      }),
    },
    responses: {
      200: {
        description: "Subscribers",
        ...json(z.object({ data: z.array(SubscriberSchema), nextCursor: z.string().nullable() })),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const page = await listSubscribers(c.var.services, query);
    await audit(c.var.services.db, c.var.actor, {
      action: "subscribers.view",
      detail: { rows: page.data.length },
    });
    return c.json({ data: page.data.map(subscriberJson), nextCursor: page.nextCursor }, 200);
  },
);

subscriberExportApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "exportSubscribersCsv",
    middleware: [requires("attendees.read")] as const,
    tags: ["Subscribers"],
    summary: "All subscribers as CSV (formula-safe; logged in the audit log)",
    security: bearerSecurity,
    request: {
      query: CsvQuery.extend({
        status: z.enum(SUBSCRIBER_STATUSES).optional(),
        topic: z.string().optional(),
      }),
    },
    responses: {
      200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
      ...problemResponses(401, 403),
    },
  }),
  async (c) => {
    const db = c.var.services.db;
    const rows = [];
    for (let cursor: string | undefined, more = true; more; ) {
      const page = await listSubscribers(c.var.services, {
        ...c.req.valid("query"),
        limit: 100,
        cursor,
      });
      rows.push(...page.data.map(subscriberJson));
      cursor = page.nextCursor ?? undefined;
      more = Boolean(page.nextCursor);
    }
    await audit(db, c.var.actor, {
      action: "subscribers.export",
      detail: { rows: rows.length, format: "csv" },
    });
    const csv = toCsv(
      ["email", "name", "language", "status", "topics", "consent_source", "created_at"],
      rows.map((s) => [
        s.email,
        s.name,
        s.language,
        s.status,
        s.topics.join(";"),
        s.consentSource,
        s.createdAt,
      ]),
    );
    return csvDownload(c, csv, "subscribers.csv", c.req.valid("query").excel);
  },
);

subscriberApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/reactivate",
    operationId: "reactivateSubscriber",
    middleware: [requires("suppressions.manage")] as const,
    tags: ["Subscribers"],
    summary:
      "Reactivate a bounced or complained subscriber (owners; audited). 409 while the address is on the suppression list: lift its entry first (POST /api/v1/suppressions/{id}/lift). Pending and unsubscribed subscriptions are the subscriber's own to confirm",
    security: bearerSecurity,
    request: {
      params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) }),
    },
    responses: {
      200: {
        description: "Active again",
        ...json(z.object({ id: z.string(), status: z.literal("active") })),
      },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await reactivateSubscriber(c.var.services, c.var.actor, id);
    return c.json({ id, status: "active" as const }, 200);
  },
);

subscriberApi.openapi(
  createRoute({
    method: "post",
    path: "/import",
    operationId: "importSubscribers",
    middleware: [requires("attendees.read")] as const,
    tags: ["Subscribers"],
    summary:
      "Import text/csv with header email,name,language,topics (topics ;-separated slugs). Valid rows become active (source import); unsubscribed or suppressed addresses are never reactivated; errors by row. ?dryRun=true writes nothing.",
    security: bearerSecurity,
    request: {
      query: z.object({ dryRun: z.enum(["true", "false"]).optional() }),
      body: { required: false, content: { "text/csv": { schema: z.string() } } },
    },
    responses: {
      200: {
        description: "Result",
        ...json(
          z.object({
            imported: z.number().int(),
            skipped: z.number().int(),
            errors: z.array(z.object({ path: z.string(), message: z.string() })),
            dryRun: z.boolean(),
          }),
        ),
      },
      ...problemResponses(401, 403, 413, 415, 422),
    },
  }),
  async (c) => {
    const parsed = parseCsv(await c.req.text());
    if (!parsed.header.includes("email")) {
      return c.json(
        {
          imported: 0,
          skipped: 0,
          errors: [
            { path: "csv", message: "The first line must be a header with an email column." },
          ],
          dryRun: true,
        },
        200,
      );
    }
    const result = await importSubscribers(
      c.var.services,
      c.var.actor,
      parsed.rows,
      c.req.valid("query").dryRun === "true",
    );
    return c.json(
      {
        ...result,
        errors: [
          ...parsed.errors.map((e) => ({ path: `rows.${e.row}`, message: e.message })),
          ...result.errors,
        ],
      },
      200,
    );
  },
);

const SubscribeSchema = z
  .object({
    email: z.email("Enter a valid email address.").max(EMAIL_MAX),
    name: z.string().trim().max(NAME_MAX, `Use at most ${NAME_MAX} characters.`).optional(),
    language: z.enum(LANGS).optional(),
    topics: z.array(z.string().max(60)).max(50).optional(),
    [TURNSTILE_FIELD]: z.string().max(4096).optional(),
  })
  .strip()
  .openapi("Subscribe");

subscriptionApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createSubscription",
    security: publicSecurity,
    middleware: [throttlePublicPosts] as const,
    tags: ["Public"],
    summary:
      "Subscribe (double opt-in): always 202 {status: pending_confirmation}, whatever the address",
    request: {
      body: { required: true, content: { "application/json": { schema: SubscribeSchema } } },
    },
    responses: {
      202: {
        description: "Check your email",
        ...json(z.object({ status: z.literal("pending_confirmation") })),
      },
      ...problemResponses(400, 403, 415, 422, 429),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    await requireHuman(c, body[TURNSTILE_FIELD] ?? c.req.header(TURNSTILE_FIELD));
    await subscribe(c.var.services, body, "form");
    return c.json({ status: "pending_confirmation" as const }, 202);
  },
);

subscriptionApi.openapi(
  createRoute({
    method: "post",
    path: "/{token}/confirm",
    operationId: "confirmSubscription",
    security: publicSecurity,
    middleware: [throttlePublicPosts] as const,
    tags: ["Public"],
    summary: "Confirm a subscription from the emailed link",
    request: {
      params: z.object({ token: z.string().openapi({ param: { name: "token", in: "path" } }) }),
    },
    responses: {
      200: { description: "Active", ...json(z.object({ status: z.literal("active") })) },
      ...problemResponses(404, 409, 429),
    },
  }),
  async (c) =>
    c.json(
      {
        status: (await confirmSubscription(
          c.var.services.db,
          c.env.TOKEN_SECRET,
          c.req.valid("param").token,
        )) as "active",
      },
      200,
    ),
);
