/** @jsxImportSource react */
// The feedback survey after a workshop: a few lines, one button to the person's own survey
// link, and a footer that says why they get it. Rendered once per language; the name and the
// link are placeholders the consumer fills in per recipient.
import { Button, Heading, Text } from "@react-email/components";
import type { EmailBrand } from "../src/brand/brand";
import type { Lang } from "../src/i18n";
import { EmailLayout, styles } from "./components/layout";

export interface FeedbackEmailProps {
  lang: Lang;
  preview: string;
  heading: string;
  paragraphs: string[];
  action: { label: string; url: string };
  /** How long the link works. */
  note: string;
  /** Why the person gets it: they took part in the workshop (the footer's one reason). */
  reason: string;
  brand?: EmailBrand;
}

export function FeedbackEmail({
  lang,
  preview,
  heading,
  paragraphs,
  action,
  note,
  reason,
  brand,
}: FeedbackEmailProps) {
  return (
    <EmailLayout lang={lang} preview={preview} brand={brand} reason={reason}>
      <Heading style={styles.heading}>{heading}</Heading>
      {paragraphs.map((p) => (
        <Text key={p} style={styles.text}>
          {p}
        </Text>
      ))}
      <Button href={action.url} style={styles.button}>
        {action.label}
      </Button>
      <Text style={styles.small}>{note}</Text>
      <Text style={styles.url}>{action.url}</Text>
    </EmailLayout>
  );
}

FeedbackEmail.PreviewProps = {
  lang: "ar",
  preview: "رأيك في حوار إقليمي",
  heading: "كيف كانت الورشة؟",
  paragraphs: [
    "مرحباً ليلى، شكراً لمشاركتك في «حوار إقليمي».",
    "هل تخبرنا كيف كانت؟ لن يستغرق ذلك أكثر من دقيقتين.",
  ],
  action: { label: "الإجابة عن الاستبيان", url: "http://localhost:8787/f/preview" },
  note: "يعمل الرابط لمدة 30 يوماً.",
  reason: "تصلك هذه الرسالة لأنك شاركت في «حوار إقليمي».",
} satisfies FeedbackEmailProps;

export default FeedbackEmail;
