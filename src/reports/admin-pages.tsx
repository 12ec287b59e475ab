// Organisers' report pages: write (one version per language), preview as the web page and
// as the email, publish (optionally under embargo), test-send. Sending to subscribers and
// attendees is in src/distributions/pages.tsx, composed into the report page by app.tsx.

import type { Context } from "hono";
import { Hono } from "hono";
import { raw } from "hono/html";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import {
  type AdminWords,
  adminDictionary,
  DEFAULT_LANG,
  dictionary,
  dirOf,
  fill,
  isLang,
  LANGS,
  LANGUAGES,
  type Lang,
  languageNameIn,
  ltrIn,
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

const words = (c: AppContext) => adminDictionary(adminLang(c));

function ReportForm({
  a,
  action,
  report,
  workshopsList,
  error,
}: {
  a: AdminWords;
  action: string;
  report?: ReportWithVersions;
  workshopsList: { id: string; title: string }[];
  error?: string;
}) {
  const v = (lang: Lang) => report?.versions.find((x) => x.language === lang);
  const t = a.reports;
  return (
    <form method="post" action={action} class="stack">
      {error ? <Notice kind="error">{error}</Notice> : null}
      <div>
        <label for="f-defaultLanguage">{t.defaultLanguage}</label>
        <select id="f-defaultLanguage" name="defaultLanguage">
          {LANGUAGES.map((l) => (
            <option value={l.code} selected={(report?.defaultLanguage ?? DEFAULT_LANG) === l.code}>
              {languageNameIn(l.code, a.lang)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-workshopId">{t.workshop}</label>
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
        label={t.slug}
        value={report?.slug ?? ""}
        dir="ltr"
        hint={report ? t.slugHintEdit : t.slugHintNew}
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
        <button type="submit">{report?.status === "published" ? t.save : t.saveDraft}</button>
      </div>
    </form>
  );
}

const workshopOptions = (c: Context<SignedInEnv>) =>
  listWorkshopChoices(c.var.services.db, c.var.actor);

reportAdminPages.get("/", requires("workshops.manage"), async (c) => {
  const list = await listReports(c.var.services.db);
  const view = adminPage(c);
  const t = adminDictionary(view.lang).reports;
  return c.html(
    <Page {...view} title={t.title} path="/admin/reports">
      <h1>{t.title}</h1>
      <FlashNotice c={c} />
      <p>
        <a class="button" href="/admin/reports/new">
          {t.newReport}
        </a>
      </p>
      {list.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <ul>
          {list.map((r) => (
            <li>
              <a href={`/admin/reports/${r.id}`} dir="auto">
                {versionFor(r, r.defaultLanguage).title}
              </a>{" "}
              <span class={`badge ${r.status === "published" ? "ok" : "warn"}`}>
                {t.status[r.status]}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Page>,
  );
});

reportAdminPages.get("/new", requires("workshops.manage"), async (c) => {
  const a = words(c);
  return c.html(
    <Page {...adminPage(c)} title={a.reports.newReport} path="/admin/reports">
      <h1>{a.reports.newReport}</h1>
      <ReportForm a={a} action="/admin/reports" workshopsList={await workshopOptions(c)} />
    </Page>,
  );
});

reportAdminPages.post("/", requires("workshops.manage"), async (c) => {
  const input = fromForm(textFields(await c.req.parseBody()));
  return onServiceError(
    async () => {
      if (input.versions.length === 0) throw invalid(words(c).reports.needsTitle);
      const report = await createReport(c.var.services.db, c.var.actor, input);
      return redirectWithNotice(c, `/admin/reports/${report.id}`, words(c).reports.draftSaved);
    },
    async (error) =>
      c.html(
        <Page {...adminPage(c)} title={words(c).reports.newReport} path="/admin/reports">
          <h1>{words(c).reports.newReport}</h1>
          <ReportForm
            a={words(c)}
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
    const view = adminPage(c);
    const { lang } = view;
    const a = adminDictionary(lang);
    const t = a.reports;
    return c.html(
      <Page {...view} title={t.report} path="/admin/reports">
        <p>
          <a href="/admin/reports">{t.backToList}</a>
        </p>
        <h1 dir="auto">{versionFor(report, report.defaultLanguage).title}</h1>
        <FlashNotice c={c} />
        <p>
          <span class={`badge ${report.status === "published" ? "ok" : "warn"}`}>
            {t.status[report.status]}
          </span>
          {report.embargoUntil
            ? fill(t.publicFrom, {
                when: formatInstant(report.embargoUntil, zone, lang),
                utc: ltrIn(lang, report.embargoUntil.toISOString().slice(0, 16).replace("T", " ")),
              })
            : ""}
        </p>
        <h2>{t.preview}</h2>
        <ul>
          {report.versions.map((v) => (
            <li>
              {fill(t.versionLine, {
                language: languageNameIn(v.language, lang),
                state: t.versionState[v.state],
              })}{" "}
              <a href={`${base}/preview?lang=${v.language}`}>{t.webPage}</a> ·{" "}
              <a href={`${base}/email?lang=${v.language}`}>{t.email}</a>
            </li>
          ))}
        </ul>
        <form method="post" action={`${base}/test-send`} class="row">
          <label for="f-to" class="hint">
            {t.sendTestTo}
          </label>
          <input
            id="f-to"
            name="to"
            type="email"
            value={c.var.actor?.email ?? ""}
            required
            dir="ltr"
          />
          <button type="submit" class="secondary">
            {t.sendTest}
          </button>
        </form>
        <h2>{t.publishHeading}</h2>
        <form method="post" action={`${base}/publish`} class="stack">
          <ZonedTimeField
            name="embargoUntil"
            label={t.embargoUntil}
            zone={zone}
            value={report.embargoUntil}
            hint={t.embargoHint}
            lang={lang}
          />
          <div>
            <button type="submit">
              {report.status === "published" ? t.publishAgain : t.publish}
            </button>
          </div>
        </form>
        <FilesSection report={report} a={a} />
        {loaded.map((s) => s.view)}
        <h2>{t.editHeading}</h2>
        <ReportForm a={a} action={base} report={report} workshopsList={await workshopOptions(c)} />
        <h2 id="delete">{t.deleteHeading}</h2>
        <form method="post" action={`${base}/delete`} class="stack">
          <p class="muted">{t.deleteExplain}</p>
          <label class="check">
            <input type="checkbox" name="confirm" value="yes" required /> {t.deleteConfirm}
          </label>
          <div>
            <button type="submit" class="danger">
              {t.deleteButton}
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
    return redirectWithNotice(c, `/admin/reports/${id}`, words(c).reports.saved);
  });
});

reportAdminPages.post("/:id/delete", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  if (body.confirm !== "yes")
    return redirectWithNotice(
      c,
      `/admin/reports/${id}#delete`,
      words(c).reports.tickToDelete,
      "error",
    );
  return noticeOnError(c, `/admin/reports/${id}#delete`, async () => {
    await deleteReport(c.var.services, c.var.actor, id);
    return redirectWithNotice(c, "/admin/reports", words(c).reports.deleted);
  });
});

reportAdminPages.post("/:id/publish", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  const embargo = zonedFromForm(body.embargoUntil, body.embargoUntilZone);
  if (!embargo.ok) return redirectWithNotice(c, `/admin/reports/${id}`, embargo.error, "error");
  await publishReport(c.var.services, c.var.actor, id, embargo.instant);
  return redirectWithNotice(c, `/admin/reports/${id}`, words(c).reports.published);
});

reportAdminPages.post("/:id/test-send", requires("workshops.manage"), async (c) => {
  const id = c.req.param("id");
  // Unlike the API, the form has no default address: it must name one.
  const parsed = parseForm(TestSendSchema.required({ to: true }), {
    to: String((await c.req.parseBody()).to ?? "").trim(),
  });
  if (!parsed.ok)
    return redirectWithNotice(c, `/admin/reports/${id}`, words(c).reports.testAddress, "error");
  const { to } = parsed.data;
  const report = await getReport(c.var.services.db, id);
  await testSend(c.var.services, report, to, report.defaultLanguage);
  return redirectWithNotice(c, `/admin/reports/${id}`, fill(words(c).reports.testSent, { to }));
});

reportAdminPages.get("/:id/preview", requires("workshops.manage"), async (c) => {
  const report = await getReport(c.var.services.db, c.req.param("id"));
  const q = c.req.query("lang");
  const lang = versionFor(report, isLang(q) ? q : report.defaultLanguage).language;
  const pdf = pdfFor(report, lang);
  return c.html(
    <Page {...adminPage(c)} lang={lang} title={words(c).reports.preview}>
      {/* The page is the report's language version; the note is in the organiser's. */}
      <div lang={adminLang(c)} dir={dirOf(adminLang(c))}>
        <Notice>
          {fill(words(c).reports.previewNotice, {
            status: words(c).reports.status[report.status],
          })}
        </Notice>
      </div>
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
