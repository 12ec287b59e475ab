// The report forms' values, mapped to the service's input.
import { DEFAULT_LANG, isLang, LANGS } from "../i18n";
import { zonedLocalToUtc } from "../lib/time";
import { resolveTimeZone } from "../lib/time-zones";
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

/**
 * A `datetime-local` field and its zone field (src/reports/zoned-time.tsx), read as the instant
 * that wall-clock time is in that zone. An empty or malformed time is no time (the field is
 * optional); an empty zone is UTC; a zone that names nothing is an error to explain, never
 * a guess.
 */
export function zonedFromForm(
  value: unknown,
  zoneInput: unknown,
): { ok: true; instant: Date | null; zone: string } | { ok: false; error: string } {
  const typed = typeof zoneInput === "string" ? zoneInput.trim() : "";
  const zone = !typed || /^(utc|etc\/utc|gmt)$/i.test(typed) ? "UTC" : resolveTimeZone(typed);
  if (!zone)
    return {
      ok: false,
      error: `"${typed.slice(0, 60)}" is not a time zone: type a city or a zone and choose from the list, e.g. Asia/Beirut.`,
    };
  const local = typeof value === "string" ? value : "";
  return { ok: true, instant: zonedLocalToUtc(local, zone), zone };
}
