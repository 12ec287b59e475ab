// The files section of a report's admin page (upload, list, delete; the Markdown to paste
// for an image) and its form posts. Organisers also get every file here, whatever the
// report's state, so previews of drafts and embargoed reports show their images.

import { Hono } from "hono";
import { adminLang } from "../http/admin-lang";
import type { AppEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import {
  type AdminWords,
  adminDictionary,
  fill,
  formatNumber,
  LANGUAGES,
  type Lang,
  languageNameIn,
} from "../i18n";
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

const kindLabel = (a: AdminWords, file: ReportFile) =>
  file.kind === "pdf" && file.language
    ? fill(a.reports.pdfEditionIn, { language: languageNameIn(file.language as Lang, a.lang) })
    : a.reports.image;

const sizeLabel = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 2 ** 20).toFixed(1)} MB`;

export function FilesSection({ report, a }: { report: FullReport; a: AdminWords }) {
  const base = `/admin/reports/${report.id}/files`;
  const t = a.reports;
  return (
    <>
      <h2 id="files">{t.files}</h2>
      <p class="muted">
        {fill(t.filesHint, {
          pdfMiB: formatNumber(MAX_PDF_BYTES / 2 ** 20, a.lang),
          imageMiB: formatNumber(MAX_IMAGE_BYTES / 2 ** 20, a.lang),
        })}
      </p>
      {report.files.length === 0 ? (
        <p>{t.noFiles}</p>
      ) : (
        <DataTable headers={[t.file, t.kind, t.size, t.use, ""]}>
          {report.files.map((f) => (
            <tr>
              <td>
                <a href={organiserFilePath(report.id, f.id)} dir="auto">
                  {f.name}
                </a>
              </td>
              <td>{kindLabel(a, f)}</td>
              <td dir="ltr">{sizeLabel(f.size)}</td>
              <td>
                {f.kind === "image" ? (
                  <input
                    class="mono"
                    type="text"
                    readonly
                    dir="ltr"
                    value={imageMarkdown(report.slug, f)}
                    aria-label={fill(t.markdownFor, { name: f.name })}
                  />
                ) : (
                  // The address the page and the email give, which a new edition keeps.
                  <span class="mono" dir="ltr">
                    {pdfPath(report.slug, f.language as Lang)}
                  </span>
                )}
              </td>
              <td>
                <form method="post" action={`${base}/${f.id}/delete`} class="inline">
                  <button
                    type="submit"
                    class="danger"
                    aria-label={fill(t.deleteFile, { name: f.name })}
                  >
                    {a.common.delete}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form method="post" action={base} enctype="multipart/form-data" class="stack">
        <fieldset>
          <legend>{t.uploadHeading}</legend>
          <SelectField
            name="kind"
            label={t.kind}
            options={[
              { value: "pdf", label: t.pdfEdition },
              { value: "image", label: t.imageForBody },
            ]}
          />
          <SelectField
            name="language"
            label={t.pdfLanguage}
            options={LANGUAGES.map((l) => ({
              value: l.code,
              label: languageNameIn(l.code, a.lang),
            }))}
            value={report.defaultLanguage}
          />
          <div>
            <label for="f-file">{t.file}</label>
            <input
              id="f-file"
              name="file"
              type="file"
              required
              accept="application/pdf,image/png,image/jpeg,image/webp,image/gif"
            />
          </div>
          <div>
            <label for="f-file-name">{t.fileName}</label>
            <input id="f-file-name" name="name" type="text" maxlength={200} dir="auto" />
          </div>
        </fieldset>
        <div>
          <button type="submit">{t.upload}</button>
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
    const t = adminDictionary(adminLang(c)).reports;
    if (!(file instanceof File) || file.size === 0) throw invalid(t.chooseFile);
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
    return redirectWithNotice(c, back, fill(t.uploaded, { name: stored.name }));
  });
});

reportFileAdminPages.post("/:id/files/:fileId/delete", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const back = `/admin/reports/${id}#files`;
  return noticeOnError(c, back, async () => {
    await deleteReportFile(c.var.services, c.var.actor, id, c.req.param("fileId"));
    return redirectWithNotice(c, back, adminDictionary(adminLang(c)).reports.fileDeleted);
  });
});

reportFileAdminPages.get("/:id/files/:fileId", requires("workshops.manage"), async (c) => {
  const found = await organiserFile(c.var.services.db, c.req.param("id"), c.req.param("fileId"));
  return fileResponse(found, await openFile(c.var.services, found.file), "organisers");
});
