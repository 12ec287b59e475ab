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
  CONSENT_SLOT,
  NAME_SLOT,
  type ReportEmailProps,
  STOP_SLOT,
  UNSUBSCRIBE_SLOT,
} from "../../emails/report";
import { type Brand, emailBrand } from "../brand/brand";
import type { ConsentWording, ReportVersionContent } from "../db/schema";
import { dictionary, fill, type Lang, localeOf } from "../i18n";
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
/** Where a report's email points, and whose it is. */
export type ReportSite = { appUrl: string; brand?: Brand };

function versionContent(
  report: FullReport,
  version: FullReport["versions"][number],
  { appUrl, brand }: ReportSite,
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
    brand: brand ? emailBrand(brand, version.language) : undefined,
  };
}

/** Every language version of the report, as a distribution records it to render later. */
export function reportContent(
  report: FullReport,
  site: ReportSite,
  now = new Date(),
): ReportVersionContent[] {
  return report.versions.map((v) => versionContent(report, v, site, now));
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
    brand: content.brand,
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
export function renderReport(report: FullReport, site: ReportSite, now = new Date()) {
  return renderReportContent(reportContent(report, site, now));
}

/**
 * The footer's wording in one language for each consent a distribution may rely on: a
 * subscription (to the distribution's topics, or to every report when it names none), and,
 * when it goes to a workshop's attendees, having registered for that workshop. "Registered
 * for", not "attended": the audience may include confirmed people who did not come.
 */
export function consentWording(
  lang: Lang,
  audience: { topics: { name: string; nameAr: string | null }[]; workshopTitle: string | null },
): { subscriber: ConsentWording; attendee: ConsentWording | null } {
  const t = dictionary(lang).emails;
  const names = audience.topics.map((topic) =>
    lang === "ar" && topic.nameAr ? topic.nameAr : topic.name,
  );
  // A subscriber follows at least one of the topics, not necessarily all: "or".
  const topics = new Intl.ListFormat(localeOf(lang), { type: "disjunction" }).format(names);
  return {
    subscriber: {
      why: names.length ? fill(t.reportWhySubscribedTo, { topics }) : t.reportWhySubscribed,
      stop: t.reportStopSubscription,
    },
    attendee:
      audience.workshopTitle === null
        ? null
        : {
            why: fill(t.reportWhyRegistered, { workshop: audience.workshopTitle }),
            stop: t.reportStopWorkshop,
          },
  };
}

/**
 * One recipient's copy: their name, the consent it relies on and the link that withdraws
 * it, in both parts.
 */
export function personalise(
  render: { html: string; text: string },
  recipient: { name: string; unsubscribeUrl: string; consent: ConsentWording },
) {
  const values: [string, string][] = [
    [NAME_SLOT, recipient.name],
    [UNSUBSCRIBE_SLOT, recipient.unsubscribeUrl],
    [CONSENT_SLOT, recipient.consent.why],
    [STOP_SLOT, recipient.consent.stop],
  ];
  // One pass per part, so a value (a name, a workshop's title) is never searched for slots.
  const pattern = new RegExp(values.map(([slot]) => slot).join("|"), "g");
  const html = new Map(values.map(([slot, value]) => [slot, escapeHtml(value)]));
  const text = new Map(values);
  return {
    html: render.html.replace(pattern, (slot) => html.get(slot)!),
    text: render.text.replace(pattern, (slot) => text.get(slot)!),
  };
}

/**
 * One test copy of a report to an organiser, marked [Test]; it unsubscribes nobody. Recorded
 * like every outbox email, for the consumer to render: the name, link and a subscriber's
 * footer take the places of the same placeholders a distribution fills.
 */
export async function testSend(ctx: Services, report: FullReport, to: string, lang: Lang) {
  const version = versionFor(report, lang);
  const url = `${ctx.settings.appUrl}/admin/reports/${report.id}`;
  const { subscriber } = consentWording(version.language, { topics: [], workshopTitle: null });
  return ctx.mailer.send({
    to,
    subject: `[Test] ${headerSafe(version.title)}`,
    ...templateEmail("report", {
      props: reportProps(versionContent(report, version, ctx.settings, new Date())),
      slots: {
        [NAME_SLOT]: to.split("@")[0]!,
        [UNSUBSCRIBE_SLOT]: url,
        [CONSENT_SLOT]: subscriber.why,
        [STOP_SLOT]: subscriber.stop,
      },
    }),
    kind: "report:test",
    headers: {
      "List-Unsubscribe": `<${url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  });
}
