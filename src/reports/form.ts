// The report forms' values, mapped to the service's input.
import { DEFAULT_LANG, isLang, LANGS } from "../i18n";
import type { ReportInput } from "./service";

/**
 * The editor's fields (`en.title`, `ar.body`, `ar.state`, …): a version for each language
 * with a title. The state select always posts; a missing one (an old form) means ready.
 */
export function fromForm(body: Record<string, string>): ReportInput {
  const versions = LANGS.filter((lang) => body[`${lang}.title`]?.trim()).map((lang) => ({
    language: lang,
    title: body[`${lang}.title`]!,
    summary: body[`${lang}.summary`] || undefined,
    body: body[`${lang}.body`] ?? "",
    state: body[`${lang}.state`] === "draft" ? ("draft" as const) : ("ready" as const),
  }));
  return {
    defaultLanguage: isLang(body.defaultLanguage) ? body.defaultLanguage : DEFAULT_LANG,
    workshopId: body.workshopId || undefined,
    // Empty: made from the title for a new report, unchanged for an existing one.
    slug: body.slug?.trim() || undefined,
    versions,
  };
}

/** A `datetime-local` field read as UTC (the forms say so), or null when empty or malformed. */
export const utcFromForm = (value: unknown) =>
  typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)
    ? new Date(`${value}:00Z`)
    : null;
