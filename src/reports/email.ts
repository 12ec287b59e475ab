// A report as an email: each language version rendered once (React Email) with
// placeholders for the recipient's name and unsubscribe link, then personalised by
// substitution. A distribution stores these renders (its chunks stay byte-identical across
// retries) and previews show them; a test send is an outbox email with the same props and
// placeholders, rendered by the queue consumer.
import { createElement } from "react";
import { templateEmail } from "../../emails";
import ReportEmail, {
  NAME_SLOT,
  type ReportEmailProps,
  UNSUBSCRIBE_SLOT,
} from "../../emails/report";
import type { Lang } from "../i18n";
import { renderMarkdown } from "../lib/markdown";
import { escapeHtml, headerSafe } from "../lib/text";
import { renderEmail } from "../mail/render";
import type { Services } from "../services";
import { type ReportWithVersions, versionFor } from "./service";

/** The report template's props for one language version. */
function reportProps(
  report: ReportWithVersions,
  version: ReportWithVersions["versions"][number],
  appUrl: string,
  now: Date,
): ReportEmailProps {
  const embargoed = report.embargoUntil && report.embargoUntil > now;
  return {
    lang: version.language,
    title: version.title,
    summary: version.summary,
    bodyHtml: renderMarkdown(version.body),
    webUrl: embargoed
      ? null
      : `${appUrl.replace(/\/$/, "")}/reports/${report.slug}?lang=${version.language}`,
  };
}

export async function renderReport(report: ReportWithVersions, appUrl: string, now = new Date()) {
  return Promise.all(
    report.versions.map(async (v) => {
      const rendered = await renderEmail(
        createElement(ReportEmail, reportProps(report, v, appUrl, now)),
      );
      return { language: v.language, subject: headerSafe(v.title), ...rendered };
    }),
  );
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
      props: reportProps(report, version, ctx.settings.appUrl, new Date()),
      slots: { [NAME_SLOT]: to.split("@")[0]!, [UNSUBSCRIBE_SLOT]: url },
    }),
    kind: "report:test",
    headers: {
      "List-Unsubscribe": `<${url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  });
}
