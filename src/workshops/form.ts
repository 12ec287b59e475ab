// The admin workshop form ↔ the API's workshop input. The form speaks wall-clock times in
// the workshop's zone and one question per line; the API and service speak instants and
// objects. Validation is the API's own schema, its messages mapped back to form fields.
import type { WorkshopQuestion } from "../db/schema";
import { DEFAULT_LANG, LANGS, type Lang } from "../i18n";
import { utcToZonedLocal, zonedLocalToUtc } from "../lib/time";
import { resolveTimeZone } from "../lib/time-zones";
import { formMessage, issueMessage } from "../ui/form-errors";
import type { Confidentiality } from "./confidentiality";
import { CUSTOM_TEXT_KINDS, type EmailTexts } from "./email-texts";
import { CreateWorkshopSchema } from "./schemas";
import type { Workshop } from "./types";

export type FormValues = Record<string, string>;

/**
 * One question per line: `type: label` with `*` for required and `= a | b` for choices,
 * e.g. `choice: Dietary needs * = None | Vegetarian | Vegan`. The type defaults to text.
 */
export function parseQuestions(text: string): { questions: WorkshopQuestion[]; error?: string } {
  const questions: WorkshopQuestion[] = [];
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const m = line.match(/^(?:(text|choice|checkbox)\s*:\s*)?(.+?)(\s\*)?(?:\s*=\s*(.+))?$/);
    if (!m) return { questions, error: `Line ${i + 1} is not understood.` };
    const type = (m[1] ?? "text") as WorkshopQuestion["type"];
    const options = m[4]
      ?.split("|")
      .map((o) => o.trim())
      .filter(Boolean);
    if (type === "choice" && (options?.length ?? 0) < 2)
      return {
        questions,
        error: `Line ${i + 1}: a choice needs options after "=", separated by "|".`,
      };
    questions.push({
      id: `q${i + 1}`,
      label: m[2]!.trim(),
      type,
      required: Boolean(m[3]),
      ...(type === "choice" ? { options } : {}),
    });
  }
  return { questions };
}

export function formatQuestions(questions: WorkshopQuestion[]): string {
  return questions
    .map(
      (q) =>
        `${q.type}: ${q.label}${q.required ? " *" : ""}${q.options?.length ? ` = ${q.options.join(" | ")}` : ""}`,
    )
    .join("\n");
}

/** The form field of one email text: `emailText_en_confirmed`. */
export const emailTextField = (lang: string, kind: string) => `emailText_${lang}_${kind}`;

/** The email texts typed in the form; undefined when the form has none of their fields. */
function emailTextsFrom(values: FormValues): EmailTexts | undefined {
  if (!Object.keys(values).some((k) => k.startsWith("emailText_"))) return undefined;
  const texts: EmailTexts = {};
  for (const lang of LANGS)
    for (const kind of CUSTOM_TEXT_KINDS) {
      const text = values[emailTextField(lang, kind)];
      if (text?.trim()) texts[lang] = { ...texts[lang], [kind]: text };
    }
  return texts;
}

function emailTextsTo(texts: EmailTexts | null): FormValues {
  const values: FormValues = {};
  for (const lang of LANGS)
    for (const kind of CUSTOM_TEXT_KINDS)
      values[emailTextField(lang, kind)] = texts?.[lang]?.[kind] ?? "";
  return values;
}

/** The form field of the confidentiality wording in one language: `confidentiality_ar`. */
export const confidentialityField = (lang: string) => `confidentiality_${lang}`;

/** The wording typed in the form; undefined when the form has none of its fields. */
function confidentialityFrom(values: FormValues): Confidentiality | undefined {
  if (!LANGS.some((l) => confidentialityField(l) in values)) return undefined;
  const texts: Confidentiality = {};
  for (const lang of LANGS) {
    const text = values[confidentialityField(lang)];
    if (text?.trim()) texts[lang] = text;
  }
  return texts;
}

/** The form field a schema issue belongs to. */
function fieldOf(path: string[]): string {
  const joined = path.join(".");
  if (path[0] === "emailTexts" && path.length >= 3) return emailTextField(path[1]!, path[2]!);
  if (path[0] === "confidentiality" && path.length >= 2) return confidentialityField(path[1]!);
  return FIELD_OF[joined] ?? path[0] ?? "_form";
}

const FIELD_OF: Record<string, string> = {
  "venue.name": "venueName",
  "venue.address": "venueAddress",
  "venue.city": "venueCity",
  "contact.name": "contactName",
  "contact.email": "contactEmail",
};

/**
 * The time zone the form means: what was typed, as a zone or a city ("Beirut"), or, left
 * empty, the zone of the venue's city. Null asks the organiser to choose from the list.
 */
export function formTimeZone(values: FormValues): { zone: string | null; example: string } {
  const typed = values.timezone?.trim() ?? "";
  const fromCity = resolveTimeZone(values.venueCity ?? "");
  return {
    zone: typed ? resolveTimeZone(typed) : fromCity,
    example: fromCity ?? NEW_WORKSHOP_DEFAULTS.timezone!,
  };
}

