// Organiser messages to participants.
import { createRoute, z } from "@hono/zod-openapi";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, problemResponses } from "../http/openapi";
import { messageParticipants } from "./messages";
import { MessageSchema } from "./schemas";

export const messageApi = apiRouter();

messageApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "sendWorkshopMessage",
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
