// A message to participants, shared by the JSON API and the admin form.
import { z } from "@hono/zod-openapi";
import { REGISTRATION_STATUSES } from "../db/schema";

export const MessageSchema = z
  .object({
    subject: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(20_000),
    statuses: z.array(z.enum(REGISTRATION_STATUSES)).min(1).default(["confirmed"]),
  })
  .strict()
  .openapi("Message");
