// Each language version of a report is rendered once per distribution and stored; chunks
// personalise the stored HTML and text by substitution. The stored render also keeps a
// chunk's payload identical across retries, which its idempotency key requires.
import { createElement } from "react";
import ReportEmail, { NAME_SLOT, UNSUBSCRIBE_SLOT } from "../../emails/report";
import type { Db } from "../db/client";
import { distributionRenders } from "../db/schema";
import type { Lang } from "../i18n";
import { renderMarkdown } from "../lib/markdown";
import { escapeHtml, headerSafe } from "../lib/text";
import { renderEmail } from "../mail/render";
import type { ReportWithVersions } from "../reports/service";

export function renderRows(
  db: Db,
  distributionId: string,
  renders: { language: Lang; subject: string; html: string; text: string }[],
) {
  return renders.map((r) =>
    db
      .insert(distributionRenders)
      .values({ distributionId, ...r })
      .onConflictDoNothing(),
  );
}

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
