// Before a send: how many people get each language (audiencePreview), and the checks that
// block it (errors) or need the organiser's confirmation (warnings). The API
// (POST /reports/{id}/checks) and the send form show them; sendReport runs them again when
// the send is asked for, so nothing goes out on a stale answer.

import { desc, eq, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import type { Db } from "../db/client";
import { type DistributionAudience, distributions } from "../db/schema";
import { LANGS, type Lang, languageOf } from "../i18n";
import { AppError, conflict } from "../lib/errors";
import { reachable } from "../lib/forgotten";
import { brokenLinks, linksIn } from "../lib/links";
import { renderReportContent, reportContent } from "../reports/email";
import {
  type FullReport,
  getReport,
  type ReportWithVersions,
  readyVersions,
  sentLanguage,
} from "../reports/service";
import type { Services } from "../services";
import { type AudienceInput, createDistribution, NOT_PUBLISHED, resolveAudience } from "./create";
import { topicFilter } from "./prepare";

/** Gmail clips a message whose HTML is larger than this (102 KB): the rest hides behind a link. */
export const GMAIL_CLIP_BYTES = 102 * 1024;
/** A subject longer than this is cut off in most inboxes. */
export const SUBJECT_MAX = 100;
/** "Much larger than the last send of the same audience": more than twice, and by more than this. */
export const GROWTH_MIN_EXTRA = 50;

export interface Check {
  code: string;
  message: string;
}

type PerLanguage = Record<Lang, number>;

export interface AudienceCounts {
  /** Recipients, approximately (see audiencePreview). */
  total: number;
  /** By the language each will be sent. */
  byLanguage: PerLanguage;
  /** By the language asked for: those whose language is missing or a draft, sent the fallback. */
  fallback: PerLanguage;
}

export interface PresendChecks {
  counts: AudienceCounts;
  errors: Check[];
  warnings: Check[];
}

const zero = (): PerLanguage => Object.fromEntries(LANGS.map((l) => [l, 0])) as PerLanguage;

/** The same sources prepare.ts collects: subscribers unless only attendees are named. */
const hasSubscribers = (a: AudienceInput) => Boolean(a.topics || !a.attendeesOf);

/**
 * The recipients by the language they asked for, counted in SQL. Subscribers: active, of the
 * topics, not suppressed (the list is keyed by the same index). Attendees: of the workshop
 * in the statuses, who did not decline the report and are not erased.
 *
 * Approximate, and never below the real count: an address that is both a subscriber and an
 * attendee is counted twice, and attendees on the suppression list are counted, because
 * their addresses are sealed under the workshop's key and only opening them (as the prepare
 * step does) could match them. A bounded error, in the direction that errs on the side of
 * warning.
 */
async function requestedLanguages(db: Db, audience: AudienceInput): Promise<PerLanguage> {
  const counts = zero();
  const add = (rows: { language: Lang; n: number }[]) => {
    for (const r of rows) if (r.language in counts) counts[r.language] += Number(r.n);
  };
  if (hasSubscribers(audience))
    add(
      await db.all<{ language: Lang; n: number }>(
        sql`SELECT s.language AS language, count(*) AS n FROM subscribers s
            WHERE s.status = 'active'
              AND NOT EXISTS (SELECT 1 FROM suppressions p WHERE p.email_hash = s.email_index)
              ${topicFilter(audience.topics)}
            GROUP BY s.language`,
      ),
    );
  const of = audience.attendeesOf;
  if (of)
    add(
      await db.all<{ language: Lang; n: number }>(
        sql`SELECT r.language AS language, count(*) AS n FROM registrations r
            WHERE r.workshop_id = ${of.workshopId} AND r.receive_report = 1
              AND r.status IN (${sql.join(
                of.statuses.map((s) => sql`${s}`),
                sql`, `,
              )})
              AND ${reachable(sql`r.email`)}
            GROUP BY r.language`,
      ),
    );
  return counts;
}

function countsFor(report: ReportWithVersions, requested: PerLanguage): AudienceCounts {
  const byLanguage = zero();
  const fallback = zero();
  let total = 0;
  for (const lang of LANGS) {
    const n = requested[lang];
    total += n;
    const sent = sentLanguage(report, lang);
    if (!sent) continue;
    byLanguage[sent] += n;
    if (sent !== lang) fallback[lang] += n;
  }
  return { total, byLanguage, fallback };
}

/**
 * Before sending: how many recipients get each language, and how many asked for a language
 * whose version is missing or a draft and get the fallback (the default language's when
 * ready, else the ready one). Counts are approximate (requestedLanguages).
 */
export async function audiencePreview(
  svc: Services,
  reportId: string,
  audience: AudienceInput,
): Promise<AudienceCounts> {
  const report = await getReport(svc.db, reportId);
  return countsFor(report, await requestedLanguages(svc.db, audience));
}

const audienceKey = (a: AudienceInput | DistributionAudience) =>
  JSON.stringify({
    topics: hasSubscribers(a) ? [...(a.topics ?? [])].sort() : null,
    attendeesOf: a.attendeesOf
      ? { workshopId: a.attendeesOf.workshopId, statuses: [...a.attendeesOf.statuses].sort() }
      : null,
  });

/** How many the last completed send of this same audience (any report) went to; null: none. */
async function lastSendOf(db: Db, audience: AudienceInput): Promise<number | null> {
  const recent = await db
    .select({
      audience: distributions.audience,
      sent: distributions.sent,
      failed: distributions.failed,
    })
    .from(distributions)
    .where(eq(distributions.status, "completed"))
    .orderBy(desc(distributions.createdAt))
    .limit(200);
  const key = audienceKey(audience);
  const last = recent.find((d) => audienceKey(d.audience) === key);
  return last ? last.sent + last.failed : null;
}

/**
 * The email of each ready version, rendered now as it would be sent, and its HTML's size.
 * Rendered in the request: React Email takes tens of milliseconds a version, and the
 * answer must say whether Gmail clips it.
 */
async function emailChecks(
  report: FullReport,
  appUrl: string,
  now: Date,
  errors: Check[],
  warnings: Check[],
) {
  const ready = readyVersions(report);
  try {
    const renders = await renderReportContent(
      reportContent({ ...report, versions: ready }, appUrl, now),
    );
    for (const r of renders) {
      // The placeholders become a name and a signed link of about the same length.
      const bytes = new TextEncoder().encode(r.html).length;
      if (bytes > GMAIL_CLIP_BYTES)
        warnings.push({
          code: "email_clipped",
          message: `The ${languageOf(r.language).englishName} email is ${Math.ceil(bytes / 1024)} KB: Gmail clips emails over 102 KB and hides the rest (and the unsubscribe link) behind "View entire message". Shorten the body or move it to the PDF.`,
        });
    }
  } catch (error) {
    errors.push({
      code: "render_failed",
      message: `The email could not be rendered: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/**
 * Every check before a send, with the counts. Errors block it; warnings need the organiser's
 * confirmation. Throws (422) for an audience that cannot be named at all: an unknown topic,
 * a workshop the actor may not send to.
 */
export async function presendChecks(
  svc: Services,
  actor: Actor,
  reportId: string,
  audience: AudienceInput,
  now = svc.now(),
): Promise<PresendChecks> {
  const { db } = svc;
  const report = await getReport(db, reportId);
  await resolveAudience(db, actor, audience);
  const errors: Check[] = [];
  const warnings: Check[] = [];
  const counts = countsFor(report, await requestedLanguages(db, audience));
  const ready = readyVersions(report);

  if (report.status !== "published") errors.push({ code: "not_published", message: NOT_PUBLISHED });
  if (!svc.settings.mailFrom?.trim())
    errors.push({
      code: "sender_missing",
      message: "No sender address is configured (MAIL_FROM): no email can be sent.",
    });
  if (ready.length === 0)
    errors.push({
      code: "no_version_ready",
      message: "No language version is ready: mark at least one ready before sending.",
    });
  for (const v of ready) {
    const name = languageOf(v.language).englishName;
    const length = [...v.title.trim()].length;
    if (length === 0)
      errors.push({
        code: "subject_empty",
        message: `The ${name} version has no title (subject).`,
      });
    else if (length > SUBJECT_MAX)
      warnings.push({
        code: "subject_long",
        message: `The ${name} subject is ${length} characters: inboxes cut it off after about ${SUBJECT_MAX}.`,
      });
  }
  if (ready.length > 0)
    for (const lang of LANGS) {
      const n = counts.fallback[lang];
      if (n === 0) continue;
      const state = report.versions.some((v) => v.language === lang) ? "a draft" : "missing";
      const to = sentLanguage(report, lang)!;
      warnings.push({
        code: "language_not_ready",
        message: `${n} recipient(s) chose ${languageOf(lang).englishName}, whose version is ${state}: they will get the ${languageOf(to).englishName} version.`,
      });
    }
  if (audience.scheduledAt && audience.scheduledAt.getTime() < now.getTime())
    errors.push({
      code: "scheduled_in_past",
      message: `The scheduled time (${audience.scheduledAt.toISOString()}) is in the past.`,
    });
  if (counts.total === 0)
    errors.push({ code: "audience_empty", message: "Nobody is in this audience." });
  else {
    const last = await lastSendOf(db, audience);
    if (last !== null && counts.total > 2 * last && counts.total - last > GROWTH_MIN_EXTRA)
      warnings.push({
        code: "audience_grown",
        message: `About ${counts.total} recipients, but the last send to this same audience reached ${last}: a wrong list?`,
      });
  }
  if (ready.length > 0) await emailChecks(report, svc.settings.appUrl, now, errors, warnings);
  warnings.push(...(await linkChecks(ready)));
  return { counts, errors, warnings };
}

/** At most this many links are asked, all at once: a check must not hold the page for long. */
const LINKS_CHECKED = 20;

/** A warning for each link of a ready version that does not answer. */
async function linkChecks(ready: { language: Lang; body: string }[]): Promise<Check[]> {
  const byUrl = new Map<string, Lang[]>();
  for (const v of ready)
    for (const url of linksIn(v.body)) byUrl.set(url, [...(byUrl.get(url) ?? []), v.language]);
  const urls = [...byUrl.keys()].slice(0, LINKS_CHECKED);
  return (await brokenLinks(urls)).map(({ url, problem }) => ({
    code: "link_broken",
    message: `The link ${url} (${byUrl
      .get(url)!
      .map((l) => languageOf(l).englishName)
      .join(", ")}) ${problem}.`,
  }));
}

const listed = (checks: Check[]) => checks.map((c) => ({ path: c.code, message: c.message }));

/**
 * A send as the API and the send form ask for it: refused (409) when the report is not
 * published, (422) when a check fails, (409) when there are warnings and `confirm` is not
 * set; otherwise created (createDistribution).
 */
export async function sendReport(
  svc: Services,
  actor: Actor,
  reportId: string,
  input: AudienceInput & { confirm?: boolean },
  now = svc.now(),
) {
  const report = await getReport(svc.db, reportId);
  if (report.status !== "published") throw conflict(NOT_PUBLISHED);
  const { errors, warnings } = await presendChecks(svc, actor, reportId, input, now);
  if (errors.length)
    throw new AppError(
      "invalid",
      `The send is blocked: ${errors.map((e) => e.message).join(" ")}`,
      listed(errors),
    );
  if (warnings.length && !input.confirm)
    throw conflict(
      `Confirm the send (confirm: true) after reading the warnings: ${warnings.map((w) => w.message).join(" ")}`,
      listed(warnings),
    );
  const { confirm: _, ...audience } = input;
  return createDistribution(svc, actor, reportId, audience, now);
}
