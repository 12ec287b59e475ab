// Public report pages: the archive, each report in each language (hreflang alternates,
// a reader's text-size control), and the Atom feed. Embargoed reports stay hidden until
// their embargo ends.

import { Hono } from "hono";
import { raw } from "hono/html";
import type { AppEnv } from "../http/context";
import { dictionary, dirOf, isLang, type Lang, languageOf, localeOf } from "../i18n";
import { renderMarkdown, underBase } from "../lib/markdown";
import { plainSummary } from "../lib/text";
import { Page } from "../ui/layout";
import { fileResponse } from "./file-response";
import { filePath, openFile, pdfPath, publicFile, publicPdf } from "./files";
import {
  getPublicReport,
  listPublicReports,
  pdfFor,
  type ReportFile,
  type ReportWithVersions,
  versionFor,
} from "./service";

export const reportPages = new Hono<AppEnv>();

const dateOf = (d: Date | null, lang: Lang) =>
  d
    ? new Intl.DateTimeFormat(localeOf(lang), {
        dateStyle: "long",
        timeZone: "UTC",
      }).format(d)
    : "";

export function reportSummaries(reports: ReportWithVersions[], lang: Lang) {
  return reports.map((r) => ({ report: r, version: versionFor(r, lang) }));
}

reportPages.get("/", async (c) => {
  const lang = c.get("lang");
  const t = dictionary(lang).reports;
  const list = reportSummaries(await listPublicReports(c.var.services.reads, new Date()), lang);
  return c.html(
    <Page
      lang={lang}
      title={t.archive}
      otherLangHref={(other) => `/reports?lang=${other}`}
      feeds={[{ title: t.feed, href: "/reports/feed.xml" }]}
    >
      <h1>{t.archive}</h1>
      {list.length === 0 ? (
        <p class="muted">{t.empty}</p>
      ) : (
        <ul class="cards">
          {list.map(({ report, version }) => (
            <li class="card" lang={version.language} dir={dirOf(version.language)}>
              <h2 class="h3">
                <a href={`/reports/${report.slug}?lang=${version.language}`}>{version.title}</a>
              </h2>
              {version.summary ? <p>{version.summary}</p> : null}
              <p class="muted">{dateOf(report.publishedAt, lang)}</p>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/reports/feed.xml">{t.feed}</a>
      </p>
    </Page>,
  );
});

const xml = (value: string) =>
  value.replace(
    /[<>&'"]/g,
    (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[ch]!,
  );

reportPages.get("/feed.xml", async (c) => {
  const base = c.env.APP_URL.replace(/\/$/, "");
  const list = await listPublicReports(c.var.services.reads, new Date(), 30);
  const updated = (list[0]?.publishedAt ?? new Date(0)).toISOString();
  const entries = list.flatMap((report) =>
    report.versions.map((v) => {
      const url = `${base}/reports/${report.slug}?lang=${v.language}`;
      return `  <entry xml:lang="${v.language}">
    <id>${xml(url)}</id>
    <title>${xml(v.title)}</title>
    <link rel="alternate" href="${xml(url)}" hreflang="${v.language}"/>
    <updated>${(report.updatedAt ?? report.publishedAt ?? report.createdAt).toISOString()}</updated>
    <published>${(report.publishedAt ?? report.createdAt).toISOString()}</published>
    ${v.summary ? `<summary>${xml(v.summary)}</summary>` : ""}
    <content type="html">${xml(renderMarkdown(v.body, { resolveUrl: underBase(base) }))}</content>
  </entry>`;
    }),
  );
  const feed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(`${base}/reports/feed.xml`)}</id>
  <title>Workshop reports</title>
  <link rel="self" href="${xml(`${base}/reports/feed.xml`)}"/>
  <link rel="alternate" href="${xml(`${base}/reports`)}"/>
  <updated>${updated}</updated>
  <author><name>Workshops</name></author>
${entries.join("\n")}
</feed>
`;
  return c.body(feed, 200, { "Content-Type": "application/atom+xml; charset=utf-8" });
});

/** A file's size as readers of a language write it: "840 kB", "1.2 MB". */
const sizeOf = (bytes: number, lang: Lang) =>
  bytes < 1024 * 1024
    ? new Intl.NumberFormat(localeOf(lang), { style: "unit", unit: "kilobyte" }).format(
        Math.max(1, Math.round(bytes / 1024)),
      )
    : new Intl.NumberFormat(localeOf(lang), {
        style: "unit",
        unit: "megabyte",
        maximumFractionDigits: 1,
      }).format(bytes / (1024 * 1024));

export function ReportArticle({
  report,
  lang,
  base,
  pdf,
  resolveUrl,
}: {
  report: ReportWithVersions;
  lang: Lang;
  base: string;
  /** The PDF edition to offer, and where to get it. */
  pdf?: { file: ReportFile; href: string } | null;
  /** Rewrites addresses in the body (the organisers' preview serves images of its own). */
  resolveUrl?: (url: string) => string;
}) {
  const version = versionFor(report, lang);
  const t = dictionary(version.language).reports;
  const others = report.versions.filter((v) => v.language !== version.language);
  const pdfLanguage = pdf?.file.language;
  return (
    <article>
      <h1>{version.title}</h1>
      <p class="muted">
        {t.published} {dateOf(report.publishedAt, version.language)}
        {others.map((o) => (
          <>
            {" · "}
            {t.also}{" "}
            <a href={`${base}?lang=${o.language}`} hreflang={o.language} lang={o.language}>
              {languageOf(o.language).name}
            </a>
          </>
        ))}
      </p>
      <fieldset id="text-size" class="row text-size" hidden>
        <legend class="hint">{t.size}</legend>
        <button type="button" class="secondary" data-step="-0.1">
          A−
          <span class="sr-only"> {t.smaller}</span>
        </button>
        <button type="button" class="secondary" data-step="0">
          A<span class="sr-only"> {t.reset}</span>
        </button>
        <button type="button" class="secondary" data-step="0.1">
          A+
          <span class="sr-only"> {t.larger}</span>
        </button>
      </fieldset>
      {version.summary ? <p class="lead">{version.summary}</p> : null}
      {pdf ? (
        <p id="pdf">
          <a href={pdf.href} download>
            {t.pdf}
          </a>{" "}
          <span class="muted">
            (PDF
            {pdfLanguage && pdfLanguage !== version.language ? (
              <>
                , <span lang={pdfLanguage}>{languageOf(pdfLanguage).name}</span>
              </>
            ) : null}
            , {sizeOf(pdf.file.size, version.language)})
          </span>
        </p>
      ) : null}
      <div class="prose">{raw(renderMarkdown(version.body, { resolveUrl }))}</div>
    </article>
  );
}

reportPages.get("/:slug", async (c) => {
  const report = await getPublicReport(c.var.services.reads, c.req.param("slug"), new Date());
  const q = c.req.query("lang");
  const wanted: Lang = isLang(q) ? q : c.get("lang");
  const version = versionFor(report, wanted);
  const path = `/reports/${report.slug}`;
  const pdfFile = pdfFor(report, version.language);
  const pdf = pdfFile?.language
    ? { file: pdfFile, href: pdfPath(report.slug, pdfFile.language) }
    : null;
  const base = c.env.APP_URL.replace(/\/$/, "");
  return c.html(
    <Page
      lang={version.language}
      title={version.title}
      otherLangHref={(other) =>
        report.versions.some((v) => v.language === other) ? `${path}?lang=${other}` : undefined
      }
      alternates={report.versions.map((v) => ({
        lang: v.language,
        href: `${base}${path}?lang=${v.language}`,
      }))}
      feeds={[{ title: dictionary(version.language).reports.feed, href: "/reports/feed.xml" }]}
      share={{
        url: `${base}${path}?lang=${version.language}`,
        description: plainSummary(version.summary || version.body),
        image: `${base}/assets/icon.png`,
        type: "article",
      }}
    >
      <ReportArticle report={report} lang={version.language} base={path} pdf={pdf} />
    </Page>,
  );
});

// A file of a public report, served by the Worker from R2 (same origin, so the pages' CSP
// stays 'self'). Until the report is public (a draft, an embargo not over) it is a 404,
// like a file that does not exist. Asked for under an old slug, it moves to the new one.
reportPages.get("/:slug/files/:id", async (c) => {
  const found = await publicFile(c.var.services.reads, c.req.param("id"), new Date());
  if (found.slug !== c.req.param("slug"))
    return c.redirect(filePath(found.slug, found.file.id), 301);
  const object = await openFile(c.var.services, found.file, c.req.raw.headers);
  return fileResponse(found, object, "public");
});

// The PDF edition in a language, else the default language's: the address emails and the
// page link to, which keeps working when an organiser uploads a corrected edition.
reportPages.get("/:slug/pdf/:lang", async (c) => {
  const lang = c.req.param("lang");
  if (!isLang(lang)) return c.notFound();
  const found = await publicPdf(c.var.services.reads, c.req.param("slug"), lang, new Date());
  const object = await openFile(c.var.services, found.file, c.req.raw.headers);
  return fileResponse(found, object, "public");
});
