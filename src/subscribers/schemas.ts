// Subscriber-side input shared by the JSON API and the admin pages.
import { z } from "@hono/zod-openapi";

/** A new topic: a slug for links and forms, an English and an optional Arabic name. */
export const NewTopicSchema = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
      .max(60),
    name: z.string().trim().min(1).max(100),
    nameAr: z.string().trim().max(100).optional(),
  })
  .strict();
