import { type SQL, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";

// Slugs: the address part of a public page, made from a title. Arabic titles are
// transliterated letter by letter (a small, readable table, not a scholarly system), so an
// Arabic workshop gets /workshops/mwtmr-altaqa rather than a random string.

/** A slug: lowercase ASCII letters and digits in words joined by single dashes. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MAX = 80;
/** Slugs made from titles stop at a word boundary before this length. */
const MADE_MAX = 60;

/**
 * Arabic (and the Persian/Urdu letters Arabic titles borrow) to Latin. Hamza carriers but إ reach
 * this table already bare (NFKD splits أ into ا and a combining hamza, which is dropped); ء and
 * ع are dropped. و and ي are consonants at the start of a word and vowels inside it.
 */
const ARABIC: Record<string, string> = {
  ا: "a",
  ٱ: "a",
  ب: "b",
  ت: "t",
  ث: "th",
  ج: "j",
  ح: "h",
  خ: "kh",
  د: "d",
  ذ: "dh",
  ر: "r",
  ز: "z",
  س: "s",
  ش: "sh",
  ص: "s",
  ض: "d",
  ط: "t",
  ظ: "z",
  ع: "",
  غ: "gh",
  ف: "f",
  ق: "q",
  ك: "k",
  ل: "l",
  م: "m",
  ن: "n",
  ه: "h",
  ة: "a",
  ى: "a",
  ء: "",
  پ: "p",
  چ: "ch",
  ژ: "zh",
  گ: "g",
  ک: "k",
  ی: "y",
};
const WORD_START: Record<string, string> = { و: "w", ي: "y" };
const WORD_INSIDE: Record<string, string> = { و: "u", ي: "i" };

/** Harakat, Quranic marks, superscript alef, tatweel and combining Latin accents. */
const MARKS = /[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;

function transliterate(text: string): string {
  let out = "";
  let previous = " ";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    // Arabic-Indic (٠–٩) and Persian (۰–۹) digits.
    if (code >= 0x0660 && code <= 0x0669) out += String(code - 0x0660);
    else if (code >= 0x06f0 && code <= 0x06f9) out += String(code - 0x06f0);
    else if (char in WORD_START)
      out += (/[\p{L}\p{N}]/u.test(previous) ? WORD_INSIDE : WORD_START)[char];
    else out += ARABIC[char] ?? char;
    previous = char;
  }
  return out;
}

/** A slug made from a title: "" when nothing usable is left (the caller falls back to an id). */
export function slugify(title: string): string {
  // إ is read "i": done before NFKD, which would leave a bare ا ("a").
  const words = transliterate(
    title
      .replace(/\u0625/g, "i")
      .normalize("NFKD")
      .replace(MARKS, ""),
  )
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (words.length <= MADE_MAX) return words;
  const cut = words.slice(0, MADE_MAX + 1);
  const boundary = cut.lastIndexOf("-");
  return (boundary > 20 ? cut.slice(0, boundary) : cut.slice(0, MADE_MAX)).replace(/-+$/, "");
}

/** `base` if free, else the first free of base-2, base-3, …, given the slugs already taken. */
export function freeSlug(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let n = 1;
  while (used.has(n === 1 ? base : `${base}-${n}`)) n++;
  return n === 1 ? base : `${base}-${n}`;
}

/**
 * `base` and its numbered variants, as SQL on a slug column: the range of strings that start
 * with `base-` ("." follows "-" in ASCII). Not LIKE: D1 refuses LIKE patterns over 50 bytes,
 * and slugs made from titles reach 60; a range also uses the column's unique index.
 */
export function slugFamily(column: AnySQLiteColumn, base: string): SQL {
  return sql`(${column} = ${base} OR (${column} >= ${`${base}-`} AND ${column} < ${`${base}.`}))`;
}
