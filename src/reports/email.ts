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
import { renderMarkdown } from "../lib/markdown";
import { escapeHtml, headerSafe } from "../lib/text";
import { renderEmail } from "../mail/render";
import type { Services } from "../services";
import { type ReportWithVersions, versionFor } from "./service";

/**
 * One language version as it would be sent now: its text, and the link to the public page
 * unless the page is still under embargo. Nothing is rendered here.
 */
function versionContent(
  report: ReportWithVersions,
  version: ReportWithVersions["versions"][number],
  appUrl: string,
  now: Date,
): ReportVersionContent {
  const embargoed = report.embargoUntil && report.embargoUntil > now;
  return {
    language: version.language,
    title: version.title,
    summary: version.summary,
    body: version.body,
    webUrl: embargoed
      ? null
      : `${appUrl.replace(/\/$/, "")}/reports/${report.slug}?lang=${version.language}`,
  };
}

/** Every language version of the report, as a distribution records it to render later. */
export function reportContent(
  report: ReportWithVersions,
  appUrl: string,
  now = new Date(),
): ReportVersionContent[] {
  return report.versions.map((v) => versionContent(report, v, appUrl, now));
}

/** The report template's props for one recorded language version. */
function reportProps(content: ReportVersionContent): ReportEmailProps {
  return {
    lang: content.language,
    title: content.title,
    summary: content.summary,
    bodyHtml: renderMarkdown(content.body),
    webUrl: content.webUrl,
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
export function renderReport(report: ReportWithVersions, appUrl: string, now = new Date()) {
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
export async function testSend(ctx: Services, report: ReportWithVersions, to: string, lang: Lang) {
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
