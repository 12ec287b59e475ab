// The organisation the platform speaks for: its name (per language), logo and postal
// address, from settings (ORG_NAME, ORG_NAME_AR, ORG_LOGO_URL, ORG_ADDRESS; README,
// "Configuration"). Shown in every page header and email, and the display name every email
// is sent under. Unset, the name is the site's own ("Workshops" / «ورشات العمل»).
import { getContext } from "hono/context-storage";
import { dictionary, LANGS, type Lang } from "../i18n";

export interface Brand {
  name: Record<Lang, string>;
  /**
   * Absolute URL of the logo, on this site only: pages load images from the site alone (the
   * CSP), and a logo elsewhere would tell its host who opens each email and when.
   */
  logoUrl: string | null;
  /** The postal address, lines kept; null when none is set. */
  address: string | null;
}

export interface BrandSettings {
  ORG_NAME?: string;
  ORG_NAME_AR?: string;
  ORG_LOGO_URL?: string;
  ORG_ADDRESS?: string;
}

/** A settings value, trimmed; empty is unset. Control characters never reach a header. */
function setting(value: string | undefined, max: number): string | null {
  const clean = (value ?? "").replace(/[^\P{Cc}\n]/gu, "").trim();
  return clean ? clean.slice(0, max) : null;
}

/** The logo as an absolute URL: a path is taken on APP_URL; anything but http(s) is ignored. */
function logoOf(value: string | null, appUrl: string): { url: string | null; sameSite: boolean } {
  if (!value) return { url: null, sameSite: false };
  try {
    const url = new URL(value, `${appUrl}/`);
    if (url.protocol !== "https:" && url.protocol !== "http:")
      return { url: null, sameSite: false };
    return { url: url.href, sameSite: url.origin === new URL(appUrl).origin };
  } catch {
    return { url: null, sameSite: false };
  }
}

export function brandFrom(env: BrandSettings, appUrl: string): Brand {
  const en = setting(env.ORG_NAME, 120);
  const ar = setting(env.ORG_NAME_AR, 120);
  const name = Object.fromEntries(
    LANGS.map((lang) => [
      lang,
      (lang === "ar" ? (ar ?? en) : (en ?? ar)) ?? dictionary(lang).ui.siteName,
    ]),
  ) as Record<Lang, string>;
  const logo = logoOf(setting(env.ORG_LOGO_URL, 500), appUrl);
  return {
    name,
    logoUrl: logo.sameSite ? logo.url : null,
    address: setting(env.ORG_ADDRESS, 300)?.replace(/\r\n?/g, "\n") ?? null,
  };
}

/**
 * The From header: the organisation's name with MAIL_FROM's address when ORG_NAME is set,
 * else MAIL_FROM as it is. The name is quoted, so a comma or an Arabic name stays one name.
 */
export function senderOf(mailFrom: string, orgName: string | undefined): string {
  const name = setting(orgName, 120);
  if (!name) return mailFrom;
  const address = mailFrom.match(/<([^<>]+)>\s*$/)?.[1] ?? mailFrom.trim();
  return `"${name.replace(/["\\]/g, "")}" <${address}>`;
}

/** What an email shows of the organisation, in the email's language (stored with its props). */
export interface EmailBrand {
  name: string;
  logoUrl: string | null;
  address: string | null;
}

export function emailBrand(brand: Brand, lang: Lang): EmailBrand {
  return { name: brand.name[lang], logoUrl: brand.logoUrl, address: brand.address };
}

/**
 * The organisation of the request being answered, for the page layout (src/ui/layout.tsx),
 * which every page renders without being handed it: set by the request context middleware,
 * read through Hono's context storage (AsyncLocalStorage). Null outside a request.
 */
export function currentBrand(): Brand | null {
  try {
    return (getContext().var as { brand?: Brand }).brand ?? null;
  } catch {
    return null;
  }
}
