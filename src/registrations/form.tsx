// The pieces of the registration form that the public form (workshops/pages.tsx) and the
// invitation page (invitations/pages.tsx) share, so both ask the workshop's questions alike:
// the questions' fields, their errors in the reader's language, and the error summary that
// lists every field error of a submit at once (app.js moves focus to it).
import { ATTENDANCE_MODES, type Confidentiality, type WorkshopQuestion } from "../db/schema";
import { type Dictionary, dictionary, type Lang } from "../i18n";
import { FieldError, type FormErrors } from "../ui/forms";
import { modeLabel } from "../workshops/components";
import { confidentialityWording, needsAcknowledgement } from "../workshops/confidentiality";
import { seatState } from "../workshops/service";
import type { AttendanceMode, Workshop } from "../workshops/types";
import { NEEDS, NEEDS_MAX } from "./needs";
import { validateAnswers } from "./service";

/** The id of the input a field's error points to (a choice: its first option). */
export function fieldId(path: string, questions: readonly WorkshopQuestion[]): string {
  if (!path.startsWith("answers.")) return `f-${path}`;
  const id = path.slice("answers.".length);
  const question = questions.find((q) => q.id === id);
  return question?.type === "choice" ? `f-q-${id}-0` : `f-q-${id}`;
}

/** The posted `answers.{id}` fields, keyed by question id. */
export function answersFrom(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([k]) => k.startsWith("answers."))
      .map(([k, v]) => [k.slice("answers.".length), v]),
  );
}

/**
 * The answers' errors, worded in `lang` (validateAnswers speaks English), by field name. A
 * required checkbox asks to be ticked, a choice to pick an option, any other an answer.
 */
export function answerErrors(
  questions: WorkshopQuestion[],
  answers: Record<string, unknown>,
  lang: Lang,
): FormErrors {
  const t = dictionary(lang).ui;
  const errors: FormErrors = {};
  for (const e of validateAnswers(questions, answers).errors) {
    const question = questions.find((q) => `answers.${q.id}` === e.path);
    const empty = !answers[question?.id ?? ""];
    errors[e.path] =
      question?.type === "checkbox"
        ? t.tickRequired
        : question?.type === "choice" && !empty
          ? t.pickOption
          : t.answerRequired;
  }
  return errors;
}

/** The field labels the summary names its errors by. */
function labelOf(path: string, questions: readonly WorkshopQuestion[], t: Dictionary["ui"]) {
  if (path === "name") return t.name;
  if (path === "email") return t.email;
  if (path === "affiliation") return t.affiliation;
  if (path === "accessibility") return t.accessibility;
  if (path === "dietary") return t.dietary;
  if (path === "acknowledged") return t.acknowledge;
  if (path === "mode") return t.modeLegend;
  return questions.find((q) => `answers.${q.id}` === path)?.label ?? "";
}

/**
 * Every error of the submit in one list, each a link to its field. Focusable (tabindex -1)
 * and marked for app.js, which focuses it on load: a keyboard or screen reader user lands on
 * what to fix. A form-wide error (`_form`) heads it.
 */
