// The paste-or-upload CSV box of the organisers' import forms (invitees, subscribers). A
// refused import answers this box again with the pasted text still in it and each problem
// named by its line, so the organiser fixes one line instead of pasting the list again.
import type { Child } from "hono/jsx";

/** A parsed form body, as Hono's `parseBody()` gives it. */
type FormBody = Record<string, string | File | (string | File)[]>;

const one = (value: FormBody[string] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * The CSV an import form carries: an uploaded file wins over pasted text. `pasted` is what to
 * put back in the box when the form is answered again (a file input cannot be refilled).
 */
export async function csvFromForm(
  body: FormBody,
): Promise<{ text: string; pasted: string; fromFile: boolean }> {
  const file = one(body.file);
  const csv = one(body.csv);
  const pasted = typeof csv === "string" ? csv : "";
  if (file instanceof File && file.size > 0)
    return { text: await file.text(), pasted, fromFile: true };
  return { text: pasted, pasted, fromFile: false };
}

/**
 * The textarea (name `csv`), the file input (name `file`) and, when the last try was refused,
 * its problems under the box, one per line of the text.
 */
export function CsvImportFields({
  label,
  hint,
  pasted = "",
  problems = [],
  summary,
  placeholder,
  uploadLabel = "Or upload a CSV file",
}: {
  /** The file input's label, in the page's language. */
  uploadLabel?: string;
  label: string;
  hint: Child;
  pasted?: string;
  /** "Line 3: not a valid email address.", one per problem. */
  problems?: string[];
  /** What happened, above the problems: "Nothing was imported." */
  summary?: string;
  placeholder?: string;
}) {
  const invalid = problems.length > 0;
  return (
    <>
      <div>
        <label for="f-csv">{label}</label>
        <p class="hint" id="f-csv-hint">
          {hint}
        </p>
        <textarea
          id="f-csv"
          name="csv"
          rows={invalid ? Math.min(15, Math.max(5, pasted.split("\n").length + 1)) : 5}
          dir="auto"
          aria-describedby={invalid ? "f-csv-hint f-csv-error" : "f-csv-hint"}
          aria-invalid={invalid ? "true" : undefined}
          placeholder={placeholder}
        >
          {pasted}
        </textarea>
        {invalid ? (
          <div class="field-error" id="f-csv-error">
            {summary ? <p>{summary}</p> : null}
            <ul>
              {problems.map((p) => (
                <li>{p}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
      <div>
        <label for="f-file">{uploadLabel}</label>
        <input id="f-file" name="file" type="file" accept=".csv,text/csv" />
      </div>
    </>
  );
}
