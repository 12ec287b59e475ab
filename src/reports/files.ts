// A report's files: a PDF edition per language and images for its body. The bytes go to R2
// (src/reports/storage.ts), the metadata to D1 (`report_files`). What a file is comes from
// its first bytes (src/lib/file-types.ts); a file that is not what the organiser said it is
// is refused. The public gets a file only while its report is public (published, embargo
// over); organisers get it from the admin pages at any time.
import { and, asc, eq } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { type REPORT_FILE_KINDS, reportFiles, reports } from "../db/schema";
import type { Lang } from "../i18n";
import { invalid, notFound } from "../lib/errors";
import { safeBaseName, sniffFileType } from "../lib/file-types";
import { cleanText } from "../lib/text";
import { newId } from "../lib/tokens";
import type { Services } from "../services";
import { getPublicReport, isPublic, pdfFor, type ReportFile } from "./service";
import { fileKey } from "./storage";

export type FileKind = (typeof REPORT_FILE_KINDS)[number];

const MiB = 1024 * 1024;
/** The largest PDF edition: a long report with photos stays well under it. */
export const MAX_PDF_BYTES = 20 * MiB;
/** The largest image: a full-width photo, compressed, is a fraction of it. */
export const MAX_IMAGE_BYTES = 5 * MiB;
const LIMITS: Record<FileKind, number> = { pdf: MAX_PDF_BYTES, image: MAX_IMAGE_BYTES };
/**
 * The body limit of an upload request (src/app.tsx), above the 1 MiB of other bodies: the
 * largest file plus room for a multipart envelope. Each kind's own limit is checked after.
 */
export const UPLOAD_BODY_BYTES = MAX_PDF_BYTES + 64 * 1024;

/** Rounded up to a tenth, so a file just over a limit never reads as the limit itself. */
const megabytes = (bytes: number) => `${String(Math.ceil((bytes / MiB) * 10) / 10)} MiB`;
const WHAT: Record<FileKind, string> = {
  pdf: "a PDF",
  image: "an image (PNG, JPEG, WebP or GIF)",
};

export interface UploadInput {
  kind: FileKind;
  /** The edition's language: required for a PDF, absent for an image. */
  language?: Lang;
  /** The name to show and to offer when downloading; the uploaded file's name by default. */
  name?: string;
  bytes: Uint8Array;
}

/** The public address of a file, the one to put in a report's Markdown. */
export const filePath = (slug: string, fileId: string) => `/reports/${slug}/files/${fileId}`;

/** The public address of a report's PDF edition in a language (its default's when none). */
export const pdfPath = (slug: string, lang: Lang) => `/reports/${slug}/pdf/${lang}`;

export function fileJson(file: ReportFile, slug: string) {
  return {
    id: file.id,
    kind: file.kind,
    language: file.language,
    name: file.name,
    contentType: file.contentType,
    size: file.size,
    createdAt: file.createdAt.toISOString(),
    url: filePath(slug, file.id),
  };
}

async function reportOf(db: Db, reportId: string) {
  const report = await db.query.reports.findFirst({
    where: eq(reports.id, reportId),
    columns: { id: true, slug: true, status: true },
  });
  if (!report) throw notFound("No such report.");
  return report;
}

/** The checks an upload must pass, in the order an organiser would fix them; its type. */
function checkUpload(input: UploadInput) {
  if (input.kind === "pdf" && !input.language)
    throw invalid("Say which language this PDF edition is in.", [
      { path: "language", message: "Required for a PDF." },
    ]);
  if (input.kind === "image" && input.language)
    throw invalid("Images have no language: one image serves every version.", [
      { path: "language", message: "Leave it out for an image." },
    ]);
  if (input.bytes.byteLength === 0)
    throw invalid("The file is empty.", [{ path: "file", message: "The file is empty." }]);
  const type = sniffFileType(input.bytes);
  if (!type || type.kind !== input.kind) {
    const found = type ? `is ${type.label}` : "is not a PDF, PNG, JPEG, WebP or GIF";
    const message = `This file ${found}, not ${WHAT[input.kind]}: its type is read from its content, not from its name.`;
    throw invalid(message, [{ path: "file", message }]);
  }
  if (input.bytes.byteLength > LIMITS[input.kind]) {
    const message = `${type.kind === "pdf" ? "A PDF" : "An image"} can be at most ${megabytes(LIMITS[input.kind])}; this one is ${megabytes(input.bytes.byteLength)}.`;
    throw invalid(message, [{ path: "file", message }]);
  }
  return type;
}

/**
 * Stores a file of a report. A PDF replaces the report's PDF in the same language, so the
 * address readers have (the per-language one, `pdfPath`) keeps working with the new edition.
 */
