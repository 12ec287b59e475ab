// Form fields with their error next to them, and parsing of posted forms through zod so
// HTML forms get the same rules as the API, explained in place.
import type { z } from "@hono/zod-openapi";
import type { Child } from "hono/jsx";
import { DEFAULT_LANG, type Lang } from "../i18n";
import { issueMessage } from "./form-errors";

export type FormErrors = Record<string, string>;

/**
 * A posted form through an API schema. Errors are the schema's (English) messages, or in
 * `lang` for an admin form shown in another language (./form-errors.ts).
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: Record<string, unknown>,
  lang: Lang = DEFAULT_LANG,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FormErrors } {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, data: result.data };
  const errors: FormErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join(".") || "_form";
    errors[key] ??= issueMessage(issue, lang);
  }
  return { ok: false, errors };
}

/**
 * A posted body as text fields: a file or a repeated field where text belongs reads as empty,
 * so a handler never calls a string method on what is not a string.
 */
export function textFields(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [name, typeof value === "string" ? value : ""]),
  );
}

interface FieldProps {
  name: string;
  label: string;
  type?: string;
  value?: string;
  error?: string;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  dir?: "auto" | "ltr" | "rtl";
}

/**
 * A field's error, named `<field id>-error` so the field's aria-describedby points at it;
 * nothing when there is no error.
 */
export function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p class="field-error" id={`${id}-error`}>
      {error}
    </p>
  ) : null;
}

export function Field({
  name,
  label,
  type = "text",
  value,
  error,
  hint,
  required,
  autocomplete,
  dir,
}: FieldProps) {
  const id = `f-${name}`;
  const described =
    [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label for={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        name={name}
        type={type}
        value={value ?? ""}
        required={required}
        autocomplete={autocomplete}
        dir={dir}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={described}
      />
      <FieldError id={id} error={error} />
    </div>
  );
}

/**
 * A multi-line text box with its label and error, `dir="auto"` so a text in either script
 * reads in its own direction while it is typed; `lang` when it is one language's version.
 */
export function TextAreaField({
  name,
  label,
  value,
  error,
  rows = 4,
  maxlength,
  lang,
}: {
  name: string;
  label: string;
  value?: string;
  error?: string;
  rows?: number;
  maxlength?: number;
  lang?: string;
}) {
  const id = `f-${name}`;
  return (
    <div>
      <label for={id}>{label}</label>
      <textarea
        id={id}
        name={name}
        rows={rows}
        dir="auto"
        lang={lang}
        maxlength={maxlength}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {value ?? ""}
      </textarea>
      <FieldError id={id} error={error} />
    </div>
  );
}

export function SelectField({
  name,
  label,
  options,
  value,
  error,
}: {
  name: string;
  label: string;
  /** `dir: "auto"` for an option that is data (a name), in whichever script it is. */
  options: { value: string; label: string; dir?: "auto" }[];
  value?: string;
  error?: string;
}) {
  const id = `f-${name}`;
  return (
    <div>
      <label for={id}>{label}</label>
      <select
        id={id}
        name={name}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {options.map((o) => (
          <option value={o.value} selected={o.value === value} dir={o.dir}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={id} error={error} />
    </div>
  );
}

export function Notice({
  kind = "info",
  children,
}: {
  kind?: "info" | "ok" | "error";
  children: Child;
}) {
  return (
    <div
      class={`notice ${kind === "info" ? "" : kind}`}
      role={kind === "error" ? "alert" : "status"}
    >
      {children}
    </div>
  );
}