export function fromForm(values: FormValues, lang: Lang = DEFAULT_LANG) {
  const errors: Record<string, string> = {};
  const resolved = formTimeZone(values);
  if (!resolved.zone)
    errors.timezone = `Choose a time zone from the list, e.g. ${resolved.example}.`;
  // With no zone the form is refused anyway; UTC only lets the other fields be checked.
  const zone = resolved.zone ?? "UTC";
  const instant = (name: string, required: boolean) => {
    const v = values[name]?.trim();
    if (!v) {
      if (required) errors[name] = "Enter a date and time.";
      return undefined;
    }
    const d = zonedLocalToUtc(v, zone);
    if (!d) errors[name] = "Use the date and time picker.";
    return d?.toISOString();
  };
  const number = (name: string) => (values[name]?.trim() ? Number(values[name]) : undefined);
  const { questions, error } = parseQuestions(values.questions ?? "");
  if (error) errors.questions = error;
  const input = {
    title: values.title ?? "",
    ...(values.slug?.trim() ? { slug: values.slug.trim() } : {}),
    description: values.description ?? "",
    startsAt: instant("startsAt", true),
    endsAt: instant("endsAt", true),
    timezone: zone,
    venue: values.venueName?.trim()
      ? {
          name: values.venueName,
          address: values.venueAddress || undefined,
          city: values.venueCity || undefined,
        }
      : null,
    onlineUrl: values.onlineUrl?.trim() || null,
    // A name alone reaches nobody: it asks for the address (the schema says so, on its field).
    contact:
      values.contactEmail?.trim() || values.contactName?.trim()
        ? {
            name: values.contactName?.trim() || undefined,
            email: values.contactEmail?.trim() ?? "",
          }
        : null,
    locationPrivate: values.locationPrivate === "true",
    venueRevealHours: number("venueRevealHours") ?? null,
    attendance: values.attendance,
    capacity: values.capacity?.trim() ? Number(values.capacity) : null,
    onlineCapacity: values.onlineCapacity?.trim() ? Number(values.onlineCapacity) : null,
    registrationMode: values.registrationMode,
    waitlist: values.waitlist === "true",
    requireVerification: values.requireVerification === "true",
    registrationOpensAt: instant("registrationOpensAt", false) ?? null,
    registrationClosesAt: instant("registrationClosesAt", false) ?? null,
    language: values.language,
    questions,
    retentionDays: number("retentionDays"),
    reminderHours: values.reminderHours?.trim() ? Number(values.reminderHours) : null,
    invitationReminderDays: (values.invitationReminderDays ?? "")
      .split(/[,،\s]+/)
      .filter(Boolean)
      .map(Number),
    emailTexts: emailTextsFrom(values),
    confidentiality: confidentialityFrom(values),
    confidentialityRequired: values.confidentialityRequired === "true",
  };
  const parsed = CreateWorkshopSchema.safeParse(input);
  for (const [name, message] of Object.entries(errors)) errors[name] = formMessage(message, lang);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors[fieldOf(issue.path.map(String))] ??= issueMessage(issue, lang);
    }
  }
  return parsed.success && Object.keys(errors).length === 0
    ? { ok: true as const, input: parsed.data }
    : { ok: false as const, errors };
}

export function toForm(w: Workshop): FormValues {
  return {
    title: w.title,
    slug: w.slug,
    description: w.description,
    startsAt: utcToZonedLocal(w.startsAt, w.timezone),
    endsAt: utcToZonedLocal(w.endsAt, w.timezone),
    timezone: w.timezone,
    venueName: w.venueName ?? "",
    venueAddress: w.venueAddress ?? "",
    venueCity: w.venueCity ?? "",
    onlineUrl: w.onlineUrl ?? "",
    contactName: w.contactName ?? "",
    contactEmail: w.contactEmail ?? "",
    locationPrivate: String(w.locationPrivate),
    venueRevealHours: w.venueRevealHours?.toString() ?? "",
    attendance: w.attendance,
    capacity: w.capacity?.toString() ?? "",
    onlineCapacity: w.onlineCapacity?.toString() ?? "",
    registrationMode: w.registrationMode,
    waitlist: String(w.waitlist),
    requireVerification: String(w.requireVerification),
    registrationOpensAt: w.registrationOpensAt
      ? utcToZonedLocal(w.registrationOpensAt, w.timezone)
      : "",
    registrationClosesAt: w.registrationClosesAt
      ? utcToZonedLocal(w.registrationClosesAt, w.timezone)
      : "",
    language: w.language,
    questions: formatQuestions(w.questions),
    retentionDays: String(w.retentionDays),
    reminderHours: w.reminderHours?.toString() ?? "",
    invitationReminderDays: w.invitationReminderDays.join(", "),
    ...emailTextsTo(w.emailTexts),
    ...Object.fromEntries(
      LANGS.map((l) => [confidentialityField(l), w.confidentiality?.[l] ?? ""]),
    ),
    confidentialityRequired: String(w.confidentialityRequired),
  };
}

export const NEW_WORKSHOP_DEFAULTS: FormValues = {
  timezone: "Europe/Istanbul",
  registrationMode: "open",
  waitlist: "true",
  requireVerification: "true",
  language: DEFAULT_LANG,
  retentionDays: "365",
  reminderHours: "24",
  capacity: "40",
  attendance: "in_person",
};
