// Report input shared by the JSON API and the admin pages.
import { z } from "@hono/zod-openapi";
import { LANGS } from "../i18n";

/** Send the report as recipients would get it to one address (default: the caller's). */
export const TestSendSchema = z
  .object({ to: z.email().optional(), language: z.enum(LANGS).optional() })
  .strict();
