// POST /api/v1/webhooks/resend: Svix-signed events, verified over the raw body.
import { createRoute, z } from "@hono/zod-openapi";
import { Resend } from "resend";
import { apiRouter, problemResponses, publicSecurity } from "../http/openapi";
import { AppError, notFound } from "../lib/errors";
import { processEvent, type ResendEvent } from "./service";

export const webhookApi = apiRouter();

webhookApi.openapi(
  createRoute({
    method: "post",
    path: "/resend",
    operationId: "receiveResendWebhook",
    security: publicSecurity,
    tags: ["Webhooks"],
    summary:
      "Resend delivery events (svix-id, svix-timestamp, svix-signature; 5 minutes of clock tolerance). A redelivered event is processed once.",
    responses: {
      200: {
        description: "Accepted",
        content: {
          "application/json": {
            schema: z.object({ received: z.boolean(), duplicate: z.boolean() }),
          },
        },
      },
      ...problemResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const secret = c.env.RESEND_WEBHOOK_SECRET;
    if (!secret) throw notFound("Webhooks are not configured (RESEND_WEBHOOK_SECRET).");
    const payload = await c.req.text();
    const headers = {
      id: c.req.header("svix-id") ?? "",
      timestamp: c.req.header("svix-timestamp") ?? "",
      signature: c.req.header("svix-signature") ?? "",
    };
    let event: ResendEvent;
    try {
      // The SDK's verify needs no API key; the placeholder only satisfies its constructor.
      event = new Resend("re_webhook_verification_only").webhooks.verify({
        payload,
        headers,
        webhookSecret: secret,
      }) as unknown as ResendEvent;
    } catch {
      throw new AppError(
        "unauthenticated",
        "The signature does not match, or the timestamp is more than 5 minutes off.",
      );
    }
    const fresh = await processEvent(c.var.services, headers.id, event);
    return c.json({ received: true, duplicate: !fresh }, 200);
  },
);
