// The IANA time zones an organiser picks from, with their local names, and what a typed
// place ("Beirut") means: organisers think in cities, Intl in "Asia/Beirut".
import { type Lang, localeOf } from "../i18n";

/** The IANA areas a city sits under, for a city the runtime's list spells another way. */
const AREAS = [
  "Africa",
  "America",
  "Antarctica",
  "Asia",
  "Atlantic",
  "Australia",
  "Europe",
  "Indian",
  "Pacific",
];

let zones: string[] | undefined;

/** Every zone the runtime knows (ICU's list, with UTC), sorted; built once per isolate. */
export function timeZones(): string[] {
  zones ??= [...new Set([...Intl.supportedValuesOf("timeZone"), "UTC"])].sort();
  return zones;
}

/** The zone's own spelling ("asia/beirut" → "Asia/Beirut"), or null when Intl refuses it. */
function canonical(value: string): string | null {
  try {
    return new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** "São Paulo", "new york", "Dar es Salaam" → the city part of a zone: "Sao_Paulo", … */
const cityKey = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .trim()
    .replace(/[\s_-]+/g, "_")
    .toLowerCase();

/**
 * What an organiser typed as a time zone or a city, as an IANA zone: the zone itself in any
 * case ("asia/beirut"), or a city that names one ("Beirut" → "Asia/Beirut"). Null when
 * nothing matches: the form then asks to choose from the list.
 */
export function resolveTimeZone(input: string): string | null {
  const text = input.trim();
  if (!text || text.length > 100) return null;
  const exact = canonical(text);
  if (exact) return exact;
  const city = cityKey(text);
  if (!city || city.includes("/")) return null;
  const named = timeZones().find((z) => cityKey(z.split("/").pop() ?? "") === city);
  if (named) return named;
  // A current spelling ICU lists under an older one (Kolkata, listed as Calcutta).
  const spelled = city.replace(/(^|_)\p{L}/gu, (m) => m.toUpperCase());
  for (const area of AREAS) {
    const zone = canonical(`${area}/${spelled}`);
    if (zone) return zone;
  }
  return null;
}

/** The zone's name as people say it ("Eastern European Time", "توقيت شرق أوروبا"). */
export function timeZoneName(zone: string, lang: Lang): string {
  try {
    return (
      new Intl.DateTimeFormat(localeOf(lang), { timeZone: zone, timeZoneName: "longGeneric" })
        .formatToParts(new Date())
        .find((p) => p.type === "timeZoneName")?.value ?? zone
    );
  } catch {
    return zone;
  }
}

const choices = new Map<Lang, { value: string; label: string }[]>();

/** Every zone with a label for a picker: "Beirut · Eastern European Time". */
export function timeZoneChoices(lang: Lang): { value: string; label: string }[] {
  let found = choices.get(lang);
  if (!found) {
    found = timeZones().map((zone) => ({
      value: zone,
      label: `${(zone.split("/").pop() ?? zone).replaceAll("_", " ")} · ${timeZoneName(zone, lang)}`,
    }));
    choices.set(lang, found);
  }
  return found;
}

/**
 * Arabic names of the cities whose zones the centres using this most often meet in. Other
 * zones are named by Intl («توقيت شرق أوروبا»), which cannot name a city.
 */
const CITY_AR: Record<string, string> = {
  "Africa/Algiers": "الجزائر",
  "Africa/Cairo": "القاهرة",
  "Africa/Casablanca": "الدار البيضاء",
  "Africa/Khartoum": "الخرطوم",
  "Africa/Tripoli": "طرابلس",
  "Africa/Tunis": "تونس",
  "Asia/Aden": "عدن",
  "Asia/Amman": "عمّان",
  "Asia/Baghdad": "بغداد",
  "Asia/Bahrain": "البحرين",
  "Asia/Beirut": "بيروت",
  "Asia/Damascus": "دمشق",
  "Asia/Dubai": "دبي",
  "Asia/Gaza": "غزة",
  "Asia/Hebron": "الخليل",
  "Asia/Jerusalem": "القدس",
  "Asia/Kuwait": "الكويت",
  "Asia/Muscat": "مسقط",
  "Asia/Qatar": "الدوحة",
  "Asia/Riyadh": "الرياض",
  "Asia/Tehran": "طهران",
  "Europe/Berlin": "برلين",
  "Europe/Brussels": "بروكسل",
  "Europe/Istanbul": "إسطنبول",
  "Europe/London": "لندن",
  "Europe/Paris": "باريس",
  "Europe/Zurich": "زيورخ",
  "America/New_York": "نيويورك",
};

/**
 * A zone as people say it after a time: "Beirut time", «بتوقيت بيروت»; UTC as itself. The
 * city comes from the zone's own name (in Arabic from CITY_AR, else Intl's generic name).
 */
export function localTimeName(zone: string, lang: Lang): string {
  if (zone === "UTC" || zone === "Etc/UTC") return "UTC";
  const city = zone.split("/").pop()!.replace(/_/g, " ");
  if (lang === "ar") return CITY_AR[zone] ? `بتوقيت ${CITY_AR[zone]}` : timeZoneName(zone, lang);
  return zone.includes("/") ? `${city} time` : timeZoneName(zone, lang);
}
