// The workshop form (create and edit) and the page around it. Values are the form's own
// strings; ./form.ts maps them to and from the service's input.
import type { Context } from "hono";
import type { SignedInEnv } from "../http/context";
import { LANGUAGES } from "../i18n";
import { timeZoneChoices, timeZoneName } from "../lib/time-zones";
import { Field, Notice, SelectField } from "../ui/forms";
import { Page } from "../ui/layout";
import { type FormValues, formTimeZone } from "./form";

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
      {error ? (
        <p class="field-error" id="f-timezone-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function WorkshopForm({
  action,
  values,
  errors = {},
  submit,
}: {
  action: string;
  values: FormValues;
  errors?: Record<string, string>;
  submit: string;
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
      {f("capacity", "Capacity", { type: "number", hint: "Empty for unlimited." })}
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
      <div>
        <button type="submit">{submit}</button>
      </div>
    </form>
  );
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
  },
  status: 200 | 409 | 422 = 200,
) {
  return c.html(
    <Page lang="en" title={form.heading} area="admin" actor={c.var.actor} path="/admin/workshops">
      <h1>{form.heading}</h1>
      <WorkshopForm
        action={form.action}
        values={form.values}
        errors={form.errors}
        submit={form.submit}
      />
    </Page>,
    status,
  );
}
