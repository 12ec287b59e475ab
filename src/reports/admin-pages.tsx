// Organisers' report pages: write (one version per language), preview as the web page and
// as the email, publish (optionally under embargo), test-send, distribute, follow progress.

import type { Context } from "hono";
import { Hono } from "hono";
import { raw } from "hono/html";
import { personalise, renderReport } from "../distributions/render";
import {
  cancelDistribution,
  createDistribution,
  distributionJson,
  getDistribution,
  listDistributions,
  testSend,
} from "../distributions/service";
import type { AppEnv, SignedInEnv } from "../http/context";
import { invalid, onServiceError } from "../lib/errors";
import { isLang, type Lang } from "../lib/i18n";
import { requires } from "../organisers/auth";
import { listTopics } from "../subscribers/service";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../ui/flash";
import { Field, Notice, parseForm } from "../ui/forms";
import { Page } from "../ui/layout";
import { listWorkshopChoices } from "../workshops/service";
import { ReportArticle } from "./pages";
import { TestSendSchema } from "./schemas";
import {
  createReport,
  getReport,
  listReports,
  publishReport,
  type ReportInput,
  type ReportWithVersions,
  updateReport,
  versionFor,
} from "./service";

export const reportAdminPages = new Hono<AppEnv>();
export const distributionAdminPages = new Hono<AppEnv>();

function ReportForm({
  action,
  report,
  workshopsList,
  error,
}: {
  action: string;
  report?: ReportWithVersions;
  workshopsList: { id: string; title: string }[];
  error?: string;
}) {
  const v = (lang: Lang) => report?.versions.find((x) => x.language === lang);
  return (
    <form method="post" action={action} class="stack">
      {error ? <Notice kind="error">{error}</Notice> : null}
      <div>
        <label for="f-defaultLanguage">Default language</label>
        <select id="f-defaultLanguage" name="defaultLanguage">
          <option value="en" selected={report?.defaultLanguage !== "ar"}>
            English
          </option>
          <option value="ar" selected={report?.defaultLanguage === "ar"}>
            Arabic
          </option>
        </select>
      </div>
      <div>
        <label for="f-workshopId">Workshop</label>
        <select id="f-workshopId" name="workshopId">
          <option value="">—</option>
          {workshopsList.map((w) => (
            <option value={w.id} selected={report?.workshopId === w.id}>
              {w.title}
            </option>
          ))}
        </select>
      </div>
      {(["en", "ar"] as const).map((lang) => (
        <fieldset lang={lang} dir={lang === "ar" ? "rtl" : "ltr"}>
          <legend>
            {lang === "en"
              ? "English version (leave the title empty for none)"
              : "النسخة العربية (اترك العنوان فارغاً إن لم توجد)"}
          </legend>
          <Field
            name={`${lang}.title`}
            label={lang === "en" ? "Title" : "العنوان"}
            value={v(lang)?.title}
            dir="auto"
          />
          <Field
            name={`${lang}.summary`}
            label={lang === "en" ? "Summary" : "الملخص"}
            value={v(lang)?.summary ?? ""}
            dir="auto"
          />
          <div>
            <label for={`f-${lang}-body`}>
              {lang === "en" ? "Body (Markdown)" : "النص (Markdown)"}
            </label>
            <textarea id={`f-${lang}-body`} name={`${lang}.body`} rows={12} dir="auto">
              {v(lang)?.body ?? ""}
            </textarea>
          </div>
        </fieldset>
      ))}
      <div>
        <button type="submit">Save draft</button>
      </div>
    </form>
  );
}

function fromForm(body: Record<string, string>): ReportInput {
  const versions = (["en", "ar"] as const)
    .filter((lang) => body[`${lang}.title`]?.trim())
    .map((lang) => ({
      language: lang,
      title: body[`${lang}.title`]!,
      summary: body[`${lang}.summary`] || undefined,
      body: body[`${lang}.body`] ?? "",
    }));
  return {
    defaultLanguage: body.defaultLanguage === "ar" ? "ar" : "en",
    workshopId: body.workshopId || undefined,
    versions,
  };
}