export function ErrorSummary({
  errors,
  questions,
  lang,
}: {
  errors: FormErrors;
  questions: readonly WorkshopQuestion[];
  lang: Lang;
}) {
  const t = dictionary(lang).ui;
  const fields = Object.entries(errors).filter(([path]) => path !== "_form");
  return (
    <div
      class="notice error error-summary"
      id="error-summary"
      role="alert"
      tabindex={-1}
      data-error-summary=""
    >
      <p>
        <strong>{errors._form ?? t.fixErrors}</strong>
      </p>
      {fields.length > 0 ? (
        <ul>
          {fields.map(([path, message]) => {
            const label = labelOf(path, questions, t);
            // A question that ends in its own mark ("Why?") needs no colon after it.
            const separator = /[?!:؟]$/.test(label) ? " " : ": ";
            return (
              <li>
                <a href={`#${fieldId(path, questions)}`}>
                  <bdi>{label}</bdi>
                  {separator}
                  {message}
                </a>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

/** The workshop's own questions, as fields named `answers.{id}`, with their errors. */
export function QuestionFields({
  questions,
  lang,
  errors = {},
  values = {},
}: {
  questions: readonly WorkshopQuestion[];
  lang: Lang;
  errors?: FormErrors;
  values?: Record<string, string>;
}) {
  const t = dictionary(lang).ui;
  return (
    <>
      {questions.map((q) => {
        const name = `answers.${q.id}`;
        const id = `f-q-${q.id}`;
        const error = errors[name];
        const described = error ? `${id}-error` : undefined;
        const errorText = <FieldError id={id} error={error} />;
        if (q.type === "checkbox") {
          return (
            <div>
              <label class="check">
                <input
                  type="checkbox"
                  id={id}
                  name={name}
                  value="true"
                  checked={values[name] === "true"}
                  aria-invalid={error ? "true" : undefined}
                  aria-describedby={described}
                />{" "}
                <bdi>{q.label}</bdi>
                {q.required ? null : <span class="hint"> ({t.optional})</span>}
              </label>
              {errorText}
            </div>
          );
        }
        if (q.type === "choice") {
          return (
            <fieldset aria-describedby={described}>
              <legend>
                <bdi>{q.label}</bdi> {q.required ? null : <span class="hint">({t.optional})</span>}
              </legend>
              {(q.options ?? []).map((option, i) => (
                <label class="check" for={`${id}-${i}`}>
                  <input
                    type="radio"
                    id={`${id}-${i}`}
                    name={name}
                    value={option}
                    checked={values[name] === option}
                  />{" "}
                  <bdi>{option}</bdi>
                </label>
              ))}
              {errorText}
            </fieldset>
          );
        }
        return (
          <div>
            <label for={id}>
              <bdi>{q.label}</bdi> {q.required ? null : <span class="hint">({t.optional})</span>}
            </label>
            <textarea
              id={id}
              name={name}
              dir="auto"
              rows={3}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={described}
            >
              {values[name] ?? ""}
            </textarea>
            {errorText}
          </div>
        );
      })}
    </>
  );
}

/** The workshop's confidentiality rule, in the reader's language or else the other one. */
export function ConfidentialityRule({
  workshop,
  lang,
}: {
  workshop: { confidentiality: Confidentiality | null };
  lang: Lang;
}) {
  const wording = confidentialityWording(workshop, lang);
  if (!wording) return null;
  return (
    <blockquote class="confidentiality" lang={wording.lang} dir="auto">
      {wording.text.split(/\n\s*\n/).map((p) => (
        <p>{p}</p>
      ))}
    </blockquote>
  );
}

/**
 * The rule and its acknowledgement box (`acknowledged`), required when the workshop says
 * so, and the opt-in to the participant list (`listed`, unticked unless the person ticks it).
 */
export function ConfidentialityFields({
  workshop,
  lang,
  errors = {},
  values = {},
}: {
  workshop: { confidentiality: Confidentiality | null; confidentialityRequired: boolean };
  lang: Lang;
  errors?: FormErrors;
  values?: Record<string, string>;
}) {
  const t = dictionary(lang).ui;
  const wording = confidentialityWording(workshop, lang);
  const error = errors.acknowledged;
  return (
    <>
      {wording ? (
        <fieldset aria-describedby={error ? "f-acknowledged-error" : undefined}>
          <legend>{t.confidentialityTitle}</legend>
          <ConfidentialityRule workshop={workshop} lang={lang} />
          <label class="check">
            <input
              type="checkbox"
              id="f-acknowledged"
              name="acknowledged"
              value="true"
              checked={values.acknowledged === "true"}
              required={workshop.confidentialityRequired}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? "f-acknowledged-error" : undefined}
            />{" "}
            {t.acknowledge}
            {workshop.confidentialityRequired ? null : <span class="hint"> ({t.optional})</span>}
          </label>
          <FieldError id="f-acknowledged" error={error} />
        </fieldset>
      ) : null}
      <label class="check">
        <input type="checkbox" name="listed" value="true" checked={values.listed === "true"} />{" "}
        {t.listedOptIn}
      </label>
    </>
  );
}

/**
 * A hybrid workshop's choice of pool (`mode`), each with what is left in it; a full pool that
 * keeps no waitlist cannot be chosen. Nothing for other workshops.
 */
export function ModeFields({
  workshop,
  lang,
  now,
  errors = {},
  values = {},
}: {
  workshop: Workshop;
  lang: Lang;
  now: Date;
  errors?: FormErrors;
  values?: Record<string, string>;
}) {
  if (workshop.attendance !== "hybrid") return null;
  const t = dictionary(lang).ui;
  const error = errors.mode;
  return (
    <fieldset aria-describedby={error ? "f-mode-error" : undefined}>
      <legend>{t.modeLegend}</legend>
      {ATTENDANCE_MODES.map((mode, i) => {
        // In words, never a count: the page is cached, and purged only when these change.
        const state = seatState(workshop, now, mode);
        const note =
          state.kind === "full"
            ? t.modeFull
            : state.kind === "waitlist_open"
              ? t.modeWaitlist
              : state.kind === "places_left" && state.few
                ? t.seatsFew
                : null;
        return (
          <label class="check">
            <input
              type="radio"
              name="mode"
              value={mode}
              id={i === 0 ? "f-mode" : undefined}
              checked={values.mode === mode}
              disabled={state.kind === "full"}
              required
              aria-invalid={error ? "true" : undefined}
            />{" "}
            {modeLabel(mode, lang)}
            {note ? <span class="hint"> ({note})</span> : null}
          </label>
        );
      })}
      <FieldError id="f-mode" error={error} />
    </fieldset>
  );
}

/** The mode's error, worded in `lang`, when a hybrid workshop's registrant chose none. */
export function modeErrors(
  workshop: Pick<Workshop, "attendance">,
  values: Record<string, string>,
  lang: Lang,
): FormErrors {
  return workshop.attendance === "hybrid" && !isMode(values.mode)
    ? { mode: dictionary(lang).ui.modeRequired }
    : {};
}

export const isMode = (value: unknown): value is AttendanceMode =>
  (ATTENDANCE_MODES as readonly unknown[]).includes(value);

/** The acknowledgement's error, worded in `lang`, when the workshop needs it and it is missing. */
export function acknowledgementErrors(
  workshop: { confidentiality: Confidentiality | null; confidentialityRequired: boolean },
  values: Record<string, string>,
  lang: Lang,
): FormErrors {
  return needsAcknowledgement(workshop, lang) && values.acknowledged !== "true"
    ? { acknowledged: dictionary(lang).ui.tickRequired }
    : {};
}

/**
 * Accessibility needs and dietary requirements: optional, and said to be for the organisers
 * only, so a person knows who reads what they write (needs.ts).
 */
export function NeedsFields({
  lang,
  errors = {},
  values = {},
}: {
  lang: Lang;
  errors?: FormErrors;
  values?: Record<string, string>;
}) {
  const t = dictionary(lang).ui;
  return (
    <fieldset>
      <legend>{t.needsHeading}</legend>
      <p class="hint" id="needs-hint">
        {t.needsHint}
      </p>
      {NEEDS.map((name) => {
        const id = `f-${name}`;
        const error = errors[name];
        return (
          <div>
            <label for={id}>
              {t[name]} <span class="hint">({t.optional})</span>
            </label>
            <textarea
              id={id}
              name={name}
              dir="auto"
              rows={2}
              maxlength={NEEDS_MAX}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? `needs-hint ${id}-error` : "needs-hint"}
            >
              {values[name] ?? ""}
            </textarea>
            <FieldError id={id} error={error} />
          </div>
        );
      })}
    </fieldset>
  );
}
