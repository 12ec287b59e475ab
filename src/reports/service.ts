// Reports: one version per language (title, summary, Markdown body), drafts, publishing
// with an optional embargo on the public page.
import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert, auditInsertIf } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import {
  distributions,
  type ReportVersionState,
  reportFiles,
  reports,
  reportVersions,
  workshops,
} from "../db/schema";
import type { Lang } from "../i18n";
import { conflict, invalid, notFound } from "../lib/errors";
import { freeSlug, SLUG_MAX, SLUG_PATTERN, slugFamily, slugify } from "../lib/slugs";
import { cleanText } from "../lib/text";
import { newId } from "../lib/tokens";
import type { Services } from "../services";
import { removeReportObjects } from "./storage";

export type Report = typeof reports.$inferSelect;
type ReportVersion = typeof reportVersions.$inferSelect;
export type ReportFile = typeof reportFiles.$inferSelect;
export type ReportWithVersions = Report & { versions: ReportVersion[] };
/** A report as its own pages and emails need it: with its files' metadata (src/reports/files.ts). */
export type FullReport = ReportWithVersions & { files: ReportFile[] };

interface VersionInput {
  language: Lang;
  title: string;
  summary?: string;
  body: string;
  /**
   * Translation status. Omitted: a new report's version is `ready`; on an update a version
   * keeps the state it had (a new language is `ready`), so resending the versions without
   * the field never makes a draft sendable.
   */
  state?: ReportVersionState;
}

export interface ReportInput {
  workshopId?: string;
  slug?: string;
  defaultLanguage: Lang;
  versions: VersionInput[];
}

function checkVersions(defaultLanguage: Lang, versions: VersionInput[]) {
  const languages = versions.map((v) => v.language);
  if (new Set(languages).size !== languages.length)
    throw invalid("One version per language.", [
      { path: "versions", message: "A language appears twice." },
    ]);
  if (!languages.includes(defaultLanguage))
    throw invalid("The default language needs a version.", [
      { path: "defaultLanguage", message: "No version in this language." },
    ]);
}

/** Slugs typed into the form reach here unchecked (the API's schema checks its own). */
function checkSlug(slug: string | undefined) {
  if (slug !== undefined && (!SLUG_PATTERN.test(slug) || slug.length > SLUG_MAX)) {
    const message = "Use lowercase letters, digits and single dashes, at most 80 characters.";
    throw invalid(`The address (slug): ${message}`, [{ path: "slug", message }]);
  }
}

const versionRow = (reportId: string, v: VersionInput, previous?: ReportVersionState) => ({
  reportId,
  language: v.language,
  title: cleanText(v.title),
  summary: v.summary ? cleanText(v.summary) : null,
  body: v.body.normalize("NFC"),
  state: v.state ?? previous ?? "ready",
});

/** The slugs taken among `base` and base-2, base-3, …: a new title's slug takes the next. */
async function takenSlugs(db: Db, base: string): Promise<string[]> {
  const rows = await db
    .select({ slug: reports.slug })
    .from(reports)
    .where(slugFamily(reports.slug, base));
  return rows.map((r) => r.slug);
}

export async function createReport(
  db: Db,
  actor: Actor,
  input: ReportInput,
): Promise<ReportWithVersions> {
  checkVersions(input.defaultLanguage, input.versions);
  checkSlug(input.slug);
  const id = newId("rep");
  const main = input.versions.find((v) => v.language === input.defaultLanguage)!;
  const base = input.slug ?? (slugify(main.title) || `report-${id.slice(-8)}`);
  // A slug made from the title gets -2, -3… when taken; an explicit one must be free. Two
  // creations racing for the same number: the loser looks again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const slug = input.slug ?? freeSlug(base, await takenSlugs(db, base));
    try {
      await runBatch(db, [
        db.insert(reports).values({
          id,
          slug,
          workshopId: input.workshopId ?? null,
          defaultLanguage: input.defaultLanguage,
          status: "draft",
        }),
        ...input.versions.map((v) => db.insert(reportVersions).values(versionRow(id, v))),
        auditInsert(db, actor, { action: "report.create", targetType: "report", targetId: id }),
      ]);
      return getReport(db, id);
    } catch (error) {
      throwIfNoSuchWorkshop(error);
      if (!String(error).includes("UNIQUE")) throw error;
      if (input.slug) throw conflict("Another report uses that slug.");
    }
  }
  throw conflict("Could not find a free slug; give one explicitly.");
}

/**
 * The public pages that show a report: its own, the archive, the feed and the home page's
 * latest reports. Purged whenever they could change (src/cache/pages.ts).
 */
export function publicPathsOf(report: Pick<Report, "slug">): string[] {
  return ["/", "/reports", "/reports/feed.xml", `/reports/${report.slug}`];
}