const workshopOptions = (c: Context<SignedInEnv>) => listWorkshopChoices(c.var.services.db);

reportAdminPages.get("/", requires("workshops.manage"), async (c) => {
  const list = await listReports(c.var.services.db);
  return c.html(
    <Page lang="en" title="Reports" area="admin" actor={c.var.actor} path="/admin/reports">
      <h1>Reports</h1>
      <FlashNotice c={c} />
      <p>
        <a class="button" href="/admin/reports/new">
          New report
        </a>
      </p>
      {list.length === 0 ? (
        <p>No reports yet.</p>
      ) : (
        <ul>
          {list.map((r) => (
            <li>
              <a href={`/admin/reports/${r.id}`} dir="auto">
                {versionFor(r, r.defaultLanguage).title}
              </a>{" "}
              <span class={`badge ${r.status === "published" ? "ok" : "warn"}`}>{r.status}</span>
            </li>
          ))}
        </ul>
      )}
    </Page>,
  );
});

reportAdminPages.get("/new", requires("workshops.manage"), async (c) =>
  c.html(
    <Page lang="en" title="New report" area="admin" actor={c.var.actor} path="/admin/reports">
      <h1>New report</h1>
      <ReportForm action="/admin/reports" workshopsList={await workshopOptions(c)} />
    </Page>,
  ),
);

reportAdminPages.post("/", requires("workshops.manage"), async (c) => {
  const input = fromForm((await c.req.parseBody()) as Record<string, string>);
  return onServiceError(
    async () => {
      if (input.versions.length === 0) throw invalid("Give at least one version a title.");
      const report = await createReport(c.var.services.db, c.var.actor, input);
      return redirectWithNotice(c, `/admin/reports/${report.id}`, "Draft saved.");
    },
    async (error) =>
      c.html(
        <Page lang="en" title="New report" area="admin" actor={c.var.actor} path="/admin/reports">
          <h1>New report</h1>
          <ReportForm
            action="/admin/reports"
            workshopsList={await workshopOptions(c)}
            error={error.message}
          />
        </Page>,
        422,
      ),
  );
});

reportAdminPages.get("/:id", requires("workshops.manage"), async (c) => {
  const db = c.var.services.db;
  const report = await getReport(db, c.req.param("id"));
  const topics = await listTopics(db);
  const sends = await listDistributions(db, report.id);
  const base = `/admin/reports/${report.id}`;
  return c.html(
    <Page lang="en" title="Report" area="admin" actor={c.var.actor} path="/admin/reports">
      <p>
        <a href="/admin/reports">← Reports</a>
      </p>
      <h1 dir="auto">{versionFor(report, report.defaultLanguage).title}</h1>
      <FlashNotice c={c} />
      <p>
        <span class={`badge ${report.status === "published" ? "ok" : "warn"}`}>
          {report.status}
        </span>
        {report.embargoUntil ? ` · public page from ${report.embargoUntil.toISOString()}` : ""}
      </p>
      <h2>Preview</h2>
      <ul>
        {report.versions.map((v) => (
          <li>
            {v.language === "ar" ? "Arabic" : "English"}:{" "}
            <a href={`${base}/preview?lang=${v.language}`}>web page</a> ·{" "}
            <a href={`${base}/email?lang=${v.language}`}>email</a>
          </li>
        ))}
      </ul>
      <form method="post" action={`${base}/test-send`} class="row">
        <label for="f-to" class="hint">
          Send a test to
        </label>
        <input id="f-to" name="to" type="email" value={c.var.actor?.email ?? ""} required />
        <button type="submit" class="secondary">
          Send test
        </button>
      </form>
      <h2>Publish</h2>
      <form method="post" action={`${base}/publish`} class="stack">
        <Field
          name="embargoUntil"
          label="Embargo until (UTC, optional)"
          type="datetime-local"
          hint="Attendees can receive the report now; the public page opens at this time."
        />
        <div>
          <button type="submit">
            {report.status === "published" ? "Publish again (update embargo)" : "Publish"}
          </button>
        </div>
      </form>
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
      <h2>Edit</h2>
      <ReportForm action={base} report={report} workshopsList={await workshopOptions(c)} />
    </Page>,
  );
});

