/** @jsxImportSource react */
import { Button, Heading, Text } from "@react-email/components";
import type { EmailBrand } from "../src/brand/brand";
import { dictionary, fill, type Lang } from "../src/i18n";
import { EmailLayout, styles } from "./components/layout";

export interface SignInEmailProps {
  lang: Lang;
  name: string;
  url: string;
  brand?: EmailBrand;
}

export function SignInEmail({ lang, name, url, brand }: SignInEmailProps) {
  const t = dictionary(lang).emails;
  return (
    <EmailLayout lang={lang} preview={t.signInSubject} brand={brand} reason={t.reasonSignIn}>
      <Heading style={styles.heading}>{t.signInHeading}</Heading>
      <Text style={styles.text}>{fill(t.signInIntro, { name })}</Text>
      <Button href={url} style={styles.button}>
        {t.signInButton}
      </Button>
      <Text style={styles.small}>{t.signInExpiry}</Text>
      <Text style={styles.url}>{url}</Text>
    </EmailLayout>
  );
}

SignInEmail.PreviewProps = {
  lang: "en",
  name: "Leila",
  url: "http://localhost:8787/admin/sign-in/preview-token",
} satisfies SignInEmailProps;

export default SignInEmail;
