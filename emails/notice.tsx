/** @jsxImportSource react */
// One template for every workshop email (verification, confirmation, waitlist, invitation,
// reminders, cancellation, organiser messages): the wording comes from the caller, so each
// notice is a set of strings, not a template of its own.
import { Button, Heading, Link, Section, Text } from "@react-email/components";
import type { EmailBrand } from "../src/brand/brand";
import type { Lang } from "../src/i18n";
import { qrTable } from "../src/lib/qr";
import { EmailLayout, styles } from "./components/layout";

export interface NoticeEmailProps {
  lang: Lang;
  preview: string;
  heading: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Label/value rows: date, place, status. */
  details?: { label: string; value: string }[];
  /**
   * A QR code as an HTML table (`qrTable`, src/lib/qr.ts: no image for clients to block). The
   * consumer passes a placeholder here and puts each recipient's code in its place.
   */
  qr?: { html: string; caption: string };
  /** "Questions? Write to …": the organiser contact, isolated (<bdi>) inside the sentence. */
  contact?: { before: string; who: string; after: string };
  /**
   * A second step the email also asks for, below the main one: the newsletter confirmation
   * of an "also subscribe", so one email carries both.
   */
  extra?: { text: string; label: string; url: string };
  footnote?: string;
  brand?: EmailBrand;
  /** Why the person gets it: their registration, or an invitation (the footer's one reason). */
  reason?: string;
  /** Where they manage what this email is about (their registration page). */
  manage?: { label: string; url: string };
}

export function NoticeEmail({
  lang,
  preview,
  heading,
  paragraphs,
  action,
  details,
  qr,
  contact,
  extra,
  footnote,
  brand,
  reason,
  manage,
}: NoticeEmailProps) {
  return (
    <EmailLayout
      lang={lang}
      preview={preview}
      brand={brand}
      reason={reason}
      footer={
        manage ? (
          <Text style={{ ...styles.small, fontSize: 12, margin: "8px 0 0" }}>
            <Link href={manage.url}>{manage.label}</Link>
          </Text>
        ) : undefined
      }
    >
      <Heading style={styles.heading}>{heading}</Heading>
      {paragraphs.map((p) => (
        <Text key={p} style={styles.text}>
          {p}
        </Text>
      ))}
      {details?.length ? (
        <Section style={{ margin: "0 0 16px" }}>
          {details.map((d) => (
            <Text key={d.label} style={{ ...styles.text, margin: "0 0 4px" }}>
              <strong>{d.label}:</strong> {d.value}
            </Text>
          ))}
        </Section>
      ) : null}
      {action ? (
        <Button href={action.url} style={styles.button}>
          {action.label}
        </Button>
      ) : null}
      {qr ? (
        <Section style={{ margin: "24px 0 0" }}>
          <Text style={styles.small}>{qr.caption}</Text>
          {/* Plain table markup built by qrTable (src/lib/qr.ts), never user text; biome.json
              allows raw HTML in this template for it. */}
          <div dangerouslySetInnerHTML={{ __html: qr.html }} />
        </Section>
      ) : null}
      {action ? <Text style={styles.url}>{action.url}</Text> : null}
      {extra ? (
        <Section style={{ margin: "24px 0 0" }}>
          <Text style={styles.text}>{extra.text}</Text>
          <Link href={extra.url}>{extra.label}</Link>
          <Text style={styles.url}>{extra.url}</Text>
        </Section>
      ) : null}
      {contact ? (
        <Text style={styles.small}>
          {contact.before}
          <bdi>{contact.who}</bdi>
          {contact.after}
        </Text>
      ) : null}
      {footnote ? <Text style={styles.small}>{footnote}</Text> : null}
    </EmailLayout>
  );
}

NoticeEmail.PreviewProps = {
  lang: "ar",
  preview: "تم تأكيد تسجيلك",
  heading: "تم تأكيد تسجيلك",
  paragraphs: ["مرحباً ليلى، مكانك في الورشة محجوز."],
  action: { label: "إدارة التسجيل", url: "http://localhost:8787/r/preview" },
  details: [
    { label: "الموعد", value: "الأربعاء 3 أيار 2027، 10:00 – 16:30 (Europe/Istanbul)" },
    { label: "المكان", value: "إسطنبول" },
  ],
  qr: {
    html: qrTable("http://localhost:8787/admin/check-in/preview"),
    caption: "أظهر هذا الرمز عند الدخول.",
  },
  contact: { before: "للاستفسار، يُرجى الكتابة إلى ", who: "Amal <amal@example.org>", after: "." },
} satisfies NoticeEmailProps;

export default NoticeEmail;
