// JSON API: a report's files (PDF editions, images), mounted at /api/v1/reports/{id}/files.
import { createRoute, z } from "@hono/zod-openapi";
import { requires } from "../http/guard";
import {
  apiRouter,
  bearerSecurity,
  json,
  problemResponses,
  zodIssuesToFieldErrors,
} from "../http/openapi";
import { invalid } from "../lib/errors";
import { KNOWN_CONTENT_TYPES } from "../lib/file-types";
import { deleteReportFile, listReportFiles, uploadReportFile } from "./files";
import { FileFields } from "./schemas";

const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const FileParams = IdParam.extend({
  fileId: z.string().openapi({ param: { name: "fileId", in: "path" } }),
});

const ReportFileSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["pdf", "image"]),
    language: z.string().nullable(),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    createdAt: z.string(),
    url: z.string().openapi({
      description:
        "The public address (for an image, the one to use in the Markdown: ![alt](url)); it answers 404 until the report is public",
    }),
  })
  .openapi("ReportFile");

const Binary = z.string().openapi({ type: "string", format: "binary" });
/** Raw bodies: whatever the caller declares, the type is read from the first bytes. */
const RAW_TYPES = [...KNOWN_CONTENT_TYPES, "application/octet-stream"];
/** Content types the upload takes (src/app.tsx gives them to the content-type check). */
export const UPLOAD_CONTENT_TYPES = ["multipart/form-data", ...RAW_TYPES];

export const reportFileApi = apiRouter();

reportFileApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "uploadReportFile",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary:
      "Upload a PDF edition (one per language; a new one replaces the old) or an image for the body: multipart/form-data with file, kind, language (PDF) and name, or the raw bytes with ?kind=&language=&name=. The type is read from the file's first bytes, never from its name or declared type; PDF at most 20 MiB, images (PNG, JPEG, WebP, GIF) 5 MiB",
    security: bearerSecurity,
    request: {
      params: IdParam,
      query: FileFields.partial(),
      body: {
        required: false,
        content: {
          "multipart/form-data": {
            schema: FileFields.extend({
              file: z.instanceof(File).openapi({ type: "string", format: "binary" }),
            }),
          },
          ...Object.fromEntries(RAW_TYPES.map((type) => [type, { schema: Binary }])),
        },
      },
    },
    responses: {
      201: { description: "Stored", ...json(ReportFileSchema) },
      ...problemResponses(401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const multipart = (c.req.header("content-type") ?? "")
      .toLowerCase()
      .startsWith("multipart/form-data");
    let fields: z.infer<typeof FileFields>;
    let bytes: Uint8Array;
    if (multipart) {
      const { file, ...rest } = c.req.valid("form") as z.infer<typeof FileFields> & { file: File };
      fields = { ...rest, name: rest.name ?? file.name };
      bytes = new Uint8Array(await file.arrayBuffer());
    } else {
      const parsed = FileFields.safeParse(c.req.valid("query"));
      if (!parsed.success)
        throw invalid(
          "Give kind (and language for a PDF) in the query.",
          zodIssuesToFieldErrors(parsed.error.issues),
        );
      fields = parsed.data;
      bytes = new Uint8Array(await c.req.arrayBuffer());
    }
    return c.json(
      await uploadReportFile(c.var.services, c.var.actor, id, { ...fields, bytes }),
      201,
    );
  },
);

reportFileApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listReportFiles",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary: "List a report's files, oldest first",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: {
        description: "Files",
        ...json(z.object({ data: z.array(ReportFileSchema), nextCursor: z.null() })),
      },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) =>
    c.json(
      {
        data: await listReportFiles(c.var.services.db, c.req.valid("param").id),
        nextCursor: null,
      },
      200,
    ),
);

reportFileApi.openapi(
  createRoute({
    method: "delete",
    path: "/{fileId}",
    operationId: "deleteReportFile",
    middleware: [requires("workshops.manage")] as const,
    tags: ["Reports"],
    summary: "Delete a file of a report (from R2 and D1)",
    security: bearerSecurity,
    request: { params: FileParams },
    responses: {
      204: { description: "Deleted" },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { id, fileId } = c.req.valid("param");
    await deleteReportFile(c.var.services, c.var.actor, id, fileId);
    return c.body(null, 204);
  },
);
