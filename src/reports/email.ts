// A report as an email: each language version rendered once (React Email) with
// placeholders for the recipient's name and unsubscribe link, then personalised by
// substitution. A distribution stores these renders (its chunks stay byte-identical across
// retries); previews and test sends use them directly.
import { createElement } from "react";
import ReportEmail, { NAME_SLOT, UNSUBSCRIBE_SLOT } from "../../emails/report";
import type { Lang } from "../i18n";
import { renderMarkdown } from "../lib/markdown";
import { escapeHtml, headerSafe } from "../lib/text";
import { renderEmail } from "../mail/render";
import type { Services } from "../services";
import { type ReportWithVersions, versionFor } from "./service";

export async function renderReport(report: ReportWithVersions, appUrl: string, now = new Date()) {
  const embargoed = report.embargoUntil && report.embargoUntil > now;
  return Promise.all(
    report.versions.map(async (v) => {
      const webUrl = embargoed
        ? null
        : `${appUrl.replace(/\/$/, "")}/reports/${report.slug}?lang=${v.language}`;
      const rendered = await renderEmail(
        createElement(ReportEmail, {
          lang: v.language,
          title: v.title,
          summary: v.summary,
          bodyHtml: renderMarkdown(v.body),
          webUrl,
        }),
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

/** One test copy of a report to an organiser, marked [Test]; it unsubscribes nobody. */
export async function testSend(ctx: Services, report: ReportWithVersions, to: string, lang: Lang) {
  const renders = await renderReport(report, ctx.settings.appUrl);
  const version = versionFor(report, lang);
  const render = renders.find((r) => r.language === version.language)!;
  const url = `${ctx.settings.appUrl}/admin/reports/${report.id}`;
  const { html, text } = personalise(render, to.split("@")[0]!, url);
  return ctx.mailer.send({
    to,
    subject: `[Test] ${render.subject}`,
    html,
    text,
    kind: "report:test",
    headers: {
      "List-Unsubscribe": `<${url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  });
}
