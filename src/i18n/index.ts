// The languages the public side speaks, declared once with their dictionaries. Everything
// else (the language columns, the API's enums, page direction, date formats, the language
// switch, every word on a public page or in an email) reads from this list. Adding a
// language (Turkish, say) means writing its dictionary, src/i18n/tr.ts, shaped by en.ts,
// and adding its line here.

import { adminAr } from "./admin-ar";
import { type AdminDictionary, adminEn } from "./admin-en";
import { ar } from "./ar";
import { type Dictionary, en } from "./en";

export type { AdminDictionary } from "./admin-en";
export type { Dictionary, NoticeKind } from "./en";

export interface Language {
  code: string;
  /** The language's name in itself, as a visitor looks for it in a language switch. */
  name: string;
  /** Its name in English (for code and logs; the organisers' pages name it in itself). */
  englishName: string;
  dir: "ltr" | "rtl";
  /** BCP 47 locale for dates and numbers. */
  locale: string;
  dictionary: Dictionary;
  /** Every word of the organisers' pages, which each organiser reads in the language they choose. */
  admin: AdminDictionary;
}

export const LANGUAGES = [
  {
    code: "en",
    name: "English",
    englishName: "English",
    dir: "ltr",
    locale: "en-GB",
    dictionary: en,
    admin: adminEn,
  },
  {
    code: "ar",
    name: "العربية",
    englishName: "Arabic",
    dir: "rtl",
    locale: "ar",
    dictionary: ar,
    admin: adminAr,
  },
] as const satisfies readonly Language[];

export type Lang = (typeof LANGUAGES)[number]["code"];

/** The codes, in the list's order: for zod and drizzle enums, which want a non-empty tuple. */
export const LANGS = LANGUAGES.map((l) => l.code) as [Lang, ...Lang[]];

export const DEFAULT_LANG: Lang = "en";

const BY_CODE = Object.fromEntries(LANGUAGES.map((l) => [l.code, l])) as Record<Lang, Language>;

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && Object.hasOwn(BY_CODE, value);
}

export function languageOf(lang: Lang): Language {
  return BY_CODE[lang];
}

export function dirOf(lang: Lang): "rtl" | "ltr" {
  return BY_CODE[lang].dir;
}

/** How Arabic writes its digits: Latin (0-9) or Arabic-Indic (٠-٩); the ARABIC_DIGITS setting. */
export const ARABIC_DIGITS = ["latn", "arab"] as const;
export type ArabicDigits = (typeof ARABIC_DIGITS)[number];

/** The setting as written, or Latin digits (the default) for anything else. */
export const arabicDigitsFrom = (value: string | undefined): ArabicDigits =>
  value?.trim().toLowerCase() === "arab" ? "arab" : "latn";

// Module state, set from the setting whenever services are built (src/services.ts): every
// formatter takes only a language, and the setting is the deployment's, the same for every
// request an isolate serves, so it is a constant in practice, not per-request state.
let arabicDigits: ArabicDigits = "latn";

export function setArabicDigits(digits: ArabicDigits): void {
  arabicDigits = digits;
}

/**
 * The locale dates and numbers are formatted in. Arabic names its numbering system
 * explicitly: ICU versions (and browsers) differ in their default for plain "ar".
 */
export function localeOf(lang: Lang): string {
  const { locale } = BY_CODE[lang];
  return lang === "ar" ? `${locale}-u-nu-${arabicDigits}` : locale;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A count as this language writes it: "1,234", or "1٬234" with Arabic-Indic digits when set. */
export function formatNumber(n: number, lang: Lang): string {
  const locale = localeOf(lang);
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    numberFormats.set(locale, format);
  }
  return format.format(n);
}

/** Every word the site and its emails say in this language. */
export function dictionary(lang: Lang): Dictionary {
  return BY_CODE[lang].dictionary;
}

/** An admin dictionary with the language it is in, for the formatters a page calls. */
export type AdminWords = AdminDictionary & { lang: Lang };

const ADMIN_BY_CODE = Object.fromEntries(
  LANGUAGES.map((l) => [l.code, { ...l.admin, lang: l.code }]),
) as Record<Lang, AdminWords>;

/** Every word the organisers' pages say in this language (src/i18n/admin-en.ts). */
export function adminDictionary(lang: Lang): AdminWords {
  return ADMIN_BY_CODE[lang];
}

/** A language's name as the organisers' pages in `inLang` write it ("Arabic", "العربية"). */
export function languageNameIn(lang: Lang, inLang: Lang): string {
  return BY_CODE[inLang].admin.languageNames[lang];
}

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * A dictionary string with its `{name}` placeholders replaced by the values given; a
 * placeholder without a value becomes empty. Values are inserted as they are (pages and
 * emails escape them when they render).
 */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(PLACEHOLDER, (_, key: string) => String(values[key] ?? ""));
}

/**
 * An address, URL or file name set inside a sentence, isolated (U+2068 first-strong
 * isolate … U+2069) so it keeps its own order in a sentence of the other direction:
 * "(.ics)" in Arabic does not become "(ics.)", nor an address swap ends with the full stop.
 */
export const isolate = (text: string) => `\u2068${text}\u2069`;

/**
 * A left-to-right fragment (a code, a UTC time, a slug) filled into a sentence of `lang`:
 * isolated (U+2066 … U+2069) in a right-to-left language, as it is elsewhere.
 */
export const ltrIn = (lang: Lang, text: string) =>
  BY_CODE[lang].dir === "rtl" ? `\u2066${text}\u2069` : text;

/** The names of a string's placeholders, in order. */
export function placeholders(template: string): string[] {
  return Array.from(template.matchAll(PLACEHOLDER), (m) => m[1]!);
}

/**
 * The visitor's language: an explicit `?lang=` wins, then the `lang` cookie a previous
 * choice left, then the browser's Accept-Language, then English.
 */
export function pickLang(
  query: string | undefined,
  cookie: string | undefined,
  acceptLanguage: string | undefined,
): Lang {
  if (isLang(query)) return query;
  if (isLang(cookie)) return cookie;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim().slice(0, 2).toLowerCase();
    if (isLang(tag)) return tag;
  }
  return DEFAULT_LANG;
}

/** The languages a page offers to switch to: every one but its own, in the list's order. */
export function otherLangs(lang: Lang): Lang[] {
  return LANGS.filter((l) => l !== lang);
}
