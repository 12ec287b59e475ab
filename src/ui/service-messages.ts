// Refusals from the services on admin pages in the organiser's language. A service says why
// it refused in English (the API's problem details carry it as it is); an admin page that
// shows one (a notice after a form, an error page) finds its wording here by the English
// text, and shows the English when it has none.
import { type AdminDictionary, adminDictionary, DEFAULT_LANG, type Lang } from "../i18n";

type Key = keyof AdminDictionary["serviceErrors"];

// The English dictionary holds the services' wording, so this table is built from it.
const BY_ENGLISH = new Map<string, Key>(
  Object.entries(adminDictionary(DEFAULT_LANG).serviceErrors).map(([key, english]) => [
    english,
    key as Key,
  ]),
);

/** A service's English message in `lang`, when the admin dictionary words it. */
export function serviceMessage(message: string, lang: Lang): string {
  if (lang === DEFAULT_LANG) return message;
  const key = BY_ENGLISH.get(message);
  return key ? adminDictionary(lang).serviceErrors[key] : message;
}
