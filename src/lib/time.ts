// Instants are stored in UTC; each workshop has an IANA time zone for display.
import type { Lang } from "./i18n";

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const LOCALE: Record<Lang, string> = { en: "en-GB", ar: "ar" };

/** "Wednesday 3 May 2023, 10:00 – 16:30 (Europe/Istanbul)" in the workshop's zone. */
export function formatRange(start: Date, end: Date, timeZone: string, lang: Lang): string {
  const day = new Intl.DateTimeFormat(LOCALE[lang], {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  const time = new Intl.DateTimeFormat(LOCALE[lang], {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
  const sameDay = day.format(start) === day.format(end);
  const range = sameDay
    ? `${day.format(start)}, ${time.format(start)} – ${time.format(end)}`
    : `${day.format(start)} ${time.format(start)} – ${day.format(end)} ${time.format(end)}`;
  return `${range} (${timeZone})`;
}
