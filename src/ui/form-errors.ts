// Field errors of admin forms in the organiser's language. The schemas are the API's, whose
// messages stay English (problem JSON); a form shown in another language explains each field
// from the error's kind, and from its known wording for the few rules that say more.
import type { z } from "@hono/zod-openapi";
import { type AdminDictionary, adminDictionary, DEFAULT_LANG, fill, type Lang } from "../i18n";

type Key = keyof AdminDictionary["formErrors"];

/** English messages of the schemas that have a wording of their own in the dictionary. */
const KNOWN: Record<string, Key> = {
  "Enter a date and time.": "dateTime",
  "Use the date and time picker.": "datePicker",
  "The end must come after the start.": "endAfterStart",
  "A venue revealed before the start must be private: set locationPrivate too.":
    "revealNeedsPrivate",
  "Enter the contact's email address.": "contactEmail",
  "Enter an email address.": "email",
  "Please correct the fields marked below.": "summary",
  "Give the session a title in at least one language.": "sessionTitle",
  "The session must end after it starts.": "sessionEndAfterStart",
  "Choose a participant or type a name.": "sessionPerson",
  "Choose a participant or type a name, not both.": "sessionPersonNotBoth",
  "Choose one of this workshop's confirmed participants.": "sessionParticipant",
  "Word the question in at least one language.": "questionWording",
  "Ask at least one question.": "questionsMin",
};

/** A message already written in English by a form (not a schema), with its values. */
const PATTERNS: [RegExp, Key][] = [
  [/^Choose a time zone from the list, e\.g\. (?<example>.+)\.$/, "timeZone"],
  [/^Line (?<n>\d+) is not understood\.$/, "questionLine"],
  [/^Line (?<n>\d+): a choice needs options/, "questionChoices"],
  [/^Ask at most (?<max>\d+) questions\.$/, "questionsMax"],
];

/** An English form message in `lang`: its own wording when known, else left as it is. */
export function formMessage(message: string, lang: Lang): string {
  if (lang === DEFAULT_LANG) return message;
  const t = adminDictionary(lang).formErrors;
  const known = KNOWN[message];
  if (known) return t[known];
  for (const [pattern, key] of PATTERNS) {
    const m = pattern.exec(message);
    if (m) return fill(t[key], { ...m.groups });
  }
  return message;
}

/** A schema issue in `lang`: English keeps the schema's own message. */
export function issueMessage(issue: z.core.$ZodIssue, lang: Lang): string {
  if (lang === DEFAULT_LANG) return issue.message;
  const t = adminDictionary(lang).formErrors;
  // A schema a page built with its own dictionary's words already speaks the language.
  if (Object.values(adminDictionary(lang)).some((section) => ownWording(section, issue.message)))
    return issue.message;
  const known = KNOWN[issue.message];
  if (known) return t[known];
  switch (issue.code) {
    case "too_big":
      return issue.origin === "string"
        ? fill(t.tooLong, { max: String(issue.maximum) })
        : fill(t.tooBig, { max: String(issue.maximum) });
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) <= 1) return t.required;
      return issue.origin === "string"
        ? fill(t.tooShort, { min: String(issue.minimum) })
        : fill(t.tooSmall, { min: String(issue.minimum) });
    case "invalid_format":
      if (issue.format === "email") return t.email;
      if (issue.format === "url") return t.url;
      if (issue.format === "regex") return t.slug;
      return t.invalid;
    case "invalid_value":
      return t.choice;
    case "invalid_type":
      return issue.expected === "number" || issue.expected === "int" ? t.number : t.required;
    default:
      return t.invalid;
  }
}

/** Every message of a form's errors in `lang`. */
export function localiseErrors(errors: Record<string, string>, lang: Lang): Record<string, string> {
  if (lang === DEFAULT_LANG) return errors;
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, formMessage(v, lang)]));
}

/** Whether `message` is one of a dictionary section's strings. */
function ownWording(section: unknown, message: string): boolean {
  return (
    typeof section === "object" &&
    section !== null &&
    Object.values(section).some((v) => v === message || ownWording(v, message))
  );
}
