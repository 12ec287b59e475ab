// CSV downloads (registrations, subscribers, the schedule): one way to answer them, with an
// explicit choice for Excel. Excel on Windows reads a CSV without a byte-order mark in the
// machine's legacy code page, so Arabic names come out as mojibake; with `?excel=true` the
// file starts with a UTF-8 BOM. Scripts get plain RFC 4180 UTF-8 by default.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";

export const CsvQuery = z.object({
  excel: z.enum(["true", "false"]).optional().openapi({
    description:
      "true: start the file with a UTF-8 byte-order mark, so Excel on Windows shows non-Latin text (Arabic names) correctly",
  }),
});

const BOM = "\uFEFF";

/** A CSV file to download, with a BOM when Excel was asked for. */
export function csvDownload(c: Context, csv: string, filename: string, excel?: "true" | "false") {
  return c.body(excel === "true" ? BOM + csv : csv, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
  });
}
