// Instants are stored in UTC; each workshop has an IANA time zone for display.
import { type Lang, localeOf } from "../i18n";
import { localTimeName } from "./time-zones";

// Building an Intl.DateTimeFormat costs far more than using one: keep them per isolate.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, found);
  }
  return found;
}

export function isTimeZone(value: string): boolean {
  try {
    formatter("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** "Wednesday, 3 May 2023, 10:00 – 16:30 (Istanbul time)" in the workshop's zone. */
export function formatRange(start: Date, end: Date, timeZone: string, lang: Lang): string {
  const day = formatter(localeOf(lang), {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  const time = formatter(localeOf(lang), {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
  const sameDay = day.format(start) === day.format(end);
  // Arabic takes its own comma between the day and the hours.
  const comma = lang === "ar" ? "، " : ", ";
  const range = sameDay
    ? `${day.format(start)}${comma}${time.format(start)} – ${time.format(end)}`
    : `${day.format(start)} ${time.format(start)} – ${day.format(end)} ${time.format(end)}`;
  return `${range} (${localTimeName(timeZone, lang)})`;
}

/** "Wednesday, 3 May 2023, 10:00 (Europe/Istanbul)": one instant in the workshop's zone. */
export function formatInstant(instant: Date, timeZone: string, lang: Lang): string {
  const when = formatter(localeOf(lang), {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
  return `${when.format(instant)} (${timeZone})`;
}

function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** "2027-05-03T10:00" as wall-clock time in `timeZone` → the UTC instant (DST-aware). */
export function zonedLocalToUtc(local: string, timeZone: string): Date | null {
  const m = local.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let guess = wall - zoneOffsetMs(wall, timeZone);
  guess = wall - zoneOffsetMs(guess, timeZone);
  return new Date(guess);
}

/** The instant as "YYYY-MM-DDTHH:mm" wall-clock time in `timeZone`, for datetime-local inputs. */
export function utcToZonedLocal(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + zoneOffsetMs(instant.getTime(), timeZone));
  return shifted.toISOString().slice(0, 16);
}

/** The hour and minute of an instant on the clock of `timeZone` (24-hour, Latin digits). */
export function clockTime(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(instant);
}
