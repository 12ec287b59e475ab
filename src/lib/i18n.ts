// Languages the public side speaks. Adding one (Turkish, say) means adding it here and a
// dictionary in ui/strings.ts; everything else reads from these.
export const LANGUAGES = ["en", "ar"] as const;
export type Lang = (typeof LANGUAGES)[number];

export const DEFAULT_LANG: Lang = "en";

const RTL: ReadonlySet<Lang> = new Set<Lang>(["ar"]);

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function dirOf(lang: Lang): "rtl" | "ltr" {
  return RTL.has(lang) ? "rtl" : "ltr";
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

/** The language a page offers to switch to. */
export function otherLang(lang: Lang): Lang {
  return lang === "ar" ? "en" : "ar";
}
