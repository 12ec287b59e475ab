// Report input shared by the JSON API and the admin pages.
import { z } from "@hono/zod-openapi";
import { REPORT_FILE_KINDS } from "../db/schema";
import { LANGS } from "../i18n";

/** Send the report as recipients would get it to one address (default: the caller's). */
export const TestSendSchema = z
  .object({ to: z.email().optional(), language: z.enum(LANGS).optional() })
  .strict();

/**
 * What an upload says about its file (multipart fields, or the query of a raw upload). What
 * the file is, is read from its bytes (src/reports/files.ts), never from these.
 */
export const FileFields = z.object({
  kind: z.enum(REPORT_FILE_KINDS),
  language: z.enum(LANGS).optional(),
  name: z.string().trim().max(200).optional(),
});
