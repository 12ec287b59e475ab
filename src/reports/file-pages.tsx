// The files section of a report's admin page (upload, list, delete; the Markdown to paste
// for an image) and its form posts. Organisers also get every file here, whatever the
// report's state, so previews of drafts and embargoed reports show their images.

import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import { LANGUAGES, type Lang, languageOf } from "../i18n";
import { invalid } from "../lib/errors";
import { SelectField } from "../ui/forms";
import { DataTable } from "../ui/table";
import { fileResponse } from "./file-response";
import {
  deleteReportFile,
  filePath,
  MAX_IMAGE_BYTES,
  MAX_PDF_BYTES,
  openFile,
  organiserFile,
  pdfPath,
  uploadReportFile,
} from "./files";
import { FileFields } from "./schemas";
import type { FullReport, ReportFile } from "./service";

/** Mounted at /admin/reports. */
export const reportFileAdminPages = new Hono<AppEnv>();

/** Where organisers get a file of a report, whatever the report's state. */
export const organiserFilePath = (reportId: string, fileId: string) =>
  `/admin/reports/${reportId}/files/${fileId}`;

/**
 * For a preview: the report's public file addresses in the body, under any slug, become the
 * organisers' ones, which answer before the report is public.
 */
export function previewUrls(reportId: string): (url: string) => string {
  return (url) => {
    const match = /^\/reports\/[^/]+\/files\/([^/?#]+)$/.exec(url);
    return match ? organiserFilePath(reportId, match[1]!) : url;
  };
}

/** The Markdown that shows an image, its alt text taken from the file's name to start with. */
export function imageMarkdown(slug: string, file: ReportFile): string {
  const alt = file.name.replace(/\.[A-Za-z0-9]+$/, "").replace(/[[\]\\]/g, "");
  return `![${alt}](${filePath(slug, file.id)})`;
}

const kindLabel = (file: ReportFile) =>
  file.kind === "pdf" && file.language
    ? `PDF edition (${languageOf(file.language as Lang).englishName})`
    : "Image";

const sizeLabel = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 2 ** 20).toFixed(1)} MB`;

export function FilesSection({ report }: { report: FullReport }) {
  const base = `/admin/reports/${report.id}/files`;
  return (
    <>
      <h2 id="files">Files</h2>
      <p class="muted">
        A PDF edition per language (at most {MAX_PDF_BYTES / 2 ** 20} MiB; a new one replaces the
        one in its language) and images for the body (PNG, JPEG, WebP or GIF, at most{" "}
        {MAX_IMAGE_BYTES / 2 ** 20} MiB). What a file is, is read from its content, not its name.
        The report's page offers the PDF in the reader's language (else the default language's), and
        the email links to it; the public gets the files once the report is public.
      </p>
      {report.files.length === 0 ? (
        <p>No files yet.</p>
      ) : (
        <DataTable headers={["File", "Kind", "Size", "Use", ""]}>
          {report.files.map((f) => (
            <tr>
              <td>
                <a href={organiserFilePath(report.id, f.id)} dir="auto">
                  {f.name}
                </a>
              </td>
              <td>{kindLabel(f)}</td>
              <td>{sizeLabel(f.size)}</td>
              <td>
                {f.kind === "image" ? (
                  <input
                    class="mono"
                    type="text"
                    readonly
                    value={imageMarkdown(report.slug, f)}
                    aria-label={`Markdown that shows ${f.name}: paste it into the body`}
                  />
                ) : (
                  // The address the page and the email give, which a new edition keeps.
                  <span class="mono">{pdfPath(report.slug, f.language as Lang)}</span>
                )}
              </td>
              <td>
                <form method="post" action={`${base}/${f.id}/delete`} class="inline">
                  <button type="submit" class="danger" aria-label={`Delete ${f.name}`}>
                    Delete
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form method="post" action={base} enctype="multipart/form-data" class="stack">
        <fieldset>
          <legend>Upload a file</legend>
          <SelectField
            name="kind"
            label="Kind"
            options={[
              { value: "pdf", label: "PDF edition" },
              { value: "image", label: "Image for the body" },
            ]}
          />
          <SelectField
            name="language"
            label="Language (of a PDF edition)"
            options={LANGUAGES.map((l) => ({ value: l.code, label: l.englishName }))}
            value={report.defaultLanguage}
          />
          <div>
            <label for="f-file">File</label>
            <input
              id="f-file"
              name="file"
              type="file"
              required
              accept="application/pdf,image/png,image/jpeg,image/webp,image/gif"
            />
          </div>
          <div>
            <label for="f-file-name">Name (optional; the file's own name by default)</label>
            <input id="f-file-name" name="name" type="text" maxlength={200} dir="auto" />
          </div>
        </fieldset>
        <div>
          <button type="submit">Upload</button>
        </div>
      </form>
    </>
  );
}

reportFileAdminPages.post("/:id/files", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const back = `/admin/reports/${id}#files`;
  const body = await c.req.parseBody();
  return noticeOnError(c, back, async () => {
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) throw invalid("Choose a file to upload.");
    const kind = body.kind === "image" ? "image" : "pdf";
    const parsed = FileFields.safeParse({
      kind,
      // The language select is for PDFs; an image has none, whatever it says.
      language: kind === "pdf" ? body.language : undefined,
      name: typeof body.name === "string" && body.name.trim() ? body.name : file.name,
    });
    if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? "Check the form.");
    const stored = await uploadReportFile(c.var.services, c.var.actor, id, {
      ...parsed.data,
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
    return redirectWithNotice(c, back, `Uploaded ${stored.name}.`);
  });
});

reportFileAdminPages.post("/:id/files/:fileId/delete", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const back = `/admin/reports/${id}#files`;
  return noticeOnError(c, back, async () => {
    await deleteReportFile(c.var.services, c.var.actor, id, c.req.param("fileId"));
    return redirectWithNotice(c, back, "File deleted.");
  });
});

reportFileAdminPages.get("/:id/files/:fileId", requires("workshops.manage"), async (c) => {
  const found = await organiserFile(c.var.services.db, c.req.param("id"), c.req.param("fileId"));
  return fileResponse(found, await openFile(c.var.services, found.file), "organisers");
});