reportAdminPages.post("/:id", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const input = fromForm((await c.req.parseBody()) as Record<string, string>);
  return noticeOnError(c, `/admin/reports/${id}`, async () => {
    await updateReport(c.var.services.db, c.var.actor, id, input);
    return redirectWithNotice(c, `/admin/reports/${id}`, "Saved.");
  });
});

const utc = (value: unknown) =>
  typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)
    ? new Date(`${value}:00Z`)
    : null;

reportAdminPages.post("/:id/publish", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  await publishReport(c.var.services.db, c.var.actor, id, utc(body.embargoUntil));
  return redirectWithNotice(c, `/admin/reports/${id}`, "Published.");
});

reportAdminPages.post("/:id/test-send", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  // Unlike the API, the form has no default address: it must name one.
  const parsed = parseForm(TestSendSchema.required({ to: true }), {
    to: String((await c.req.parseBody()).to ?? "").trim(),
  });
  if (!parsed.ok)
    return redirectWithNotice(c, `/admin/reports/${id}`, "Enter an address for the test.", "error");
  const { to } = parsed.data;
  const report = await getReport(c.var.services.db, id);
  await testSend(c.var.services, report, to, report.defaultLanguage);
  return redirectWithNotice(c, `/admin/reports/${id}`, `Test sent to ${to}.`);
});

reportAdminPages.post("/:id/distributions", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody({ all: true });
  const report = await getReport(c.var.services.db, id);
  const topics = ([] as unknown[]).concat(body.topics ?? []).map(String);
  const statuses = ([] as unknown[])
    .concat(body.attendees ?? [])
    .map(String)
    .filter((s): s is "confirmed" | "attended" => s === "confirmed" || s === "attended");
  return noticeOnError(c, `/admin/reports/${id}`, async () => {
    const d = await createDistribution(c.var.services, c.var.actor, id, {
      topics: topics.length ? topics : undefined,
      attendeesOf:
        report.workshopId && statuses.length
          ? { workshopId: report.workshopId, statuses }
          : undefined,
      scheduledAt: utc(body.scheduledAt),
    });
    return c.redirect(`/admin/distributions/${d.id}`, 303);
  });
});

reportAdminPages.get("/:id/preview", requires("workshops.manage"), async (c) => {
  const report = await getReport(c.var.services.db, c.req.param("id"));
  const q = c.req.query("lang");
  const lang = versionFor(report, isLang(q) ? q : report.defaultLanguage).language;
  return c.html(
    <Page lang={lang} title="Preview" area="admin" actor={c.var.actor}>
      <Notice>Preview of the {report.status} report, as its public page will show it.</Notice>
      <ReportArticle report={report} lang={lang} base={`/admin/reports/${report.id}/preview`} />
    </Page>,
  );
});

reportAdminPages.get("/:id/email", requires("workshops.manage"), async (c) => {
  const report = await getReport(c.var.services.db, c.req.param("id"));
  const q = c.req.query("lang");
  const lang = versionFor(report, isLang(q) ? q : report.defaultLanguage).language;
  const render = (await renderReport(report, c.env.APP_URL)).find((r) => r.language === lang)!;
  const { html } = personalise(render, "Leila", `${c.env.APP_URL}/u/preview`);
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
  );
  return c.html(raw(html));
});

distributionAdminPages.get("/:id", requires("workshops.manage"), async (c) => {
  const d = distributionJson(await getDistribution(c.var.services.db, c.req.param("id")));
  const done = d.sent + d.failed + d.skipped;
  const running = d.status === "sending" || d.status === "scheduled";
  return c.html(
    <Page lang="en" title="Distribution" area="admin" actor={c.var.actor} path="/admin/reports">
      <p>
        <a href={`/admin/reports/${d.reportId}`}>← Report</a>
      </p>
      <h1>Distribution</h1>
      <FlashNotice c={c} />
      <p>
        Status: <strong>{d.preparing ? "preparing the audience" : d.status}</strong>
        {d.scheduledAt ? ` · scheduled for ${d.scheduledAt}` : ""}
      </p>
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
      {running ? (
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
