// The workshop form (create and edit) and the page around it. Values are the form's own
// strings; ./form.ts maps them to and from the service's input.
import type { Context } from "hono";
import { adminPage } from "../http/admin-lang";
import type { SignedInEnv } from "../http/context";
import { cspWith } from "../http/middleware";
import {
  type AdminDictionary,
  adminDictionary,
  fill,
  LANGUAGES,
  type Lang,
  languageNameIn,
} from "../i18n";
import { timeZoneChoices, timeZoneName } from "../lib/time-zones";
import { Field, FieldError, Notice, SelectField, TextAreaField } from "../ui/forms";
import { Page } from "../ui/layout";
import { Fill } from "../ui/words";
import { CONFIDENTIALITY_MAX } from "./confidentiality";
import type { EmailPreview } from "./email-preview";
import { CUSTOM_TEXT_KINDS, EMAIL_TEXT_MAX } from "./email-texts";
import { confidentialityField, emailTextField, type FormValues, formTimeZone } from "./form";

type Words = AdminDictionary["workshopForm"];

const kindLabel = (t: Words) => ({
  confirmed: t.kindConfirmed,
  reminder: t.kindReminder,
  invitation: t.kindInvitation,
});

/**
 * The workshop's own email wording: a box per email and language, and a preview of one of
 * them as it would go out, rendered from what is typed (the Preview button posts the form to
 * `previewAction`, which answers this page again with the preview and nothing saved).
 */
