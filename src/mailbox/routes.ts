// GET /api/v1/mailbox: the dev mailbox as JSON (404 when Resend is configured).
import { createRoute, z } from "@hono/zod-openapi";
import { audit } from "../audit/service";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, ListQuery, problemResponses } from "../http/openapi";
import { notFound } from "../lib/errors";
import { mailRoute } from "../mail/transports";
import { listMailbox } from "./service";

const MailboxMessage = z
  .object({
    id: z.string(),
    to: z.string(),
    from: z.string(),
    subject: z.string(),
    html: z.string(),
    text: z.string(),
    headers: z.record(z.string(), z.string()),
    attachments: z.array(z.object({ filename: z.string(), contentType: z.string() })),
    createdAt: z.iso.datetime(),
  })
  .openapi("MailboxMessage");

export const mailApi = apiRouter();

mailApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listMailboxMessages",
    middleware: [requires("mailbox.read")] as const,
    tags: ["Development"],
    summary: "Emails the dev mailbox received, newest first (only without RESEND_API_KEY)",
    security: bearerSecurity,
    request: { query: ListQuery.extend({ to: z.string().optional() }) },
    responses: {
      200: {
        description: "Messages",
        content: {
          "application/json": {
            schema: z.object({ data: z.array(MailboxMessage), nextCursor: z.string().nullable() }),
          },
        },
      },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    if (mailRoute(c.var.services.settings.mail) !== "dev-mailbox")
      throw notFound("The dev mailbox is off: mail goes through Resend.");
    const query = c.req.valid("query");
    const page = await listMailbox(c.var.services.db, c.var.actor, query);
    await audit(c.var.services.db, c.var.actor, {
      action: "mailbox.view",
      detail: { rows: page.data.length, filtered: Boolean(query.to) },
    });
    return c.json(
      {
        data: page.data.map((m) => ({
          id: m.id,
          to: m.to,
          from: m.from,
          subject: m.subject,
          html: m.html,
          text: m.text,
          headers: m.headers,
          attachments: m.attachments.map(({ filename, contentType }) => ({
            filename,
            contentType,
          })),
          createdAt: m.createdAt.toISOString(),
        })),
        nextCursor: page.nextCursor,
      },
      200,
    );
  },
);
