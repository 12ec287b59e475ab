// Organisers' report pages: write (one version per language), preview as the web page and
// as the email, publish (optionally under embargo), test-send. Sending to subscribers and
// attendees is in src/distributions/pages.tsx, composed into the report page by app.tsx.

import type { Context } from "hono";
import { Hono } from "hono";
import { raw } from "hono/html";
import type { AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import {
  DEFAULT_LANG,
  dictionary,
  dirOf,
  isLang,
  LANGS,
  LANGUAGES,
  type Lang,
  languageOf,
} from "../i18n";
import { invalid, onServiceError } from "../lib/errors";
import { formatInstant } from "../lib/time";
import { Field, Notice, parseForm, textFields } from "../ui/forms";
import { Page } from "../ui/layout";
import { listWorkshopChoices } from "../workshops/service";
import { consentWording, personalise, renderReport, testSend } from "./email";
import { FilesSection, organiserFilePath, previewUrls } from "./file-pages";
import { fromForm, zonedFromForm } from "./form";
import { ReportArticle } from "./pages";
import { TestSendSchema } from "./schemas";
import {
  createReport,
  deleteReport,
  getReport,
  listReports,
  pdfFor,
  publishReport,
  type ReportWithVersions,
  reportTimeZone,
  updateReport,
  versionFor,
} from "./service";
import { ZonedTimeField } from "./zoned-time";

export const reportAdminPages = new Hono<AppEnv>();

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
          {LANGUAGES.map((l) => (
            <option value={l.code} selected={(report?.defaultLanguage ?? DEFAULT_LANG) === l.code}>
              {l.englishName}
            </option>
          ))}
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
      <Field
        name="slug"
        label="Address (slug)"
        value={report?.slug ?? ""}
        hint={
          report
            ? "Lowercase letters, digits and dashes. Changing it breaks links already shared."
            : "Lowercase letters, digits and dashes; made from the title when empty."
        }
      />
      {LANGS.map((lang) => (
        <fieldset lang={lang} dir={dirOf(lang)}>
          <legend>{dictionary(lang).reportForm.legend}</legend>
          <Field
            name={`${lang}.title`}
            label={dictionary(lang).reportForm.title}
            value={v(lang)?.title}
            dir="auto"
          />
          <Field
            name={`${lang}.summary`}
            label={dictionary(lang).reportForm.summary}
            value={v(lang)?.summary ?? ""}
            dir="auto"
          />
          <div>
            <label for={`f-${lang}-state`}>{dictionary(lang).reportForm.state}</label>
            <select id={`f-${lang}-state`} name={`${lang}.state`}>
              <option value="ready" selected={(v(lang)?.state ?? "ready") === "ready"}>
                {dictionary(lang).reportForm.stateReady}
              </option>
              <option value="draft" selected={v(lang)?.state === "draft"}>
                {dictionary(lang).reportForm.stateDraft}
              </option>
            </select>
          </div>
          <div>
            <label for={`f-${lang}-body`}>{dictionary(lang).reportForm.body}</label>
            <textarea id={`f-${lang}-body`} name={`${lang}.body`} rows={12} dir="auto">
              {v(lang)?.body ?? ""}
            </textarea>
          </div>
        </fieldset>
      ))}
      <div>
        {/* A published report's edits go live when saved: not a draft any more. */}
        <button type="submit">{report?.status === "published" ? "Save" : "Save draft"}</button>
      </div>
    </form>
  );
}

const workshopOptions = (c: Context<SignedInEnv>) =>
  listWorkshopChoices(c.var.services.db, c.var.actor);

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
  const input = fromForm(textFields(await c.req.parseBody()));
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

/**
 * Each report's page: previews, test send, publishing, the sections other features add (its
 * sending, from distributions), then the editor. Built by app.tsx with those sections.
 */
