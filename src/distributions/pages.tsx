// Organisers' distribution pages: the sending section of a report's page (the audience
// form and the report's distributions), creating a distribution, following its progress
// and cancelling what has not gone out.
import { Hono } from "hono";
import type { Db } from "../db/client";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import {
  type AdminWords,
  adminDictionary,
  fill,
  formatNumber,
  isLang,
  LANGS,
  languageNameIn,
  ltrIn,
} from "../i18n";
import { formatInstant } from "../lib/time";
import { zonedFromForm } from "../reports/form";
import { getReport, type ReportWithVersions, reportTimeZone } from "../reports/service";
import { ZonedTimeField } from "../reports/zoned-time";
import { listTopics } from "../subscribers/topics";
import { Page } from "../ui/layout";
import { Fill } from "../ui/words";
import {
  type AudienceInput,
  cancelDistribution,
  distributionJson,
  getDistribution,
  listDistributions,
  resumeDistribution,
} from "./create";
import {
  type AudienceTally,
  type Check,
  reviewSend,
  sendReport,
  subscribersPerTopic,
} from "./presend";

/** Mounted at /admin/reports/:id/distributions: sending that report. */
export const reportDistributionAdminPages = new Hono<AppEnv>();
/** Mounted at /admin/distributions: one distribution's progress, and cancelling it. */
export const distributionAdminPages = new Hono<AppEnv>();

const words = (c: AppContext) => adminDictionary(adminLang(c));

/** The sending section of a report's admin page, as the page composes it. */
export const sendingSection: Section<ReportWithVersions> = {
  async load(c, report) {
    const data = await loadSendingSection(c.var.services.db, report);
    return { rows: 0, view: <SendingSection a={words(c)} report={report} data={data} /> };
  },
};

/** The topics a report can go to, and the report's distributions, newest first. */
async function loadSendingSection(db: Db, report: ReportWithVersions) {
  const topics = await listTopics(db);
  const sends = await listDistributions(db, report.id);
  return { topics, sends, zone: await reportTimeZone(db, report) };
}

