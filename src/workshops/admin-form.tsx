// The workshop form (create and edit) and the page around it. Values are the form's own
// strings; ./form.ts maps them to and from the service's input.
import type { Context } from "hono";
import type { SignedInEnv } from "../http/context";
import { cspWith } from "../http/middleware";
import { LANGUAGES } from "../i18n";
import { timeZoneChoices, timeZoneName } from "../lib/time-zones";
import { Field, FieldError, Notice, SelectField, TextAreaField } from "../ui/forms";
import { Page } from "../ui/layout";
import { CONFIDENTIALITY_MAX } from "./confidentiality";
import type { EmailPreview } from "./email-preview";
import { CUSTOM_TEXT_KINDS, EMAIL_TEXT_MAX } from "./email-texts";
import { confidentialityField, emailTextField, type FormValues, formTimeZone } from "./form";

const KIND_LABEL = { confirmed: "Confirmation", reminder: "Reminder", invitation: "Invitation" };

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
}: {
  values: FormValues;
  errors: Record<string, string>;
  previewAction: string;
  preview?: EmailPreview;
}) {
  return (
    <fieldset class="stack" id="email-texts">
      <legend>Email texts</legend>
      <p class="hint">
        Optional: your own words for the confirmation, reminder and invitation emails. Plain text;
        leave a blank line between paragraphs. They replace the default paragraphs; the heading, the
        time and place, the button and the QR code stay. Placeholders: <code>{"{name}"}</code> (the
        recipient), <code>{"{date}"}</code>, <code>{"{venue}"}</code> (where the venue is private,
        it says when it will be shared), <code>{"{title}"}</code>. Empty: the default wording.
      </p>
      {LANGUAGES.map((l) => (
        <fieldset class="stack">
          <legend>{l.englishName}</legend>
          {CUSTOM_TEXT_KINDS.map((kind) => {
            const name = emailTextField(l.code, kind);
            const error = errors[name];
            return (
              <TextAreaField
                name={name}
                label={`${KIND_LABEL[kind]} (${l.englishName})`}
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
          label="Preview email"
          value={values.previewKind}
          options={CUSTOM_TEXT_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
        />
        <SelectField
          name="previewLang"
          label="Preview language"
          value={values.previewLang}
          options={LANGUAGES.map((l) => ({ value: l.code, label: l.englishName }))}
        />
      </div>
      <div>
        <button type="submit" class="secondary" formaction={`${previewAction}#email-preview`}>
          Preview
        </button>
      </div>
      {preview ? (
        <section id="email-preview" class="stack" aria-labelledby="email-preview-heading">
          <h2 id="email-preview-heading">
            Preview: {KIND_LABEL[preview.kind]} (
            {LANGUAGES.find((l) => l.code === preview.lang)?.englishName})
          </h2>
          <Notice>Not saved yet. The name is a sample; save the form to keep these texts.</Notice>
          <p>
            Subject: <span dir="auto">{preview.subject}</span>
          </p>
          {/* Sandboxed: the email's HTML runs nothing and reaches nothing of this page. */}
          <iframe class="preview" title="Email preview" srcdoc={preview.html} sandbox="" />
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
}: {
  values: FormValues;
  errors: Record<string, string>;
}) {
  return (
    <fieldset class="stack" id="confidentiality">
      <legend>Confidentiality</legend>
      <p class="hint">
        Optional: a rule participants accept, for example the Chatham House Rule or no recording, in
        your own words. It shows on the workshop's page and on the registration form, in the
        reader's language or else the other one.
      </p>
      {LANGUAGES.map((l) => {
        const name = confidentialityField(l.code);
        const error = errors[name];
        return (
          <TextAreaField
            name={name}
            label={`Confidentiality rule (${l.englishName})`}
            value={values[name]}
            error={error}
            rows={3}
            maxlength={CONFIDENTIALITY_MAX}
            lang={l.code}
          />
        );
      })}
      <Checkbox
        name="confidentialityRequired"
        label="Registrants must tick that they accept it"
        values={values}
      />
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
}: {
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
        Time zone<span aria-hidden="true"> *</span>
      </label>
      <p class="hint" id="f-timezone-hint">
        Type a city or a zone and choose from the list, e.g. Asia/Beirut. Times below are in this
        zone{zone ? <>: {timeZoneName(zone, "en")}</> : null}.
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
        {timeZoneChoices("en").map((z) => (
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
}: {
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
      {Object.keys(errors).length ? (
        <Notice kind="error">{errors._form ?? "Please correct the fields marked below."}</Notice>
      ) : null}
      {f("title", "Title", { required: true })}
      {f("slug", "Address (slug)", {
        hint: "Lowercase letters, digits and dashes; made from the title when empty.",
      })}
      <div>
        <label for="f-description">Description</label>
        <p class="hint" id="f-description-hint">
          Markdown. Shown on the public page.
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
      {f("venueName", "Venue")}
      {f("venueAddress", "Address")}
      {f("venueCity", "City", { hint: "A city with a time zone of its own fills in the zone." })}
      <TimeZoneField
        values={values}
        error={errors.timezone}
        suggest={action === "/admin/workshops"}
      />
      {f("startsAt", "Starts", { type: "datetime-local", required: true })}
      {f("endsAt", "Ends", { type: "datetime-local", required: true })}
      {f("onlineUrl", "Online link", { type: "url" })}
      <Checkbox
        name="locationPrivate"
        label="Show the venue and the online link only to confirmed participants"
        values={values}
      />
      {f("venueRevealHours", "Reveal the venue … hours before the start", {
        type: "number",
        hint: "Private venues only. Until then confirmed participants read when it will be sent; then each gets one email with it. Empty: with their confirmation.",
      })}
      {f("contactName", "Contact name", {
        hint: "Whom participants write to with questions, e.g. the workshop's organiser.",
      })}
      {f("contactEmail", "Contact email", {
        type: "email",
        hint: 'Registered participants see it on their page and at the foot of their emails ("Questions? Write to …"); the public page does not show it.',
      })}
      <SelectField
        name="attendance"
        label="How people take part"
        value={values.attendance}
        error={errors.attendance}
        options={[
          { value: "in_person", label: "In person" },
          { value: "online", label: "Online" },
          { value: "hybrid", label: "Both: separate places and waitlists in person and online" },
        ]}
      />
      {f("capacity", "Capacity", {
        type: "number",
        hint: "Empty for unlimited. For both: the places in the room.",
      })}
      {f("onlineCapacity", "Online places", {
        type: "number",
        hint: "Both only; empty for unlimited. The online link goes only to confirmed online participants, a private venue only to confirmed in-person ones.",
      })}
      <SelectField
        name="registrationMode"
        label="Registration"
        value={values.registrationMode}
        error={errors.registrationMode}
        options={[
          { value: "open", label: "Open: first come, first served" },
          { value: "approval", label: "Approval: organisers decide" },
          { value: "invitation", label: "Invitation only" },
        ]}
      />
      <Checkbox name="waitlist" label="Waitlist when full" values={values} />
      <Checkbox
        name="requireVerification"
        label="Registrants confirm their email address"
        values={values}
      />
      {f("registrationOpensAt", "Registration opens", {
        type: "datetime-local",
        hint: "Empty: now.",
      })}
      {f("registrationClosesAt", "Registration closes", {
        type: "datetime-local",
        hint: "Empty: at the start.",
      })}
      <SelectField
        name="language"
        label="Language"
        value={values.language}
        options={LANGUAGES.map((l) => ({ value: l.code, label: l.englishName }))}
      />
      <div>
        <label for="f-questions">Questions</label>
        <p class="hint" id="f-questions-hint">
          One per line: <code>type: label</code>, <code>*</code> for required, <code>= a | b</code>{" "}
          for choices. Types: text, choice, checkbox. Example:{" "}
          <code>choice: Dietary needs * = None | Vegetarian</code>
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
      {f("reminderHours", "Reminder (hours before the start)", {
        type: "number",
        hint: "Empty: no reminder.",
      })}
      {f("invitationReminderDays", "Invitation reminders (days after sending)", {
        hint: "For example: 3, 7",
      })}
      {f("retentionDays", "Keep personal data for (days after the end)", { type: "number" })}
      <ConfidentialitySection values={values} errors={errors} />
      <EmailTextsSection
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
  return c.html(
    <Page lang="en" title={form.heading} area="admin" actor={c.var.actor} path="/admin/workshops">
      <h1>{form.heading}</h1>
      <WorkshopForm
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
