// A workshop's own wording for some of its emails: per language and kind, plain text with
// paragraphs separated by blank lines and a few placeholders. The organiser's words replace
// the default paragraphs only; the heading, details, button, QR code and calendar file stay,
// so a custom text can never drop what the email is for. Not a participant's data: not sealed.
import { z } from "@hono/zod-openapi";
import type { EmailTexts } from "../db/schema";
import { LANGS, type Lang, placeholders } from "../i18n";

/** The emails whose wording an organiser may write. */
export const CUSTOM_TEXT_KINDS = ["confirmed", "reminder", "invitation"] as const;
export type CustomTextKind = (typeof CUSTOM_TEXT_KINDS)[number];

/** What a custom text may say between braces; anything else is refused when saved. */
export const TEXT_PLACEHOLDERS = ["name", "date", "venue", "title"] as const;
export type TextPlaceholder = (typeof TEXT_PLACEHOLDERS)[number];

export const EMAIL_TEXT_MAX = 2_000;

export type { EmailTexts };

/** The placeholders of a text that are not ones we fill, each once, in order. */
export function unknownPlaceholders(text: string): string[] {
  const known: readonly string[] = TEXT_PLACEHOLDERS;
  return [...new Set(placeholders(text).filter((p) => !known.includes(p)))];
}

export function unknownPlaceholderMessage(unknown: string[]): string {
  const listed = unknown.map((p) => `{${p}}`).join(", ");
  return `Unknown placeholder ${listed}: use {name}, {date}, {venue} or {title}.`;
}

const EmailText = z
  .string()
  .max(EMAIL_TEXT_MAX, `Keep each text under ${EMAIL_TEXT_MAX.toLocaleString("en")} characters.`)
  .superRefine((text, ctx) => {
    const unknown = unknownPlaceholders(text);
    if (unknown.length)
      ctx.addIssue({ code: "custom", message: unknownPlaceholderMessage(unknown) });
  });

export const EmailTextsSchema = z
  .partialRecord(z.enum(LANGS), z.partialRecord(z.enum(CUSTOM_TEXT_KINDS), EmailText))
  .nullable()
  .optional()
  .openapi({
    description:
      'The workshop\'s own wording for its confirmation, reminder and invitation emails, per language: `{ "en": { "confirmed": "…", "reminder": "…", "invitation": "…" }, "ar": { … } }`. Plain text, paragraphs separated by a blank line, at most 2,000 characters each. Placeholders: {name} (the recipient), {title}, {date} (the workshop\'s time), {venue} (the place, or, where the venue is private, when it will be shared). An empty or missing text keeps the default wording. null: none.',
  });

/** Only the texts that say something: an emptied box goes back to the default wording. */
export function cleanEmailTexts(texts: EmailTexts | null | undefined): EmailTexts | null {
  const kept: EmailTexts = {};
  for (const lang of LANGS) {
    for (const kind of CUSTOM_TEXT_KINDS) {
      const text = normaliseText(texts?.[lang]?.[kind] ?? "");
      if (text) kept[lang] = { ...kept[lang], [kind]: text };
    }
  }
  return Object.keys(kept).length ? kept : null;
}

/**
 * Line endings made one, invisible separators dropped (they delimit the per-recipient
 * placeholders in src/mail/render.ts: typed text must not fake one), blank-line runs made one.
 */
function normaliseText(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/[\u2063\u202A-\u202E\u2066-\u2069]/g, "")
    .replace(/\n[ \t]*\n\s*/g, "\n\n")
    .trim();
}

/** The organiser's text for this email, if there is one. */
export function customText(
  texts: EmailTexts | null | undefined,
  lang: Lang,
  kind: string,
): string | null {
  if (!(CUSTOM_TEXT_KINDS as readonly string[]).includes(kind)) return null;
  return texts?.[lang]?.[kind as CustomTextKind]?.trim() || null;
}

/**
 * A text's paragraphs with its placeholders filled; single line breaks stay in a paragraph.
 * A value that ends a sentence ("… on 3 May.") does not double the text's own full stop.
 */
export function textParagraphs(text: string, values: Record<TextPlaceholder, string>): string[] {
  const fillIn = (paragraph: string) =>
    paragraph.replace(/\{(\w+)\}/g, (match, key: string, at: number) => {
      if (!Object.hasOwn(values, key)) return match;
      const value = values[key as TextPlaceholder];
      const next = paragraph[at + match.length];
      return next && /[.。؛]/.test(next) && /[.]$/.test(value) ? value.slice(0, -1) : value;
    });
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map(fillIn);
}