/** The sending section of a report's admin page: the audience picker, then the distributions. */
function SendingSection({
  a,
  report,
  data,
}: {
  a: AdminWords;
  report: ReportWithVersions;
  data: Awaited<ReturnType<typeof loadSendingSection>>;
}) {
  const { topics, sends, zone } = data;
  const base = `/admin/reports/${report.id}`;
  const t = a.distributions;
  return (
    <>
      {report.status === "published" ? (
        <>
          <h2 id="send">{t.send}</h2>
          <p>{t.sendIntro}</p>
          <form
            method="get"
            action={`${base}/distributions/review`}
            class="stack"
            data-audience-picker={`/api/v1/reports/${report.id}/checks`}
            data-workshop={report.workshopId ?? undefined}
            data-text-none={t.countNone}
            data-text-about={t.countAbout}
            data-text-at-most={t.countAtMost}
            data-text-problems={t.countProblems}
            data-text-warnings={t.countWarnings}
            data-text-tail={t.countTail}
          >
            <fieldset>
              <legend>{t.subscribers}</legend>
              <label class="check">
                <input type="checkbox" name="subscribers" value="all" /> {t.everySubscriber}
              </label>
              {topics.map((topic) => (
                <label class="check">
                  <input type="checkbox" name="topics" value={topic.slug} />{" "}
                  <Fill
                    text={t.subscribersOf}
                    values={{ topic: <bdi>{topicName(topic, a)}</bdi> }}
                  />
                </label>
              ))}
            </fieldset>
            {report.workshopId ? (
              <fieldset>
                <legend>{t.attendeesLegend}</legend>
                <label class="check">
                  <input type="checkbox" name="attendees" value="confirmed" />{" "}
                  {a.statuses.registration.confirmed}
                </label>
                <label class="check">
                  <input type="checkbox" name="attendees" value="attended" />{" "}
                  {a.statuses.registration.attended}
                </label>
              </fieldset>
            ) : null}
            <ZonedTimeField name="scheduledAt" label={t.sendAt} zone={zone} lang={a.lang} />
            <p class="muted" data-audience-count aria-live="polite" />
            <div>
              <button type="submit">{t.review}</button>
            </div>
          </form>
        </>
      ) : null}
      {sends.length ? (
        <>
          <h2>{t.distributions}</h2>
          <ul>
            {sends.map((d) => (
              <li>
                <a href={`/admin/distributions/${d.id}`}>
                  <bdi>{d.createdAt.toISOString().slice(0, 16).replace("T", " ")}</bdi>
                </a>{" "}
                · {t.statuses[d.status]} ·{" "}
                {fill(t.sentOf, {
                  sent: formatNumber(d.sent, a.lang),
                  total: formatNumber(d.total, a.lang),
                })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

/**
 * A pre-send check in the page's language: English pages show the service's own message
 * (the API's), another language its wording by code, with the check's values.
 */
function checkText(a: AdminWords, check: Check): string {
  const wording = (a.checks as Record<string, string>)[check.code];
  if (a.lang === "en" || !wording) return check.message;
  const v = check.values ?? {};
  const language = (code: unknown) =>
    isLang(code) ? languageNameIn(code, a.lang) : String(code ?? "");
  const n = (x: unknown) => (typeof x === "number" ? formatNumber(x, a.lang) : String(x ?? ""));
  return fill(wording, {
    ...Object.fromEntries(Object.entries(v).map(([k, x]) => [k, n(x)])),
    language: language(v.language),
    to: language(v.to),
    languages: String(v.languages ?? "")
      .split(",")
      .filter(Boolean)
      .map(language)
      .join(a.common.listSeparator),
    state: v.state === "draft" ? a.checks.draft : a.checks.missing,
    url: ltrIn(a.lang, String(v.url ?? "")),
    at: ltrIn(a.lang, String(v.at ?? "")),
    error: ltrIn(a.lang, String(v.error ?? "")),
  });
}

/** A topic by its name in the page's language (topics have an English and an Arabic name). */
function topicName(topic: { name: string; nameAr?: string | null }, a: AdminWords): string {
  return a.lang === "ar" && topic.nameAr ? topic.nameAr : topic.name;
}

const STATUSES = ["confirmed", "attended"] as const;
type AttendeeStatus = (typeof STATUSES)[number];

/** The audience as the picker and the review page name it (query or form fields). */
interface Picked {
  everySubscriber: boolean;
  topics: string[];
  statuses: AttendeeStatus[];
  scheduledAt: string;
  /** The zone `scheduledAt` is on the clock of (empty: UTC). */
  scheduledAtZone: string;
}

const strings = (v: unknown) => ([] as unknown[]).concat(v ?? []).map(String);

function picked(fields: Record<string, unknown>): Picked {
  return {
    everySubscriber: strings(fields.subscribers).includes("all"),
    topics: [...new Set(strings(fields.topics).filter(Boolean))],
    statuses: STATUSES.filter((s) => strings(fields.attendees).includes(s)),
    scheduledAt: typeof fields.scheduledAt === "string" ? fields.scheduledAt : "",
    scheduledAtZone: typeof fields.scheduledAtZone === "string" ? fields.scheduledAtZone : "",
  };
}

/** The query string that names the same audience, for the review page and going back to it. */
function pickedQuery(p: Picked) {
  const q = new URLSearchParams();
  if (p.everySubscriber) q.append("subscribers", "all");
  for (const t of p.topics) q.append("topics", t);
  for (const s of p.statuses) q.append("attendees", s);
  if (p.scheduledAt) q.append("scheduledAt", p.scheduledAt);
  if (p.scheduledAtZone) q.append("scheduledAtZone", p.scheduledAtZone);
  return q.toString();
}

export const NO_AUDIENCE =
  "Choose an audience: every subscriber, subscribers of some topics, or the workshop's attendees.";

/**
 * The audience the services take, or null when nothing was chosen. Every subscriber is
 * `topics: []` (no topic filter, and subscribers are collected even with attendees); no
 * topics and no "every subscriber" leaves subscribers out.
 */
function audienceOf(
  p: Picked,
  workshopId: string | null,
  scheduledAt: Date | null,
): AudienceInput | null {
  const attendeesOf =
    workshopId && p.statuses.length ? { workshopId, statuses: p.statuses } : undefined;
  const topics = p.everySubscriber ? [] : p.topics.length ? p.topics : undefined;
  if (!topics && !attendeesOf) return null;
  return {
    ...(topics ? { topics } : {}),
    ...(attendeesOf ? { attendeesOf } : {}),
    scheduledAt,
  };
}

/**
 * Each source counted alone, for the review page: from the tally the checks were made on,
 * and one query for the topics' subscribers when more than one topic is chosen.
 */
async function countsPerSource(
  db: Db,
  audience: AudienceInput,
  tally: AudienceTally,
  topicNames: Map<string, string>,
  a: AdminWords,
) {
  const t = a.distributions;
  const rows: { label: string; n: number }[] = [];
  const topics = audience.topics;
  if (topics && tally.subscribers !== null) {
    if (topics.length === 0) rows.push({ label: t.everySubscriber, n: tally.subscribers });
    else {
      const perTopic =
        topics.length === 1
          ? new Map([[topics[0]!, tally.subscribers]])
          : await subscribersPerTopic(db, topics);
      for (const slug of topics)
        rows.push({
          label: fill(t.subscribersOf, { topic: topicNames.get(slug) ?? slug }),
          n: perTopic.get(slug) ?? 0,
        });
    }
  }
  for (const status of audience.attendeesOf?.statuses ?? [])
    rows.push({
      label: fill(t.attendeesWith, { status: a.statuses.registration[status] }),
      n: tally.attendeesByStatus[status] ?? 0,
    });
  return rows;
}

reportDistributionAdminPages.get("/review", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id") ?? "";
  const svc = c.var.services;
  const report = await getReport(svc.db, id);
  const p = picked(
    Object.fromEntries(
      Object.entries(c.req.queries()).map(([k, v]) => [k, v.length > 1 ? v : v[0]]),
    ),
  );
  const when = zonedFromForm(p.scheduledAt, p.scheduledAtZone);
  if (!when.ok) return redirectWithNotice(c, `/admin/reports/${id}#send`, when.error, "error");
  const audience = audienceOf(p, report.workshopId, when.instant);
  if (!audience)
    return redirectWithNotice(
      c,
      `/admin/reports/${id}#send`,
      words(c).distributions.noAudience,
      "error",
    );
  return noticeOnError(c, `/admin/reports/${id}#send`, async () => {
    const { checks, tally } = await reviewSend(svc, c.var.actor, id, audience);
    const view = adminPage(c);
    const { lang } = view;
    const a = adminDictionary(lang);
    const t = a.distributions;
    const n$ = (n: number) => formatNumber(n, lang);
    const topicNames = new Map(
      (await listTopics(svc.db)).map((topic) => [topic.slug, topicName(topic, a)]),
    );
    const sources = await countsPerSource(svc.db, audience, tally, topicNames, a);
    const { counts, errors, warnings } = checks;
    const both = tally.subscribers !== null && tally.attendees !== null;
    const title =
      (report.versions.find((v) => v.language === report.defaultLanguage) ?? report.versions[0])
        ?.title ?? "Report";
    return c.html(
      <Page {...view} title={t.review} path="/admin/reports">
        <p>
          <a href={`/admin/reports/${id}#send`}>{t.changeAudience}</a>
        </p>
        <h1>{t.review}</h1>
        <FlashNotice c={c} />
        <p>
          <strong dir="auto">{title}</strong>
          {audience.scheduledAt
            ? fill(t.scheduledFor, {
                when: formatInstant(audience.scheduledAt, when.zone, lang),
                utc: ltrIn(lang, audience.scheduledAt.toISOString().slice(0, 16).replace("T", " ")),
              })
            : t.sentNow}
          .
        </p>
        <h2>{t.whoReceives}</h2>
        <table data-review-sources>
          <tbody>
            {sources.map((r) => (
              <tr>
                <th scope="row">{r.label}</th>
                <td>{n$(r.n)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t.total}</th>
              <td data-review-total>{n$(counts.total)}</td>
            </tr>
          </tbody>
        </table>
        <p class="muted">
          {t.leftOut} {tally.subscribers !== null ? `${t.subscribersOnce} ` : ""}
          {tally.attendees !== null ? `${t.suppressedAttendees} ` : ""}
          {both ? t.both : ""}
        </p>
        <h2>{t.languages}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.language}</th>
              <th scope="col">{t.sentInIt}</th>
              <th scope="col">{t.fallback}</th>
            </tr>
          </thead>
          <tbody>
            {LANGS.map((l) => (
              <tr>
                <th scope="row">{languageNameIn(l, lang)}</th>
                <td>{n$(counts.byLanguage[l])}</td>
                <td>{n$(counts.fallback[l])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {errors.length ? (
          <div role="alert" data-review-errors>
            <h2>{t.blocked}</h2>
            <ul>
              {errors.map((e) => (
                <li data-code={e.code}>{checkText(a, e)}</li>
              ))}
            </ul>
            <p>{t.fixThen}</p>
          </div>
        ) : null}
        {warnings.length ? (
          <div data-review-warnings>
            <h2>{t.warnings}</h2>
            <ul>
              {warnings.map((w) => (
                <li data-code={w.code}>{checkText(a, w)}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {errors.length ? null : (
          <form method="post" action={`/admin/reports/${id}/distributions`} class="stack">
            {p.everySubscriber ? <input type="hidden" name="subscribers" value="all" /> : null}
            {p.topics.map((t) => (
              <input type="hidden" name="topics" value={t} />
            ))}
            {audience.attendeesOf?.statuses.map((s) => (
              <input type="hidden" name="attendees" value={s} />
            ))}
            {p.scheduledAt ? (
              <>
                <input type="hidden" name="scheduledAt" value={p.scheduledAt} />
                <input type="hidden" name="scheduledAtZone" value={when.zone} />
              </>
            ) : null}
            {warnings.length ? (
              <label class="check">
                <input type="checkbox" name="confirm" value="yes" required /> {t.readWarnings}
              </label>
            ) : (
              <input type="hidden" name="confirm" value="yes" />
            )}
            <div>
              <button type="submit">
                {counts.total === 1
                  ? audience.scheduledAt
                    ? t.scheduleToOne
                    : t.sendToOne
                  : fill(audience.scheduledAt ? t.scheduleTo : t.sendTo, { n: n$(counts.total) })}
              </button>
            </div>
          </form>
        )}
      </Page>,
    );
  });
});

reportDistributionAdminPages.post("/", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id") ?? "";
  const body = await c.req.parseBody({ all: true });
  const report = await getReport(c.var.services.db, id);
  const p = picked(body);
  const when = zonedFromForm(p.scheduledAt, p.scheduledAtZone);
  if (!when.ok) return redirectWithNotice(c, `/admin/reports/${id}#send`, when.error, "error");
  const audience = audienceOf(p, report.workshopId, when.instant);
  if (!audience)
    return redirectWithNotice(
      c,
      `/admin/reports/${id}#send`,
      words(c).distributions.noAudience,
      "error",
    );
  // A refused send goes back to the review of the same audience, with the checks as they are now.
  return noticeOnError(
    c,
    `/admin/reports/${id}/distributions/review?${pickedQuery(p)}`,
    async () => {
      const d = await sendReport(c.var.services, c.var.actor, id, {
        ...audience,
        confirm: body.confirm === "yes",
      });
      return c.redirect(`/admin/distributions/${d.id}`, 303);
    },
  );
});

distributionAdminPages.get("/:id", requires("workshops.manage"), async (c) => {
  const row = await getDistribution(c.var.services.db, c.req.param("id"));
  const d = distributionJson(row);
  const view = adminPage(c);
  const { lang } = view;
  const t = adminDictionary(lang).distributions;
  const n$ = (n: number) => formatNumber(n, lang);
  const state =
    row.status === "sending" && row.stage !== "ready" ? t.states[row.stage] : t.states[row.status];
  const done = d.sent + d.failed + d.skipped;
  // Only what can still change offers to: a finished one (completed, cancelled, failed)
  // offers nothing, and a paused one shows why with Resume and Cancel.
  const running = d.status === "sending" || d.status === "scheduled";
  const paused = d.status === "paused";
  return c.html(
    <Page {...view} title={t.distribution} path="/admin/reports">
      <p>
        <a href={`/admin/reports/${d.reportId}`}>{t.backToReport}</a>
      </p>
      <h1>{t.distribution}</h1>
      <FlashNotice c={c} />
      <p>
        <Fill text={t.status} values={{ state: <strong data-state>{state}</strong> }} />
        {d.scheduledAt ? fill(t.scheduledAt, { when: ltrIn(lang, d.scheduledAt) }) : ""}
        {d.completedAt
          ? fill(t.finished, {
              when: ltrIn(lang, d.completedAt.slice(0, 16).replace("T", " ")),
            })
          : ""}
      </p>
      {d.error ? (
        <p role="alert">
          {d.status === "failed" ? t.renderFailed : t.renderRetry} <code dir="ltr">{d.error}</code>
        </p>
      ) : null}
      {d.pauseReason ? (
        <p role={paused ? "alert" : undefined} data-pause-reason>
          <Fill
            text={paused ? t.pausedItself : t.resumedAfter}
            values={{
              // "0.50 %" never breaks before its sign.
              reason: <strong>{d.pauseReason.replaceAll(" %", "\u00a0%")}</strong>,
            }}
          />
          {paused ? ` ${t.resumeOrCancel}` : ""}
        </p>
      ) : null}
      <div
        data-progress={running ? `/api/v1/distributions/${d.id}` : undefined}
        data-status={d.status}
      >
        <label for="progress">
          <Fill
            text={t.handled}
            values={{
              done: <span data-count="done">{n$(done)}</span>,
              total: <span data-count="total">{n$(d.total)}</span>,
            }}
          />
        </label>
        <progress id="progress" max={Math.max(d.total, 1)} value={done}>
          {n$(d.total ? Math.round((done / d.total) * 100) : 0)} %
        </progress>
        <table>
          <tbody>
            {(
              [
                [t.total, d.total, "total"],
                [t.sent, d.sent, "sent"],
                [t.failed, d.failed, "failed"],
                [t.skipped, d.skipped, "skipped"],
                [t.delivered, d.delivered, "delivered"],
                [t.bounced, d.bounced, "bounced"],
                [t.complained, d.complained, "complained"],
              ] as const
            ).map(([label, n, key]) => (
              <tr>
                <th scope="row">{label}</th>
                <td data-count={key}>{n$(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {running || paused ? (
        <div class="row actions">
          {paused ? (
            <form method="post" action={`/admin/distributions/${d.id}/resume`}>
              <button type="submit">{t.resume}</button>
            </form>
          ) : null}
          <form method="post" action={`/admin/distributions/${d.id}/cancel`}>
            <button type="submit" class="danger">
              {t.cancel}
            </button>
          </form>
        </div>
      ) : null}
    </Page>,
  );
});

distributionAdminPages.post("/:id/cancel", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  return noticeOnError(c, `/admin/distributions/${id}`, async () => {
    await cancelDistribution(c.var.services.db, c.var.actor, id);
    return redirectWithNotice(c, `/admin/distributions/${id}`, words(c).distributions.cancelled);
  });
});

distributionAdminPages.post("/:id/resume", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  return noticeOnError(c, `/admin/distributions/${id}`, async () => {
    await resumeDistribution(c.var.services, c.var.actor, id);
    return redirectWithNotice(c, `/admin/distributions/${id}`, words(c).distributions.resumed);
  });
});
