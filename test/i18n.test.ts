// The languages and their dictionaries. A new language is its dictionary plus one line in
// src/i18n/index.ts; these tests then hold it to English's shape without being edited.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_LANG,
  dictionary,
  fill,
  isLang,
  LANGS,
  LANGUAGES,
  otherLangs,
  pickLang,
  placeholders,
} from "../src/i18n";

/**
 * Every wording in a dictionary by its path ("notices.verify.subject"), with its
 * placeholders. A list of paragraphs counts as one wording: a translation may split
 * sentences differently, but it must carry the same values.
 */
function wordings(tree: unknown, path = ""): Map<string, string[]> {
  const found = new Map<string, string[]>();
  if (typeof tree === "string" || Array.isArray(tree)) {
    const texts: unknown[] = typeof tree === "string" ? [tree] : tree;
    for (const text of texts) {
      if (typeof text !== "string" || text.trim() === "")
        throw new Error(`${path}: expected non-empty text, got ${JSON.stringify(text)}`);
    }
    if (texts.length === 0) throw new Error(`${path}: an empty list`);
    const names = new Set((texts as string[]).flatMap(placeholders));
    found.set(path, [...names].sort());
    return found;
  }
  if (typeof tree !== "object" || tree === null)
    throw new Error(`${path}: expected text or a section, got ${JSON.stringify(tree)}`);
  for (const [key, value] of Object.entries(tree))
    for (const [p, names] of wordings(value, path ? `${path}.${key}` : key)) found.set(p, names);
  return found;
}

const english = wordings(dictionary("en"));
const translations = LANGUAGES.filter((l) => l.code !== "en");

describe("the language list", () => {
  it("has English, the default, and each code once", () => {
    expect(LANGS).toContain("en");
    expect(LANGS).toContain(DEFAULT_LANG);
    expect(new Set(LANGS).size).toBe(LANGS.length);
  });

  it.each(LANGUAGES)("declares $code completely", (language) => {
    // pickLang reads the first two letters of each Accept-Language tag.
    expect(language.code).toMatch(/^[a-z]{2}$/);
    expect(isLang(language.code)).toBe(true);
    expect(language.name.trim()).not.toBe("");
    expect(language.englishName.trim()).not.toBe("");
    expect(["ltr", "rtl"]).toContain(language.dir);
    expect(Intl.DateTimeFormat.supportedLocalesOf(language.locale)).toHaveLength(1);
    expect(dictionary(language.code)).toBe(language.dictionary);
    expect(pickLang(language.code, undefined, undefined)).toBe(language.code);
  });

  it("offers every other language, in the list's order, to switch to", () => {
    for (const lang of LANGS) {
      expect(otherLangs(lang)).toEqual(LANGS.filter((l) => l !== lang));
    }
  });

  it("knows nothing else", () => {
    for (const value of ["", "EN", "english", "constructor", "toString", undefined, 1]) {
      expect(isLang(value)).toBe(false);
    }
    expect(pickLang("xx", "yy", "fr-FR,de;q=0.8")).toBe(DEFAULT_LANG);
  });
});

describe.each(translations)("the $englishName dictionary", (language) => {
  const translated = wordings(language.dictionary);

  it("has every wording of the English one and no other", () => {
    expect([...translated.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it("keeps each wording's placeholders", () => {
    for (const [path, names] of english)
      expect(translated.get(path), `${language.code}: ${path}`).toEqual(names);
  });
});

it("tells a translation that lost a wording or a placeholder from a faithful one", () => {
  const faithful = structuredClone(dictionary("en"));
  expect(wordings(faithful)).toEqual(english);
  const lost = structuredClone(faithful) as { door: Partial<typeof faithful.door> };
  delete lost.door.already;
  expect([...wordings(lost).keys()]).not.toContain("door.already");
  const changed = structuredClone(faithful);
  changed.notices.verify.paragraphs = ["Hello, thank you for registering for “{title}”."];
  expect(wordings(changed).get("notices.verify.paragraphs")).not.toEqual(
    english.get("notices.verify.paragraphs"),
  );
});

describe("fill", () => {
  it("replaces each {name} with its value, and a missing one with nothing", () => {
    expect(fill("{n} places left, from {date}", { n: 3, date: "today" })).toBe(
      "3 places left, from today",
    );
    expect(fill("Hello {name}", {})).toBe("Hello ");
  });

  it("does not read placeholders inside the values it inserts", () => {
    expect(fill("{a} and {b}", { a: "{b}", b: "x" })).toBe("{b} and x");
  });

  it("lists a string's placeholders", () => {
    expect(placeholders("Hello {name}, “{title}”")).toEqual(["name", "title"]);
    expect(placeholders("No values here.")).toEqual([]);
  });
});
