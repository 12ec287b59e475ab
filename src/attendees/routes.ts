// Organiser messages to participants.
import { createRoute, z } from "@hono/zod-openapi";
import { REGISTRATION_STATUSES } from "../db/schema";
import { apiRouter, bearerSecurity, problemResponses } from "../http/openapi";
import { requires } from "../organisers/auth";
import { messageParticipants } from "./messages";

export const messageApi = apiRouter();

export const MessageSchema = z
  .object({
    subject: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(20_000),
    statuses: z.array(z.enum(REGISTRATION_STATUSES)).min(1).default(["confirmed"]),
  })
  .strict()
  .openapi("Message");

messageApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Registrations"],
    summary: "Email every participant with the given statuses (default: confirmed)",
    security: bearerSecurity,
    request: {
      params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) }),
      body: { required: true, content: { "application/json": { schema: MessageSchema } } },
    },
    responses: {
      202: {
        description: "Queued",
        content: { "application/json": { schema: z.object({ recipients: z.number().int() }) } },
      },
      ...problemResponses(400, 401, 403, 404, 415, 422),
    },
  }),
  async (c) => {
    const recipients = await messageParticipants(
      c.var.services,
      c.var.actor,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json({ recipients }, 202);
  },
);