function EmailTextsSection({
  values,
  errors,
  previewAction,
  preview,
  t,
  lang,
}: {
  t: Words;
  lang: Lang;
  values: FormValues;
  errors: Record<string, string>;
  previewAction: string;
  preview?: EmailPreview;
}) {
  const KIND_LABEL = kindLabel(t);
  const code = (name: string) => <code dir="ltr">{`{${name}}`}</code>;
  return (
    <fieldset class="stack" id="email-texts">
      <legend>{t.emailTexts}</legend>
      <p class="hint">
        <Fill
          text={t.emailTextsHint}
          values={{
            name: code("name"),
            date: code("date"),
            venue: code("venue"),
            title: code("title"),
          }}
        />
      </p>
      {LANGUAGES.map((l) => (
        <fieldset class="stack">
          <legend>{languageNameIn(l.code, lang)}</legend>
          {CUSTOM_TEXT_KINDS.map((kind) => {
            const name = emailTextField(l.code, kind);
            const error = errors[name];
            return (
              <TextAreaField
                name={name}
                label={fill(t.textIn, {
                  kind: KIND_LABEL[kind],
                  language: languageNameIn(l.code, lang),
                })}
                value={values[name]}
                error={error}
                maxlength={EMAIL_TEXT_MAX}
                lang={l.code}
              />
            );
          })}
        </fieldset>
      ))}
      <div class="row">
        <SelectField
          name="previewKind"
          label={t.previewEmail}
          value={values.previewKind}
          options={CUSTOM_TEXT_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
        />
        <SelectField
          name="previewLang"
          label={t.previewLanguage}
          value={values.previewLang}
          options={LANGUAGES.map((l) => ({ value: l.code, label: languageNameIn(l.code, lang) }))}
        />
      </div>
      <div>
        <button type="submit" class="secondary" formaction={`${previewAction}#email-preview`}>
          {t.preview}
        </button>
      </div>
      {preview ? (
        <section id="email-preview" class="stack" aria-labelledby="email-preview-heading">
          <h2 id="email-preview-heading">
            {fill(t.previewHeading, {
              kind: KIND_LABEL[preview.kind],
              language: languageNameIn(preview.lang, lang),
            })}
          </h2>
          <Notice>{t.previewNotSaved}</Notice>
          <p>
            <Fill
              text={t.subject}
              values={{ subject: <span dir="auto">{preview.subject}</span> }}
            />
          </p>
          {/* Sandboxed: the email's HTML runs nothing and reaches nothing of this page. */}
          <iframe class="preview" title={t.previewFrame} srcdoc={preview.html} sandbox="" />
        </section>
      ) : null}
    </fieldset>
  );
}

/**
 * The confidentiality rule: the organiser's wording per language, shown on the public page
 * and at registration, and whether registering needs it acknowledged.
 */
function ConfidentialitySection({
  values,
  errors,
  t,
  lang,
}: {
  t: Words;
  lang: Lang;
  values: FormValues;
  errors: Record<string, string>;
}) {
  return (
    <fieldset class="stack" id="confidentiality">
      <legend>{t.confidentiality}</legend>
      <p class="hint">{t.confidentialityHint}</p>
      {LANGUAGES.map((l) => {
        const name = confidentialityField(l.code);
        const error = errors[name];
        return (
          <TextAreaField
            name={name}
            label={fill(t.confidentialityRule, { language: languageNameIn(l.code, lang) })}
            value={values[name]}
            error={error}
            rows={3}
            maxlength={CONFIDENTIALITY_MAX}
            lang={l.code}
          />
        );
      })}
      <Checkbox name="confidentialityRequired" label={t.confidentialityRequired} values={values} />
    </fieldset>
  );
}

function Checkbox({ name, label, values }: { name: string; label: string; values: FormValues }) {
  return (
    <label class="check">
      <input type="checkbox" name={name} value="true" checked={values[name] === "true"} /> {label}
    </label>
  );
}

/**
 * The time zone: a text box with every IANA zone to search by city or name (a datalist, so
 * any browser can type "Beirut" and pick "Asia/Beirut · Eastern European Time"). A city
 * typed here is resolved by the form (./form.ts); public/assets/app.js fills the zone from
 * the city field while the organiser has not chosen one.
 */
function TimeZoneField({
  values,
  error,
  suggest,
  t,
  lang,
}: {
  t: Words;
  lang: Lang;
  values: FormValues;
  error?: string;
  /** A new workshop: its city may fill in the zone. An existing one keeps its zone. */
  suggest: boolean;
}) {
  const { zone } = formTimeZone(values);
  const described = ["f-timezone-hint", error ? "f-timezone-error" : ""].filter(Boolean).join(" ");
  return (
    <div>
      <label for="f-timezone">
        {t.timeZone}
        <span aria-hidden="true"> *</span>
      </label>
      <p class="hint" id="f-timezone-hint">
        {t.timeZoneHint}
        {zone ? <>: {timeZoneName(zone, lang)}</> : null}.
      </p>
      <input
        id="f-timezone"
        name="timezone"
        type="text"
        list="time-zones"
        value={values.timezone ?? ""}
        required
        autocomplete="off"
        spellcheck={false}
        dir="ltr"
        data-zone-from={suggest ? "f-venueCity" : undefined}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={described}
      />
      <datalist id="time-zones">
        {timeZoneChoices(lang).map((z) => (
          <option value={z.value} label={z.label} />
        ))}
      </datalist>
      <FieldError id="f-timezone" error={error} />
    </div>
  );
}

function WorkshopForm({
  action,
  values,
  errors = {},
  submit,
  preview,
  t,
  summary,
  lang,
}: {
  t: Words;
  summary: string;
  lang: Lang;
  action: string;
  values: FormValues;
  errors?: Record<string, string>;
  submit: string;
  preview?: EmailPreview;
}) {
  const f = (
    name: string,
    label: string,
    extra: { type?: string; hint?: string; required?: boolean } = {},
  ) => (
    <Field
      name={name}
      label={label}
      type={extra.type}
      hint={extra.hint}
      required={extra.required}
      value={values[name]}
      error={errors[name]}
      dir={extra.type ? undefined : "auto"}
    />
  );
  return (
    <form method="post" action={action} class="stack">
      {Object.keys(errors).length ? <Notice kind="error">{errors._form ?? summary}</Notice> : null}
      {f("title", t.title, { required: true })}
      {f("slug", t.slug, { hint: t.slugHint })}
      <div>
        <label for="f-description">{t.description}</label>
        <p class="hint" id="f-description-hint">
          {t.descriptionHint}
        </p>
        <textarea
          id="f-description"
          name="description"
          rows={8}
          dir="auto"
          aria-describedby="f-description-hint"
        >
          {values.description ?? ""}
        </textarea>
      </div>
      {f("venueName", t.venue)}
      {f("venueAddress", t.address)}
      {f("venueCity", t.city, { hint: t.cityHint })}
      <TimeZoneField
        t={t}
        lang={lang}
        values={values}
        error={errors.timezone}
        suggest={action === "/admin/workshops"}
      />
      {f("startsAt", t.starts, { type: "datetime-local", required: true })}
      {f("endsAt", t.ends, { type: "datetime-local", required: true })}
      {f("onlineUrl", t.onlineUrl, { type: "url" })}
      <Checkbox name="locationPrivate" label={t.locationPrivate} values={values} />
      {f("venueRevealHours", t.venueRevealHours, { type: "number", hint: t.venueRevealHint })}
      {f("contactName", t.contactName, { hint: t.contactNameHint })}
      {f("contactEmail", t.contactEmail, { type: "email", hint: t.contactEmailHint })}
      <SelectField
        name="attendance"
        label={t.attendance}
        value={values.attendance}
        error={errors.attendance}
        options={[
          { value: "in_person", label: t.attendanceInPerson },
          { value: "online", label: t.attendanceOnline },
          { value: "hybrid", label: t.attendanceHybrid },
        ]}
      />
      {f("capacity", t.capacity, { type: "number", hint: t.capacityHint })}
      {f("onlineCapacity", t.onlineCapacity, { type: "number", hint: t.onlineCapacityHint })}
      <SelectField
        name="registrationMode"
        label={t.registration}
        value={values.registrationMode}
        error={errors.registrationMode}
        options={[
          { value: "open", label: t.modeOpen },
          { value: "approval", label: t.modeApproval },
          { value: "invitation", label: t.modeInvitation },
        ]}
      />
      <Checkbox name="waitlist" label={t.waitlist} values={values} />
      <Checkbox name="requireVerification" label={t.requireVerification} values={values} />
      {f("registrationOpensAt", t.opensAt, { type: "datetime-local", hint: t.opensHint })}
      {f("registrationClosesAt", t.closesAt, { type: "datetime-local", hint: t.closesHint })}
      <SelectField
        name="language"
        label={t.language}
        value={values.language}
        options={LANGUAGES.map((l) => ({ value: l.code, label: languageNameIn(l.code, lang) }))}
      />
      <div>
        <label for="f-questions">{t.questions}</label>
        <p class="hint" id="f-questions-hint">
          <Fill
            text={t.questionsHint}
            values={{
              syntax: <code dir="ltr">type: label</code>,
              required: <code dir="ltr">*</code>,
              choices: <code dir="ltr">= a | b</code>,
              example: <code dir="auto">choice: Dietary needs * = None | Vegetarian</code>,
            }}
          />
        </p>
        <textarea
          id="f-questions"
          name="questions"
          rows={4}
          dir="auto"
          aria-describedby="f-questions-hint"
          aria-invalid={errors.questions ? "true" : undefined}
        >
          {values.questions ?? ""}
        </textarea>
        {errors.questions ? <p class="field-error">{errors.questions}</p> : null}
      </div>
      {f("reminderHours", t.reminderHours, { type: "number", hint: t.reminderHint })}
      {f("invitationReminderDays", t.invitationReminders, { hint: t.invitationRemindersHint })}
      {f("retentionDays", t.retentionDays, { type: "number" })}
      <ConfidentialitySection t={t} lang={lang} values={values} errors={errors} />
      <EmailTextsSection
        t={t}
        lang={lang}
        values={values}
        errors={errors}
        previewAction={emailPreviewAction(action)}
        preview={preview}
      />
      <div>
        <button type="submit">{submit}</button>
      </div>
    </form>
  );
}

/** Where a workshop form's Preview button posts: beside where it saves. */
export function emailPreviewAction(action: string): string {
  return action === "/admin/workshops"
    ? "/admin/workshops/email-preview"
    : `${action}/email-preview`;
}

/** The create and edit pages: one form, a heading, the values and any errors. */
export function workshopFormPage(
  c: Context<SignedInEnv>,
  form: {
    heading: string;
    action: string;
    submit: string;
    values: FormValues;
    errors?: Record<string, string>;
    preview?: EmailPreview;
  },
  status: 200 | 409 | 422 = 200,
) {
  // The preview's email relies on inline styles, and an srcdoc frame lives under this page's
  // policy: only a page that shows one allows them (still no scripts, no remote loads).
  if (form.preview) c.header("Content-Security-Policy", cspWith({ styleSrc: ["'unsafe-inline'"] }));
  const view = adminPage(c);
  const words = adminDictionary(view.lang);
  return c.html(
    <Page {...view} title={form.heading} path="/admin/workshops">
      <h1>{form.heading}</h1>
      <WorkshopForm
        t={words.workshopForm}
        summary={words.formErrors.summary}
        lang={view.lang}
        action={form.action}
        values={form.values}
        errors={form.errors}
        submit={form.submit}
        preview={form.preview}
      />
    </Page>,
    status,
  );
}