/** The report's workshop is a foreign key: one that does not exist is the caller's mistake. */
function throwIfNoSuchWorkshop(error: unknown) {
  if (String(error).includes("FOREIGN KEY"))
    throw invalid("No such workshop.", [{ path: "workshopId", message: "No such workshop." }]);
}

export async function updateReport(
  svc: Services,
  actor: Actor,
  id: string,
  input: Partial<ReportInput>,
): Promise<ReportWithVersions> {
  const { db } = svc;
  const current = await getReport(db, id);
  const defaultLanguage = input.defaultLanguage ?? current.defaultLanguage;
  const versions =
    input.versions ?? current.versions.map((v) => ({ ...v, summary: v.summary ?? undefined }));
  checkVersions(defaultLanguage, versions);
  checkSlug(input.slug);
  try {
    await runBatch(db, [
      db
        .update(reports)
        .set({
          defaultLanguage,
          ...(input.slug ? { slug: input.slug } : {}),
          ...(input.workshopId !== undefined ? { workshopId: input.workshopId } : {}),
          updatedAt: new Date(),
        })
        .where(eq(reports.id, id)),
      ...(input.versions
        ? [
            db.delete(reportVersions).where(eq(reportVersions.reportId, id)),
            ...input.versions.map((v) =>
              db
                .insert(reportVersions)
                .values(
                  versionRow(id, v, current.versions.find((x) => x.language === v.language)?.state),
                ),
            ),
          ]
        : []),
      auditInsert(db, actor, { action: "report.update", targetType: "report", targetId: id }),
    ]);
  } catch (error) {
    throwIfNoSuchWorkshop(error);
    if (String(error).includes("UNIQUE")) throw conflict("Another report uses that slug.");
    throw error;
  }
  const updated = await getReport(db, id);
  if (current.status === "published")
    await svc.pages.purge([...publicPathsOf(current), ...publicPathsOf(updated)]);
  return updated;
}

export async function getReport(db: Db, id: string): Promise<FullReport> {
  const report = await db.query.reports.findFirst({
    where: eq(reports.id, id),
    with: { versions: true, files: { orderBy: [asc(reportFiles.createdAt)] } },
  });
  if (!report) throw notFound("No such report.");
  return report;
}

/**
 * The time zone an organiser enters a report's times in (its embargo, its sends): the
 * linked workshop's, where the people it is about met; else UTC, shown as such.
 */
export async function reportTimeZone(db: Db, report: { workshopId: string | null }) {
  if (!report.workshopId) return "UTC";
  const workshop = await db.query.workshops.findFirst({
    where: eq(workshops.id, report.workshopId),
    columns: { timezone: true },
  });
  return workshop?.timezone ?? "UTC";
}

export async function publishReport(
  svc: Services,
  actor: Actor,
  id: string,
  embargoUntil: Date | null,
  now = new Date(),
): Promise<ReportWithVersions> {
  const { db } = svc;
  const current = await getReport(db, id);
  await runBatch(db, [
    db
      .update(reports)
      .set({ status: "published", publishedAt: now, embargoUntil, updatedAt: now })
      .where(eq(reports.id, id)),
    auditInsert(db, actor, {
      action: "report.publish",
      targetType: "report",
      targetId: id,
      detail: { embargo: Boolean(embargoUntil) },
    }),
  ]);
  await svc.pages.purge(publicPathsOf(current));
  return getReport(db, id);
}

/** How far back the cron looks for ended embargoes: several runs, in case one is missed. */
const EMBARGO_LOOKBACK_MS = 5 * 60 * 1000;

/**
 * Cron: the pages of reports whose embargo ended in the last few minutes are purged, so
 * they open on time rather than when the cached pages expire. Purging again is harmless.
 */
export async function purgeEndedEmbargoes(svc: Services, now: Date): Promise<number> {
  const ended = await svc.db
    .select({ slug: reports.slug })
    .from(reports)
    .where(
      and(
        eq(reports.status, "published"),
        gt(reports.embargoUntil, new Date(now.getTime() - EMBARGO_LOOKBACK_MS)),
        lte(reports.embargoUntil, now),
      ),
    );
  if (ended.length > 0) await svc.pages.purge(ended.flatMap(publicPathsOf));
  return ended.length;
}

export function listReports(db: Db) {
  return db.query.reports.findMany({
    with: { versions: true },
    orderBy: [desc(reports.createdAt)],
    limit: 200,
  });
}

/** Whether the public may see a report, and so its files: published, any embargo over. */
export const isPublic = (now: Date) =>
  and(
    eq(reports.status, "published"),
    or(isNull(reports.embargoUntil), lte(reports.embargoUntil, now)),
  );

