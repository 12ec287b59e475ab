// A workshop's confidentiality rule (the Chatham House Rule, "no recording"): the organiser's
// own wording per language, and whether registering needs a ticked acknowledgement of it.
// The registration keeps when it was ticked and a short hash of the words shown, so an
// organiser who later edits the rule can tell who accepted which version.
import { z } from "@hono/zod-openapi";
import type { Confidentiality } from "../db/schema";
import { LANGS, type Lang } from "../i18n";

export type { Confidentiality };

export const CONFIDENTIALITY_MAX = 1_000;

export const ConfidentialitySchema = z
  .partialRecord(
    z.enum(LANGS),
    z
      .string()
      .max(
        CONFIDENTIALITY_MAX,
        `Keep the wording under ${CONFIDENTIALITY_MAX.toLocaleString("en")} characters.`,
      ),
  )
  .nullable()
  .optional()
  .openapi({
    description:
      'The workshop\'s confidentiality rule in the organiser\'s words, per language: `{ "en": "…", "ar": "…" }`, at most 1,000 characters each. Shown on the public page and at registration (in the reader\'s language, else the other one). null or empty: none.',
  });

/** Only the languages that say something; null when none does. */
export function cleanConfidentiality(
  texts: Confidentiality | null | undefined,
): Confidentiality | null {
  const kept: Confidentiality = {};
  for (const lang of LANGS) {
    const text = (texts?.[lang] ?? "").normalize("NFC").replace(/\r\n?/g, "\n").trim();
    if (text) kept[lang] = text;
  }
  return Object.keys(kept).length ? kept : null;
}

/** The wording shown to a reader of `lang`, falling back to another language; with its own. */
export function confidentialityWording(
  workshop: { confidentiality: Confidentiality | null },
  lang: Lang,
): { text: string; lang: Lang } | null {
  const texts = workshop.confidentiality;
  for (const l of [lang, ...LANGS.filter((x) => x !== lang)]) {
    const text = texts?.[l]?.trim();
    if (text) return { text, lang: l };
  }
  return null;
}

/** Whether registering needs the box ticked: required and there is wording to show. */
export function needsAcknowledgement(
  workshop: { confidentiality: Confidentiality | null; confidentialityRequired: boolean },
  lang: Lang,
): boolean {
  return workshop.confidentialityRequired && confidentialityWording(workshop, lang) !== null;
}

/** Which wording was acknowledged: the first 12 hex digits of its SHA-256. */
export async function wordingHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 6)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/**
 * The acknowledgement to store with a new registration, or a missing-tick error (null
 * columns when the workshop asks none). `ticked`: the box, as posted.
 */
export async function acknowledgement(
  workshop: { confidentiality: Confidentiality | null; confidentialityRequired: boolean },
  lang: Lang,
  ticked: boolean,
  now: Date,
): Promise<
  { ok: true; acknowledgedAt: Date | null; acknowledgedHash: string | null } | { ok: false }
> {
  const wording = confidentialityWording(workshop, lang);
  if (!wording || !ticked) {
    if (wording && workshop.confidentialityRequired) return { ok: false };
    return { ok: true, acknowledgedAt: null, acknowledgedHash: null };
  }
  return { ok: true, acknowledgedAt: now, acknowledgedHash: await wordingHash(wording.text) };
}
