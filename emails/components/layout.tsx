/** @jsxImportSource react */
import {
  Body,
  Container,
  Head,
  Hr,
  Html,
  Img,
  Preview,
  Section,
  Text,
} from "@react-email/components";
import type { ReactNode } from "react";
import type { EmailBrand } from "../../src/brand/brand";
import { dictionary, dirOf, type Lang } from "../../src/i18n";

export interface EmailLayoutProps {
  lang: Lang;
  preview: string;
  children: ReactNode;
  /** The organisation: its name or logo on top, its postal address at the foot. */
  brand?: EmailBrand;
  /**
   * Why this person gets this email (their registration, an invitation, the newsletter's
   * topics): the footer's one reason. Without it, a general line says so.
   */
  reason?: ReactNode;
  /** Extra footer lines (a link to manage preferences, for instance). */
  footer?: ReactNode;
}

const footText = { color: "#71717a", fontSize: 12, lineHeight: "18px", margin: 0 } as const;

const fontStack =
  "-apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Naskh Arabic', Tahoma, Arial, sans-serif";

export function EmailLayout({ lang, preview, children, brand, reason, footer }: EmailLayoutProps) {
  const dir = dirOf(lang);
  return (
    <Html lang={lang} dir={dir}>
      <Head>
        {/* Without it, phone mail apps lay the email out at desktop width and shrink it. */}
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </Head>
      <Preview>{preview}</Preview>
      <Body
        style={{ backgroundColor: "#f4f4f5", fontFamily: fontStack, margin: 0, padding: "24px 0" }}
      >
        <Container
          style={{
            backgroundColor: "#ffffff",
            borderRadius: 8,
            padding: "32px",
            maxWidth: 560,
            textAlign: dir === "rtl" ? "right" : "left",
          }}
          dir={dir}
        >
          {brand ? (
            <Section style={{ margin: "0 0 24px" }}>
              {brand.logoUrl ? (
                <Img src={brand.logoUrl} alt={brand.name} height={40} style={{ height: 40 }} />
              ) : (
                <Text style={{ ...footText, fontSize: 14, fontWeight: 600, color: "#3f3f46" }}>
                  {brand.name}
                </Text>
              )}
            </Section>
          ) : null}
          {children}
          <Hr style={{ borderColor: "#e4e4e7", margin: "32px 0 16px" }} />
          <Section>
            <Text style={footText}>{reason ?? dictionary(lang).emails.footer}</Text>
            {footer}
            {brand ? (
              <Text style={{ ...footText, margin: "8px 0 0" }}>
                {/* Each line isolated, so "12 Hamra Street" keeps its order in an Arabic email. */}
                <span dir="auto">{brand.name}</span>
                {brand.address?.split("\n").map((line) => (
                  <span key={line}>
                    <br />
                    <span dir="auto">{line}</span>
                  </span>
                ))}
              </Text>
            ) : null}
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

export const styles = {
  heading: { fontSize: 22, lineHeight: "30px", margin: "0 0 16px", color: "#18181b" },
  text: { fontSize: 15, lineHeight: "24px", color: "#27272a", margin: "0 0 16px" },
  small: { fontSize: 13, lineHeight: "20px", color: "#52525b", margin: "16px 0 0" },
  // A link written out: a signed token has no place to break, and would widen the email
  // past a phone's screen. Left to right, even in an Arabic email.
  url: {
    fontSize: 13,
    lineHeight: "20px",
    color: "#52525b",
    margin: "16px 0 0",
    wordBreak: "break-all",
    direction: "ltr",
  },
  button: {
    backgroundColor: "#1d4ed8",
    borderRadius: 6,
    color: "#ffffff",
    display: "inline-block",
    fontSize: 15,
    fontWeight: 600,
    padding: "12px 20px",
    textDecoration: "none",
  },
} as const;
