// Organisers' distribution pages: the sending section of a report's page (the audience
// form and the report's distributions), creating a distribution, following its progress
// and cancelling what has not gone out.
import { Hono } from "hono";
import type { Db } from "../db/client";
import type { AppEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { LANGS, languageOf } from "../i18n";
import { formatInstant } from "../lib/time";
import { zonedFromForm } from "../reports/form";
import { getReport, type ReportWithVersions, reportTimeZone } from "../reports/service";
import { ZonedTimeField } from "../reports/zoned-time";
import { listTopics } from "../subscribers/topics";
import { Page } from "../ui/layout";
import {
  type AudienceInput,
  cancelDistribution,
  distributionJson,
  getDistribution,
  listDistributions,
  resumeDistribution,
} from "./create";
import { type AudienceTally, reviewSend, sendReport, subscribersPerTopic } from "./presend";

/** Mounted at /admin/reports/:id/distributions: sending that report. */
export const reportDistributionAdminPages = new Hono<AppEnv>();
/** Mounted at /admin/distributions: one distribution's progress, and cancelling it. */
export const distributionAdminPages = new Hono<AppEnv>();

/** The sending section of a report's admin page, as the page composes it. */
export const sendingSection: Section<ReportWithVersions> = {
  async load(c, report) {
    const data = await loadSendingSection(c.var.services.db, report);
    return { rows: 0, view: <SendingSection report={report} data={data} /> };
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
  report,
  data,
}: {
  report: ReportWithVersions;
  data: Awaited<ReturnType<typeof loadSendingSection>>;
}) {
  const { topics, sends, zone } = data;
  const base = `/admin/reports/${report.id}`;
  return (
    <>
      {report.status === "published" ? (
        <>
          <h2 id="send">Send</h2>
          <p>
            Choose who receives the report; nothing is chosen for you. The next step shows how many
            people that is and what the checks found, and asks you to confirm.
          </p>
          <form
            method="get"
            action={`${base}/distributions/review`}
            class="stack"
            data-audience-picker={`/api/v1/reports/${report.id}/checks`}
            data-workshop={report.workshopId ?? undefined}
          >
            <fieldset>
              <legend>Subscribers</legend>
              <label class="check">
                <input type="checkbox" name="subscribers" value="all" /> Every active subscriber
              </label>
              {topics.map((t) => (
                <label class="check">
                  <input type="checkbox" name="topics" value={t.slug} /> Subscribers of {t.name}
                </label>
              ))}
            </fieldset>
            {report.workshopId ? (
              <fieldset>
                <legend>Attendees of the workshop who agreed to receive the report</legend>
                <label class="check">
                  <input type="checkbox" name="attendees" value="confirmed" /> confirmed
                </label>
                <label class="check">
                  <input type="checkbox" name="attendees" value="attended" /> attended
                </label>
              </fieldset>
            ) : null}
            <ZonedTimeField name="scheduledAt" label="Send at" zone={zone} />
            <p class="muted" data-audience-count aria-live="polite" />
            <div>
              <button type="submit">Review the send</button>
            </div>
          </form>
        </>
      ) : null}
      {sends.length ? (
        <>
          <h2>Distributions</h2>
          <ul>
            {sends.map((d) => (
              <li>
                <a href={`/admin/distributions/${d.id}`}>
                  {d.createdAt.toISOString().slice(0, 16).replace("T", " ")}
                </a>{" "}
                · {d.status} · {d.sent}/{d.total} sent
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
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
) {
  const rows: { label: string; n: number }[] = [];
  const topics = audience.topics;
  if (topics && tally.subscribers !== null) {
    if (topics.length === 0) rows.push({ label: "Every active subscriber", n: tally.subscribers });
    else {
      const perTopic =
        topics.length === 1
          ? new Map([[topics[0]!, tally.subscribers]])
          : await subscribersPerTopic(db, topics);
      for (const slug of topics)
        rows.push({
          label: `Subscribers of ${topicNames.get(slug) ?? slug}`,
          n: perTopic.get(slug) ?? 0,
        });
    }
  }
  for (const status of audience.attendeesOf?.statuses ?? [])
    rows.push({
      label: `Attendees of the workshop, ${status}`,
      n: tally.attendeesByStatus[status] ?? 0,
    });
  return rows;
}

const people = (n: number) => `${n} ${n === 1 ? "person" : "people"}`;

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
  if (!audience) return redirectWithNotice(c, `/admin/reports/${id}#send`, NO_AUDIENCE, "error");
  return noticeOnError(c, `/admin/reports/${id}#send`, async () => {
    const { checks, tally } = await reviewSend(svc, c.var.actor, id, audience);
    const topicNames = new Map((await listTopics(svc.db)).map((t) => [t.slug, t.name]));
    const sources = await countsPerSource(svc.db, audience, tally, topicNames);
    const { counts, errors, warnings } = checks;
    const both = tally.subscribers !== null && tally.attendees !== null;
    const title =
      (report.versions.find((v) => v.language === report.defaultLanguage) ?? report.versions[0])
        ?.title ?? "Report";
    return c.html(
      <Page
        lang="en"
        title="Review the send"
        area="admin"
        actor={c.var.actor}
        path="/admin/reports"
      >
        <p>
          <a href={`/admin/reports/${id}#send`}>← Change the audience</a>
        </p>
        <h1>Review the send</h1>
        <FlashNotice c={c} />
        <p>
          <strong>{title}</strong>
          {audience.scheduledAt
            ? `, scheduled for ${formatInstant(audience.scheduledAt, when.zone, "en")} (${audience.scheduledAt.toISOString().slice(0, 16).replace("T", " ")} UTC)`
            : ", sent now"}
          .
        </p>
        <h2>Who receives it</h2>
        <table data-review-sources>
          <tbody>
            {sources.map((r) => (
              <tr>
                <th scope="row">{r.label}</th>
                <td>{r.n}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">Total</th>
              <td data-review-total>{counts.total}</td>
            </tr>
          </tbody>
        </table>
        <p class="muted">
          Unsubscribed and suppressed subscribers are left out, and so are attendees who declined
          the report.{" "}
          {tally.subscribers !== null
            ? "Subscribers count once each in the total, whatever their topics. "
            : ""}
          {tally.attendees !== null ? "Attendees on the suppression list are left out too. " : ""}
          {both
            ? "Someone who is both a subscriber and an attendee gets one email and counts once in the total; an attendee who unsubscribed from the newsletter still gets the workshop's report."
            : ""}
        </p>
        <h2>Languages</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Language</th>
              <th scope="col">Sent in it</th>
              <th scope="col">Asked for it but get another language</th>
            </tr>
          </thead>
          <tbody>
            {LANGS.map((l) => (
              <tr>
                <th scope="row">{languageOf(l).englishName}</th>
                <td>{counts.byLanguage[l]}</td>
                <td>{counts.fallback[l]}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {errors.length ? (
          <div role="alert" data-review-errors>
            <h2>The send is blocked</h2>
            <ul>
              {errors.map((e) => (
                <li data-code={e.code}>{e.message}</li>
              ))}
            </ul>
            <p>Fix these, then review the send again.</p>
          </div>
        ) : null}
        {warnings.length ? (
          <div data-review-warnings>
            <h2>Warnings</h2>
            <ul>
              {warnings.map((w) => (
                <li data-code={w.code}>{w.message}</li>
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
                <input type="checkbox" name="confirm" value="yes" required /> I have read the
                warnings
              </label>
            ) : (
              <input type="hidden" name="confirm" value="yes" />
            )}
            <div>
              <button type="submit">
                {audience.scheduledAt ? "Schedule the send to " : "Send to "}
                {people(counts.total)}
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
  if (!audience) return redirectWithNotice(c, `/admin/reports/${id}#send`, NO_AUDIENCE, "error");
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
  const d = distributionJson(await getDistribution(c.var.services.db, c.req.param("id")));
  const done = d.sent + d.failed + d.skipped;
  // Only what can still change offers to: a finished one (completed, cancelled, failed)
  // offers nothing, and a paused one shows why with Resume and Cancel.
  const running = d.status === "sending" || d.status === "scheduled";
  const paused = d.status === "paused";
  return c.html(
    <Page lang="en" title="Distribution" area="admin" actor={c.var.actor} path="/admin/reports">
      <p>
        <a href={`/admin/reports/${d.reportId}`}>← Report</a>
      </p>
      <h1>Distribution</h1>
      <FlashNotice c={c} />
      <p>
        Status: <strong data-state>{d.state}</strong>
        {d.scheduledAt ? ` · scheduled for ${d.scheduledAt}` : ""}
        {d.completedAt ? ` · finished ${d.completedAt.slice(0, 16).replace("T", " ")} UTC` : ""}
      </p>
      {d.error ? (
        <p role="alert">
          {d.status === "failed"
            ? "Nothing was sent: the report's email could not be rendered. "
            : "The report's email could not be rendered yet; it will be tried again. "}
          <code>{d.error}</code>
        </p>
      ) : null}
      {d.pauseReason ? (
        <p role={paused ? "alert" : undefined} data-pause-reason>
          {paused ? "It paused by itself: " : "Resumed after pausing by itself: "}
          {/* "0.50 %" never breaks before its sign. */}
          <strong>{d.pauseReason.replaceAll(" %", "\u00a0%")}</strong>.
          {paused ? " Resume to send the rest, or cancel it." : ""}
        </p>
      ) : null}
      <div
        data-progress={running ? `/api/v1/distributions/${d.id}` : undefined}
        data-status={d.status}
      >
        <label for="progress">
          <span data-count="done">{done}</span> of <span data-count="total">{d.total}</span> handled
        </label>
        <progress id="progress" max={Math.max(d.total, 1)} value={done}>
          {d.total ? Math.round((done / d.total) * 100) : 0} %
        </progress>
        <table>
          <tbody>
            {(
              [
                ["Total", d.total, "total"],
                ["Sent", d.sent, "sent"],
                ["Failed", d.failed, "failed"],
                ["Skipped (unsubscribed or suppressed)", d.skipped, "skipped"],
                ["Delivered", d.delivered, "delivered"],
                ["Bounced", d.bounced, "bounced"],
                ["Complained", d.complained, "complained"],
              ] as const
            ).map(([label, n, key]) => (
              <tr>
                <th scope="row">{label}</th>
                <td data-count={key}>{n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {running || paused ? (
        <div class="row actions">
          {paused ? (
            <form method="post" action={`/admin/distributions/${d.id}/resume`}>
              <button type="submit">Resume sending</button>
            </form>
          ) : null}
          <form method="post" action={`/admin/distributions/${d.id}/cancel`}>
            <button type="submit" class="danger">
              Cancel what has not gone out
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
    return redirectWithNotice(c, `/admin/distributions/${id}`, "Cancelled.");
  });
});

distributionAdminPages.post("/:id/resume", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  return noticeOnError(c, `/admin/distributions/${id}`, async () => {
    await resumeDistribution(c.var.services, c.var.actor, id);
    return redirectWithNotice(c, `/admin/distributions/${id}`, "Resumed.");
  });
});
