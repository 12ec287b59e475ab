// JSON API of erasure: a subscriber (organisers).
import { createRoute, z } from "@hono/zod-openapi";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, problemResponses } from "../http/openapi";
import { eraseSubscriber } from "./service";

/** Mounted at /api/v1/subscribers, beside the subscribers' own routes. */
export const subscriberErasureApi = apiRouter();

subscriberErasureApi.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    middleware: [requires("attendees.read")] as const,
    tags: ["Subscribers"],
    summary: "Erase a subscriber: only a suppression entry for the address remains",
    security: bearerSecurity,
    request: {
      params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) }),
    },
    responses: { 204: { description: "Erased" }, ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    await eraseSubscriber(c.var.services.db, c.var.actor, c.req.valid("param").id);
    return c.body(null, 204);
  },
);