export async function uploadReportFile(
  svc: Services,
  actor: Actor,
  reportId: string,
  input: UploadInput,
): Promise<ReturnType<typeof fileJson>> {
  const { db } = svc;
  const report = await reportOf(db, reportId);
  const type = checkUpload(input);
  const given = safeBaseName(cleanText(input.name ?? ""));
  const name =
    given ||
    (input.kind === "pdf" ? `${report.slug}-${input.language}.pdf` : `image.${type.extension}`);
  const id = newId("fil");
  const key = fileKey(reportId, id);
  // The object first: a row never points at bytes that are not there yet.
  await svc.files.put(key, input.bytes, { httpMetadata: { contentType: type.contentType } });
  const language = input.kind === "pdf" ? input.language! : null;
  let replaced: { id: string }[] = [];
  let stored: ReportFile;
  try {
    // The PDF this one replaces goes in the same transaction as the insert: readers never
    // find the language without an edition, nor with two.
    const replacing = language
      ? [
          db
            .delete(reportFiles)
            .where(
              and(
                eq(reportFiles.reportId, reportId),
                eq(reportFiles.kind, "pdf"),
                eq(reportFiles.language, language),
              ),
            )
            .returning({ id: reportFiles.id }),
        ]
      : [];
    const results = await runBatch(db, [
      ...replacing,
      db
        .insert(reportFiles)
        .values({
          id,
          reportId,
          kind: input.kind,
          language,
          name,
          contentType: type.contentType,
          size: input.bytes.byteLength,
        })
        .returning(),
      auditInsert(db, actor, {
        action: "report.file.upload",
        targetType: "report",
        targetId: reportId,
        detail: { file: id, kind: input.kind, language, size: input.bytes.byteLength },
      }),
    ]);
    replaced = (language ? results[0] : []) as { id: string }[];
    stored = (results[replacing.length] as ReportFile[])[0]!;
  } catch (error) {
    await svc.files.delete(key);
    // The report was deleted meanwhile, after its deletion swept R2 for the last time.
    if (String(error).includes("FOREIGN KEY")) throw notFound("No such report.");
    throw error;
  }
  if (replaced.length > 0) await svc.files.delete(replaced.map((r) => fileKey(reportId, r.id)));
  if (input.kind === "pdf" && report.status === "published")
    await svc.pages.purge([`/reports/${report.slug}`]);
  return fileJson(stored, report.slug);
}

async function fileOf(db: Db, reportId: string, fileId: string): Promise<ReportFile> {
  const file = await db.query.reportFiles.findFirst({
    where: and(eq(reportFiles.id, fileId), eq(reportFiles.reportId, reportId)),
  });
  if (!file) throw notFound("No such file.");
  return file;
}

/** A report's files, oldest first, each with its public address. */
export async function listReportFiles(db: Db, reportId: string) {
  const report = await reportOf(db, reportId);
  const files = await db.query.reportFiles.findMany({
    where: eq(reportFiles.reportId, reportId),
    orderBy: [asc(reportFiles.createdAt)],
  });
  return files.map((f) => fileJson(f, report.slug));
}

/**
 * Deletes one file: R2 first, then its row. When R2 fails the row stays and deleting again
 * retries; the other way round, bytes would be left that no row finds.
 */
export async function deleteReportFile(
  svc: Services,
  actor: Actor,
  reportId: string,
  fileId: string,
): Promise<void> {
  const { db } = svc;
  const report = await reportOf(db, reportId);
  const file = await fileOf(db, reportId, fileId);
  await svc.files.delete(fileKey(reportId, fileId));
  await runBatch(db, [
    db.delete(reportFiles).where(eq(reportFiles.id, fileId)),
    auditInsert(db, actor, {
      action: "report.file.delete",
      targetType: "report",
      targetId: reportId,
      detail: { file: fileId, kind: file.kind, language: file.language },
    }),
  ]);
  // The report's page offers its PDF; an image is only referred to by the Markdown.
  if (file.kind === "pdf" && report.status === "published")
    await svc.pages.purge([`/reports/${report.slug}`]);
}

export interface FoundFile {
  file: ReportFile;
  /** The report's slug now: a file asked for under an older one is redirected. */
  slug: string;
}

/** A file as the public may have it: its report is published and any embargo is over. */
export async function publicFile(db: Db, fileId: string, now: Date): Promise<FoundFile> {
  const [found] = await db
    .select({ file: reportFiles, slug: reports.slug })
    .from(reportFiles)
    .innerJoin(reports, eq(reports.id, reportFiles.reportId))
    .where(and(eq(reportFiles.id, fileId), isPublic(now)))
    .limit(1);
  if (!found) throw notFound("No such file.");
  return found;
}

/** The PDF edition the public gets for a language: that language's, else the default's. */
export async function publicPdf(db: Db, slug: string, lang: Lang, now: Date): Promise<FoundFile> {
  const report = await getPublicReport(db, slug, now);
  const file = pdfFor(report, lang);
  if (!file) throw notFound("No PDF edition.");
  return { file, slug: report.slug };
}

/** Any file of a report, for its organisers (previews of drafts and embargoed reports). */
export async function organiserFile(db: Db, reportId: string, fileId: string): Promise<FoundFile> {
  const report = await reportOf(db, reportId);
  return { file: await fileOf(db, reportId, fileId), slug: report.slug };
}

/**
 * The stored bytes. With the request's headers, R2 evaluates `If-None-Match` and
 * `If-Modified-Since` itself: an object without a body means "not modified".
 */
export async function openFile(
  svc: Services,
  file: ReportFile,
  conditions?: Headers,
): Promise<R2Object | R2ObjectBody> {
  const object = await svc.files.get(
    fileKey(file.reportId, file.id),
    conditions ? { onlyIf: conditions } : undefined,
  );
  // A row whose object is gone (a deletion that failed half-way) serves nothing.
  if (!object) throw notFound("No such file.");
  return object;
}
