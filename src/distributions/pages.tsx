// Organisers' distribution pages: the sending section of a report's page (the audience
// form and the report's distributions), creating a distribution, following its progress
// and cancelling what has not gone out.
import { Hono } from "hono";
import type { Db } from "../db/client";
import type { AppEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { utcFromForm } from "../reports/form";
import { getReport, type ReportWithVersions } from "../reports/service";
import { listTopics } from "../subscribers/topics";
import { Field } from "../ui/forms";
import { Page } from "../ui/layout";
import {
  cancelDistribution,
  distributionJson,
  getDistribution,
  listDistributions,
  resumeDistribution,
} from "./create";
import { sendReport } from "./presend";

/** Mounted at /admin/reports/:id/distributions: sending that report. */
export const reportDistributionAdminPages = new Hono<AppEnv>();
/** Mounted at /admin/distributions: one distribution's progress, and cancelling it. */
export const distributionAdminPages = new Hono<AppEnv>();

/** The sending section of a report's admin page, as the page composes it. */
export const sendingSection: Section<ReportWithVersions> = {
  async load(c, report) {
    const data = await loadSendingSection(c.var.services.db, report.id);
    return { rows: 0, view: <SendingSection report={report} data={data} /> };
  },
};

/** The topics a report can go to, and the report's distributions, newest first. */
async function loadSendingSection(db: Db, reportId: string) {
  const topics = await listTopics(db);
  const sends = await listDistributions(db, reportId);
  return { topics, sends };
}

/** The sending section of a report's admin page: the audience form, then the distributions. */
function SendingSection({
  report,
  data,
}: {
  report: ReportWithVersions;
  data: Awaited<ReturnType<typeof loadSendingSection>>;
}) {
  const { topics, sends } = data;
  const base = `/admin/reports/${report.id}`;
  return (
    <>
      {report.status === "published" ? (
        <>
          <h2>Send</h2>
          <form method="post" action={`${base}/distributions`} class="stack">
            <fieldset>
              <legend>
                Subscribers of these topics (none ticked: every active subscriber, unless attendees
                only)
              </legend>
              {topics.map((t) => (
                <label class="check">
                  <input type="checkbox" name="topics" value={t.slug} /> {t.name}
                </label>
              ))}
            </fieldset>
            {report.workshopId ? (
              <fieldset>
                <legend>Attendees of the workshop who agreed to receive the report</legend>
                <label class="check">
                  <input type="checkbox" name="attendees" value="confirmed" checked /> confirmed
                </label>
                <label class="check">
                  <input type="checkbox" name="attendees" value="attended" checked /> attended
                </label>
              </fieldset>
            ) : null}
            <Field name="scheduledAt" label="Send at (UTC, optional)" type="datetime-local" />
            <label class="check">
              <input type="checkbox" name="confirm" value="yes" /> Send despite the pre-send checks'
              warnings (a first try lists them here)
            </label>
            <div>
              <button type="submit">Send report</button>
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

reportDistributionAdminPages.post("/", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id") ?? "";
  const body = await c.req.parseBody({ all: true });
  const report = await getReport(c.var.services.db, id);
  const topics = ([] as unknown[]).concat(body.topics ?? []).map(String);
  const statuses = ([] as unknown[])
    .concat(body.attendees ?? [])
    .map(String)
    .filter((s): s is "confirmed" | "attended" => s === "confirmed" || s === "attended");
  return noticeOnError(c, `/admin/reports/${id}`, async () => {
    const d = await sendReport(c.var.services, c.var.actor, id, {
      confirm: body.confirm === "yes",
      topics: topics.length ? topics : undefined,
      attendeesOf:
        report.workshopId && statuses.length
          ? { workshopId: report.workshopId, statuses }
          : undefined,
      scheduledAt: utcFromForm(body.scheduledAt),
    });
    return c.redirect(`/admin/distributions/${d.id}`, 303);
  });
});

distributionAdminPages.get("/:id", requires("workshops.manage"), async (c) => {
  const d = distributionJson(await getDistribution(c.var.services.db, c.req.param("id")));
  const done = d.sent + d.failed + d.skipped;
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
        Status: <strong>{d.preparing ? "preparing" : d.status}</strong>
        {d.scheduledAt ? ` · scheduled for ${d.scheduledAt}` : ""}
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
          {paused
            ? "Paused by itself, nothing more goes out until you resume or cancel: "
            : "Resumed after pausing by itself: "}
          <strong>{d.pauseReason}</strong>
        </p>
      ) : null}
      <div data-progress={running ? `/api/v1/distributions/${d.id}` : undefined}>
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
        <p class="muted" data-count="status" aria-live="polite" />
      </div>
      {paused ? (
        <form method="post" action={`/admin/distributions/${d.id}/resume`}>
          <button type="submit">Resume sending</button>
        </form>
      ) : null}
      {running || paused ? (
        <form method="post" action={`/admin/distributions/${d.id}/cancel`}>
          <button type="submit" class="danger">
            Cancel what has not gone out
          </button>
        </form>
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
