// A report as an email: each language version rendered once (React Email) with
// placeholders for the recipient's name and unsubscribe link, then personalised by
// substitution. A distribution records each version's content when it is created and its
// prepare step renders them (src/distributions/renders.ts), storing the renders so its
// chunks stay byte-identical across retries; previews render the report as it is now. A
// test send is an outbox email with the same props and placeholders, rendered by the queue
// consumer.
import { createElement } from "react";
import { templateEmail } from "../../emails";
import ReportEmail, {
  NAME_SLOT,
  type ReportEmailProps,
  UNSUBSCRIBE_SLOT,
} from "../../emails/report";
import type { ReportVersionContent } from "../db/schema";
import type { Lang } from "../i18n";
import { renderMarkdown, underBase } from "../lib/markdown";
import { escapeHtml, headerSafe } from "../lib/text";
import { renderEmail } from "../mail/render";
import type { Services } from "../services";
import { pdfPath } from "./files";
import { type FullReport, pdfFor, versionFor } from "./service";

/**
 * One language version as it would be sent now: its text, the link to the public page and
 * to the PDF edition (this language's, else the default's). While an embargo lasts the site
 * answers 404 for the report, its PDF and its images, so the email links to neither page
 * nor PDF; its images show once the embargo is over. Nothing is rendered here.
 */
function versionContent(
  report: FullReport,
  version: FullReport["versions"][number],
  appUrl: string,
  now: Date,
): ReportVersionContent {
  const base = appUrl.replace(/\/$/, "");
  const embargoed = report.embargoUntil && report.embargoUntil > now;
  const pdf = embargoed ? null : pdfFor(report, version.language);
  return {
    language: version.language,
    title: version.title,
    summary: version.summary,
    body: version.body,
    webUrl: embargoed ? null : `${base}/reports/${report.slug}?lang=${version.language}`,
    baseUrl: base,
    pdf: pdf?.language
      ? { url: `${base}${pdfPath(report.slug, pdf.language)}`, language: pdf.language }
      : null,
  };
}

/** Every language version of the report, as a distribution records it to render later. */
export function reportContent(
  report: FullReport,
  appUrl: string,
  now = new Date(),
): ReportVersionContent[] {
  return report.versions.map((v) => versionContent(report, v, appUrl, now));
}

/**
 * The report template's props for one recorded language version. Site addresses in the body
 * (the report's images) are made absolute: a mail client has no page to resolve them against.
 */
function reportProps(content: ReportVersionContent): ReportEmailProps {
  const { baseUrl } = content;
  return {
    lang: content.language,
    title: content.title,
    summary: content.summary,
    bodyHtml: renderMarkdown(content.body, baseUrl ? { resolveUrl: underBase(baseUrl) } : {}),
    webUrl: content.webUrl,
    pdf: content.pdf ?? null,
  };
}

/** Each recorded language version rendered, with its subject; rejects if any one throws. */
export async function renderReportContent(content: ReportVersionContent[]) {
  return Promise.all(
    content.map(async (v) => {
      const rendered = await renderEmail(createElement(ReportEmail, reportProps(v)));
      return { language: v.language, subject: headerSafe(v.title), ...rendered };
    }),
  );
}

/** The report as it is now, rendered: the admin pages' email preview. */
export function renderReport(report: FullReport, appUrl: string, now = new Date()) {
  return renderReportContent(reportContent(report, appUrl, now));
}

/** One recipient's copy: their name and their unsubscribe link in both parts. */
export function personalise(
  render: { html: string; text: string },
  name: string,
  unsubscribeUrl: string,
) {
  return {
    html: render.html
      .replaceAll(NAME_SLOT, escapeHtml(name))
      .replaceAll(UNSUBSCRIBE_SLOT, escapeHtml(unsubscribeUrl)),
    text: render.text.replaceAll(NAME_SLOT, name).replaceAll(UNSUBSCRIBE_SLOT, unsubscribeUrl),
  };
}

/**
 * One test copy of a report to an organiser, marked [Test]; it unsubscribes nobody. Recorded
 * like every outbox email, for the consumer to render: the name and link take the places of
 * the same placeholders a distribution fills.
 */
export async function testSend(ctx: Services, report: FullReport, to: string, lang: Lang) {
  const version = versionFor(report, lang);
  const url = `${ctx.settings.appUrl}/admin/reports/${report.id}`;
  return ctx.mailer.send({
    to,
    subject: `[Test] ${headerSafe(version.title)}`,
    ...templateEmail("report", {
      props: reportProps(versionContent(report, version, ctx.settings.appUrl, new Date())),
      slots: { [NAME_SLOT]: to.split("@")[0]!, [UNSUBSCRIBE_SLOT]: url },
    }),
    kind: "report:test",
    headers: {
      "List-Unsubscribe": `<${url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  });
}