/** Published reports whose embargo is over, newest first: archive, feed, home page. */
export function listPublicReports(db: Db, now: Date, limit = 50) {
  return db.query.reports.findMany({
    where: isPublic(now),
    with: { versions: true },
    orderBy: [desc(reports.publishedAt)],
    limit,
  });
}

export async function getPublicReport(db: Db, slug: string, now: Date): Promise<FullReport> {
  const report = await db.query.reports.findFirst({
    where: and(eq(reports.slug, slug), isPublic(now)),
    with: { versions: true, files: { orderBy: [asc(reportFiles.createdAt)] } },
  });
  if (!report) throw notFound("No such report.");
  return report;
}

/**
 * The PDF edition to offer with a language version: the one in that language, else the
 * default language's; null when neither has one.
 */
export function pdfFor(report: FullReport, lang: Lang): ReportFile | null {
  const pdfs = report.files.filter((f) => f.kind === "pdf");
  return (
    pdfs.find((f) => f.language === lang) ??
    pdfs.find((f) => f.language === report.defaultLanguage) ??
    null
  );
}

/** A distribution in these statuses may still send: its report stays until it ends. */
const STILL_SENDING = ["scheduled", "sending"] as const;

/**
 * Deletes a report with everything that hangs off it: its versions, its distributions and
 * their ledger (cascades in D1), and its files, in D1 and in R2. Refused while one of its
 * distributions is scheduled or sending: its chunks would find nothing to send.
 */
export async function deleteReport(svc: Services, actor: Actor, id: string): Promise<void> {
  const { db } = svc;
  const report = await getReport(db, id);
  const sending = await db
    .select({ id: distributions.id })
    .from(distributions)
    .where(and(eq(distributions.reportId, id), inArray(distributions.status, STILL_SENDING)))
    .limit(1);
  const stillSending = conflict(
    "This report has a distribution scheduled or sending: cancel it (or let it finish) first.",
  );
  if (sending.length > 0) throw stillSending;
  // R2 before D1: when R2 fails, nothing is deleted yet and deleting again retries all of
  // it; the other way round, the objects would outlive every row that could find them.
  await removeReportObjects(svc.files, id);
  const noneSending = sql`NOT EXISTS (SELECT 1 FROM ${distributions} WHERE ${distributions.reportId} = ${id} AND ${distributions.status} IN ('scheduled', 'sending'))`;
  const [, deleted] = await runBatch(db, [
    // Before the delete, so the entry can still read the report's workshop.
    auditInsertIf(
      db,
      actor,
      {
        action: "report.delete",
        targetType: "report",
        targetId: id,
        detail: { files: report.files.length },
      },
      sql`EXISTS (SELECT 1 FROM ${reports} WHERE ${reports.id} = ${id}) AND ${noneSending}`,
    ),
    db
      .delete(reports)
      .where(and(eq(reports.id, id), noneSending))
      .returning({ id: reports.id }),
  ]);
  // A distribution created since the check above: the report stays (its files are gone).
  if (deleted.length === 0) throw stillSending;
  // An upload running alongside may have stored its object after the first sweep; its row,
  // if written, went with the report, and one written later fails on the foreign key.
  await removeReportObjects(svc.files, id);
  if (report.status === "published") await svc.pages.purge(publicPathsOf(report));
}

/** The versions that may be sent: those marked ready. */
export const readyVersions = (report: ReportWithVersions): ReportVersion[] =>
  report.versions.filter((v) => v.state === "ready");

/**
 * The language a recipient who chose `lang` is sent: theirs when its version is ready, else
 * the default language's when ready, else the first ready one; null when none is ready.
 * The same choice chunk.ts makes among a distribution's recorded (ready) versions.
 */
export function sentLanguage(report: ReportWithVersions, lang: Lang): Lang | null {
  const ready = readyVersions(report);
  return (
    (
      ready.find((v) => v.language === lang) ??
      ready.find((v) => v.language === report.defaultLanguage) ??
      ready[0]
    )?.language ?? null
  );
}

/** The version in a language, falling back to the report's default language. */
export function versionFor(report: ReportWithVersions, lang: Lang): ReportVersion {
  return (
    report.versions.find((v) => v.language === lang) ??
    report.versions.find((v) => v.language === report.defaultLanguage) ??
    report.versions[0]!
  );
}

export function reportJson(r: ReportWithVersions) {
  return {
    id: r.id,
    slug: r.slug,
    workshopId: r.workshopId,
    defaultLanguage: r.defaultLanguage,
    status: r.status,
    publishedAt: r.publishedAt?.toISOString() ?? null,
    embargoUntil: r.embargoUntil?.toISOString() ?? null,
    versions: r.versions.map((v) => ({
      language: v.language,
      title: v.title,
      summary: v.summary,
      body: v.body,
      state: v.state,
    })),
  };
}