export function reportPage(sections: Section<ReportWithVersions>[]) {
  const pages = new Hono<AppEnv>();
  pages.get("/:id", requires("workshops.manage"), async (c) => {
    const db = c.var.services.db;
    const report = await getReport(db, c.req.param("id"));
    const loaded = [];
    for (const section of sections) loaded.push(await section.load(c, report));
    const zone = await reportTimeZone(db, report);
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
          {report.embargoUntil
            ? ` · public page from ${formatInstant(report.embargoUntil, zone, "en")} (${report.embargoUntil.toISOString().slice(0, 16).replace("T", " ")} UTC)`
            : ""}
        </p>
        <h2>Preview</h2>
        <ul>
          {report.versions.map((v) => (
            <li>
              {languageOf(v.language).englishName} ({v.state}):{" "}
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
          <ZonedTimeField
            name="embargoUntil"
            label="Embargo until"
            zone={zone}
            value={report.embargoUntil}
            hint="Attendees can receive the report now; the public page opens at this time."
          />
          <div>
            <button type="submit">
              {report.status === "published" ? "Publish again (update embargo)" : "Publish"}
            </button>
          </div>
        </form>
        <FilesSection report={report} />
        {loaded.map((s) => s.view)}
        <h2>Edit</h2>
        <ReportForm action={base} report={report} workshopsList={await workshopOptions(c)} />
        <h2 id="delete">Delete</h2>
        <form method="post" action={`${base}/delete`} class="stack">
          <p class="muted">
            Deletes the report, its language versions, its files and the records of its past sends.
            Its page, PDF and images stop answering, also to links in emails already sent. Not while
            a send is scheduled or running: cancel it first.
          </p>
          <label class="check">
            <input type="checkbox" name="confirm" value="yes" required /> Yes, delete this report,
            its files and the records of its sends
          </label>
          <div>
            <button type="submit" class="danger">
              Delete the report
            </button>
          </div>
        </form>
      </Page>,
    );
  });
  return pages;
}

reportAdminPages.post("/:id", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const input = fromForm(textFields(await c.req.parseBody()));
  return noticeOnError(c, `/admin/reports/${id}`, async () => {
    await updateReport(c.var.services, c.var.actor, id, input);
    return redirectWithNotice(c, `/admin/reports/${id}`, "Saved.");
  });
});

reportAdminPages.post("/:id/delete", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  if (body.confirm !== "yes")
    return redirectWithNotice(
      c,
      `/admin/reports/${id}#delete`,
      "Tick the box to confirm the deletion.",
      "error",
    );
  return noticeOnError(c, `/admin/reports/${id}#delete`, async () => {
    await deleteReport(c.var.services, c.var.actor, id);
    return redirectWithNotice(c, "/admin/reports", "Report deleted.");
  });
});

reportAdminPages.post("/:id/publish", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  const embargo = zonedFromForm(body.embargoUntil, body.embargoUntilZone);
  if (!embargo.ok) return redirectWithNotice(c, `/admin/reports/${id}`, embargo.error, "error");
  await publishReport(c.var.services, c.var.actor, id, embargo.instant);
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

reportAdminPages.get("/:id/preview", requires("workshops.manage"), async (c) => {
  const report = await getReport(c.var.services.db, c.req.param("id"));
  const q = c.req.query("lang");
  const lang = versionFor(report, isLang(q) ? q : report.defaultLanguage).language;
  const pdf = pdfFor(report, lang);
  return c.html(
    <Page lang={lang} title="Preview" area="admin" actor={c.var.actor}>
      <Notice>Preview of the {report.status} report, as its public page will show it.</Notice>
      <ReportArticle
        report={report}
        lang={lang}
        base={`/admin/reports/${report.id}/preview`}
        pdf={pdf ? { file: pdf, href: organiserFilePath(report.id, pdf.id) } : null}
        resolveUrl={previewUrls(report.id)}
      />
    </Page>,
  );
});

reportAdminPages.get("/:id/email", requires("workshops.manage"), async (c) => {
  const report = await getReport(c.var.services.db, c.req.param("id"));
  const q = c.req.query("lang");
  const lang = versionFor(report, isLang(q) ? q : report.defaultLanguage).language;
  const render = (await renderReport(report, c.var.services.settings)).find(
    (r) => r.language === lang,
  )!;
  // As a subscriber of every report would get it; an attendee's footer names the workshop.
  const { html } = personalise(render, {
    name: "Leila",
    unsubscribeUrl: `${c.env.APP_URL}/u/preview`,
    consent: consentWording(lang, { topics: [], workshopTitle: null }).subscriber,
  });
  c.header(
    "Content-Security-Policy",
    // 'self': the report's images, once it is public (the email's addresses are the public ones).
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'; frame-ancestors 'self'",
  );
  return c.html(raw(html));
});
