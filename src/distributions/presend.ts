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
import { type ReportSite, renderReportContent, reportContent } from "../reports/email";
import {
  type FullReport,
  getReport,
  type ReportWithVersions,
  readyVersions,
  sentLanguage,
} from "../reports/service";
import type { Services } from "../services";
import { isListed, suppressionKeys } from "../subscribers/suppression";
import { openFields } from "../vault/fields";
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
  /** In English, as the API answers it. */
  message: string;
  /**
   * The values in the message, for a page that says it in another language (the admin
   * dictionary's `checks`, by code): numbers, language codes, an address. Not in the API.
   */
  values?: Record<string, string | number>;
}

type PerLanguage = Record<Lang, number>;

export interface AudienceCounts {
  /** Recipients, each address once (tallyAudience). */
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

type Counted = { language: Lang; n: number };

/** The audience counted as the prepare step collects it: each address once. */
export interface AudienceTally {
  /** Everyone, by the language they asked for. */
  requested: PerLanguage;
  /** Subscribers in the audience; null when subscribers are not part of it. */
  subscribers: number | null;
  /** Attendees not on the suppression list, also subscribed or not; null when not part of it. */
  attendees: number | null;
  /** The same attendees by their registration's status. */
  attendeesByStatus: Record<string, number>;
}

const SUBSCRIBED = sql`s.status = 'active' AND NOT EXISTS (SELECT 1 FROM suppressions p WHERE p.email_hash = s.email_index)`;

/**
 * The recipients, exactly as the prepare step collects them. Subscribers, in SQL: active, of
 * the topics, not suppressed (the list is keyed by the same index). Attendees: of the
 * workshop in the statuses, who did not decline the report and are not erased, read into
 * the Worker and opened, since their addresses are sealed under the workshop's key: one on
 * the suppression list is left out, and one who is also a subscriber in the audience is
 * counted once, as a subscriber. An attendee whose subscription is not active (unsubscribed,
 * bounced, pending) is counted: their consent to the workshop's report stands on its own.
 * Two queries, plus one for the attendees' addresses against the list and the subscribers.
 * (An entry of the list from before the vault, an unkeyed hash, is matched for attendees
 * only; for subscribers the chunk's check skips it, as when sending.)
 */
export async function tallyAudience(
  svc: Services,
  audience: AudienceInput,
): Promise<AudienceTally> {
  const { db } = svc;
  const requested = zero();
  const add = (language: Lang, n: number) => {
    if (language in requested) requested[language] += n;
  };
  let subscribers: number | null = null;
  if (hasSubscribers(audience)) {
    const rows = await db.all<Counted>(
      sql`SELECT s.language AS language, count(*) AS n FROM subscribers s
          WHERE ${SUBSCRIBED} ${topicFilter(audience.topics)}
          GROUP BY s.language`,
    );
    subscribers = 0;
    for (const r of rows) {
      add(r.language, Number(r.n));
      subscribers += Number(r.n);
    }
  }
  const of = audience.attendeesOf;
  if (!of) return { requested, subscribers, attendees: null, attendeesByStatus: {} };
  const rows = await db.all<{ id: string; email: string; language: Lang; status: string }>(
    sql`SELECT r.id AS id, r.email AS email, r.language AS language, r.status AS status
        FROM registrations r
        WHERE r.workshop_id = ${of.workshopId} AND r.receive_report = 1
          AND r.status IN (${sql.join(
            of.statuses.map((s) => sql`${s}`),
            sql`, `,
          )})
          AND ${reachable(sql`r.email`)}`,
  );
  const [key, subscribersKey] = await Promise.all([
    svc.vault.workshop(of.workshopId),
    svc.vault.subscribers(),
  ]);
  const opened = (
    await Promise.all(rows.map((row) => openFields(key, "registrations", row, { email: "" })))
  ).filter((p) => p.email);
  const keys = await Promise.all(opened.map((p) => suppressionKeys(subscribersKey, p.email)));
  const found =
    keys.length === 0
      ? []
      : await db.all<{ v: string; listed: number; subscribed: number }>(
          sql`SELECT v, listed, subscribed FROM (
                SELECT j.value AS v,
                  EXISTS (SELECT 1 FROM suppressions p WHERE p.email_hash = j.value) AS listed,
                  ${
                    subscribers === null
                      ? sql`0`
                      : sql`EXISTS (SELECT 1 FROM subscribers s WHERE s.email_index = j.value AND ${SUBSCRIBED} ${topicFilter(audience.topics)})`
                  } AS subscribed
                FROM json_each(${JSON.stringify([...new Set(keys.flatMap((k) => [k.index, k.legacy]))])}) j)
              WHERE listed OR subscribed`,
        );
  const listed = new Set(found.filter((f) => f.listed).map((f) => f.v));
  const subscribed = new Set(found.filter((f) => f.subscribed).map((f) => f.v));
  const seen = new Set<string>();
  const attendeesByStatus: Record<string, number> = {};
  let attendees = 0;
  opened.forEach((person, i) => {
    const k = keys[i]!;
    if (seen.has(k.index) || isListed(listed, k)) return;
    seen.add(k.index);
    attendees++;
    attendeesByStatus[person.status] = (attendeesByStatus[person.status] ?? 0) + 1;
    if (!subscribed.has(k.index)) add(person.language, 1);
  });
  return { requested, subscribers, attendees, attendeesByStatus };
}

/** Subscribers of each topic alone (active, not suppressed), in one query. */
export async function subscribersPerTopic(db: Db, slugs: string[]): Promise<Map<string, number>> {
  if (slugs.length === 0) return new Map();
  const rows = await db.all<{ slug: string; n: number }>(
    sql`SELECT t.slug AS slug, count(*) AS n
        FROM topics t JOIN subscriber_topics st ON st.topic_id = t.id JOIN subscribers s ON s.id = st.subscriber_id
        WHERE t.slug IN (${sql.join(
          slugs.map((slug) => sql`${slug}`),
          sql`, `,
        )}) AND ${SUBSCRIBED}
        GROUP BY t.slug`,
  );
  return new Map(slugs.map((slug) => [slug, Number(rows.find((r) => r.slug === slug)?.n ?? 0)]));
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
 * ready, else the ready one). Each address counted once (tallyAudience).
 */
export async function audiencePreview(
  svc: Services,
  reportId: string,
  audience: AudienceInput,
): Promise<AudienceCounts> {
  const report = await getReport(svc.db, reportId);
  return countsFor(report, (await tallyAudience(svc, audience)).requested);
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
  site: ReportSite,
  now: Date,
  errors: Check[],
  warnings: Check[],
) {
  const ready = readyVersions(report);
  try {
    const renders = await renderReportContent(
      reportContent({ ...report, versions: ready }, site, now),
    );
    for (const r of renders) {
      // The placeholders become a name and a signed link of about the same length.
      const bytes = new TextEncoder().encode(r.html).length;
      if (bytes > GMAIL_CLIP_BYTES)
        warnings.push({
          code: "email_clipped",
          values: { language: r.language, kb: Math.ceil(bytes / 1024) },
          message: `The ${languageOf(r.language).englishName} email is ${Math.ceil(bytes / 1024)} KB: Gmail clips emails over 102 KB and hides the rest (and the unsubscribe link) behind "View entire message". Shorten the body or move it to the PDF.`,
        });
    }
  } catch (error) {
    errors.push({
      code: "render_failed",
      values: { error: error instanceof Error ? error.message : String(error) },
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
  return (await reviewSend(svc, actor, reportId, audience, now)).checks;
}

/** The checks, and the audience's tally they were made on (the review page lists its sources). */
export async function reviewSend(
  svc: Services,
  actor: Actor,
  reportId: string,
  audience: AudienceInput,
  now = svc.now(),
): Promise<{ checks: PresendChecks; tally: AudienceTally }> {
  const { db } = svc;
  const report = await getReport(db, reportId);
  await resolveAudience(db, actor, audience);
  const errors: Check[] = [];
  const warnings: Check[] = [];
  const tally = await tallyAudience(svc, audience);
  const counts = countsFor(report, tally.requested);
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
        values: { language: v.language },
        message: `The ${name} version has no title (subject).`,
      });
    else if (length > SUBJECT_MAX)
      warnings.push({
        code: "subject_long",
        values: { language: v.language, length, max: SUBJECT_MAX },
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
        values: { n, language: lang, state: state === "a draft" ? "draft" : "missing", to },
        message: `${n} recipient(s) chose ${languageOf(lang).englishName}, whose version is ${state}: they will get the ${languageOf(to).englishName} version.`,
      });
    }
  if (audience.scheduledAt && audience.scheduledAt.getTime() < now.getTime())
    errors.push({
      code: "scheduled_in_past",
      values: { at: audience.scheduledAt.toISOString() },
      message: `The scheduled time (${audience.scheduledAt.toISOString()}) is in the past.`,
    });
  if (counts.total === 0)
    errors.push({ code: "audience_empty", message: "Nobody is in this audience." });
  else {
    const last = await lastSendOf(db, audience);
    if (last !== null && counts.total > 2 * last && counts.total - last > GROWTH_MIN_EXTRA)
      warnings.push({
        code: "audience_grown",
        values: { total: counts.total, last },
        message: `${counts.total} recipients, but the last send to this same audience reached ${last}: a wrong list?`,
      });
  }
  if (ready.length > 0) await emailChecks(report, svc.settings, now, errors, warnings);
  warnings.push(...(await linkChecks(ready)));
  return { checks: { counts, errors, warnings }, tally };
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
    values: { url, languages: byUrl.get(url)!.join(","), problem },
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
