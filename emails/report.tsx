/** @jsxImportSource react */
// A report as an email. Rendered once per language with placeholders that distributions
// replace per recipient (the greeting name; the footer's consent, the one this email relies
// on, and the link that withdraws it): never one render per recipient. No tracking pixel,
// no rewritten links.
import { Heading, Link, Text } from "@react-email/components";
import type { EmailBrand } from "../src/brand/brand";
import { dictionary, fill, type Lang, languageOf } from "../src/i18n";
import { EmailLayout, styles } from "./components/layout";

export const NAME_SLOT = "%%RECIPIENT_NAME%%";
export const UNSUBSCRIBE_SLOT = "%%UNSUBSCRIBE_URL%%";
/** Why this recipient gets the email: their subscription, or their registration. */
export const CONSENT_SLOT = "%%CONSENT%%";
/** The label of the link that withdraws that consent, and only it. */
export const STOP_SLOT = "%%STOP_LABEL%%";

export interface ReportEmailProps {
  lang: Lang;
  title: string;
  summary?: string | null;
  /** The report body, already rendered from Markdown with raw HTML escaped. */
  bodyHtml: string;
  webUrl?: string | null;
  /**
   * The PDF edition on the site, in this language or else the default's: a link, never an
   * attachment (a batch send carries none, and a PDF in every copy would pass mail limits).
   */
  pdf?: { url: string; language: Lang } | null;
  brand?: EmailBrand;
}

export function ReportEmail({
  lang,
  title,
  summary,
  bodyHtml,
  webUrl,
  pdf,
  brand,
}: ReportEmailProps) {
  const t = dictionary(lang).emails;
  return (
    <EmailLayout
      lang={lang}
      preview={summary ?? title}
      brand={brand}
      // The one reason: the consent this email relies on, and the link that withdraws it.
      reason={
        <>
          {CONSENT_SLOT} <Link href={UNSUBSCRIBE_SLOT}>{STOP_SLOT}</Link>
        </>
      }
    >
      <Text style={styles.text}>{fill(t.reportGreeting, { name: NAME_SLOT })}</Text>
      <Heading style={styles.heading}>{title}</Heading>
      {summary ? <Text style={{ ...styles.text, fontWeight: 600 }}>{summary}</Text> : null}
      {/* The body is Markdown rendered with raw HTML disabled and unsafe links refused
          (src/lib/markdown.ts); biome.json allows raw HTML in this one template. */}
      <div
        style={{ fontSize: 15, lineHeight: "24px", color: "#27272a" }}
        dangerouslySetInnerHTML={{ __html: bodyHtml }}
      />
      {pdf ? (
        <Text style={styles.small}>
          <Link href={pdf.url}>{t.reportPdf}</Link>
          {pdf.language === lang ? "" : ` (${languageOf(pdf.language).name})`}
        </Text>
      ) : null}
      {webUrl ? (
        <Text style={styles.small}>
          <Link href={webUrl}>{t.reportWeb}</Link>
        </Text>
      ) : null}
    </EmailLayout>
  );
}

ReportEmail.PreviewProps = {
  lang: "en",
  title: "What the participants agreed on",
  summary: "Three recommendations from a closed workshop.",
  bodyHtml:
    "<p>The participants discussed <strong>three options</strong>.</p><ol><li>First</li><li>Second</li></ol>",
  webUrl: "http://localhost:8787/reports/example",
  pdf: { url: "http://localhost:8787/reports/example/pdf/en", language: "en" },
} satisfies ReportEmailProps;

export default ReportEmail;
