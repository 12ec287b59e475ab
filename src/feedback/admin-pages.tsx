// Organisers' side of the feedback survey: a section of the workshop's admin page (whether
// it is on, who it goes to, the results once there are enough answers, the CSV) and the
// survey's own page, where its questions are written per language. Every change is audited
// by the service.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { LANGS, type Lang, languageOf } from "../i18n";
import { onServiceError } from "../lib/errors";
import { formatInstant } from "../lib/time";
import { FieldError, type FormErrors, Notice, textFields } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { getWorkshop } from "../workshops/service";
import type { Workshop } from "../workshops/types";
import { feedbackResults, MIN_ANSWERS, type QuestionResult, type Results } from "./results";
import {
  type FeedbackQuestion,
  getSurvey,
  LABEL_MAX,
  MAX_QUESTIONS,
  questionLabel,
  type Survey,
  SurveyInputSchema,
  setSurvey,
} from "./survey";

/** Mounted at /admin/workshops/:id/feedback. */
export const feedbackAdminPages = new Hono<AppEnv>();

const base = (workshopId: string) => `/admin/workshops/${workshopId}/feedback`;

/** The feedback section of a workshop's admin page, as the page composes it. */
export const feedbackSection: Section<Workshop> = {
  async load(c, workshop) {
    const [survey, results] = await Promise.all([
      getSurvey(c.var.services.db, workshop.id),
      feedbackResults(c.var.services, workshop.id),
    ]);
    return {
      rows: 0,
      view: <FeedbackSection workshop={workshop} survey={survey} results={results} />,
    };
  },
};

function FeedbackSection(props: { workshop: Workshop; survey: Survey; results: Results }) {
  const { workshop: w, survey, results } = props;
  return (
    <>
      <h2 id="feedback">Feedback survey</h2>
      <p>
        {survey.enabled ? (
          <>
            <strong>On.</strong> Emailed once, after the workshop ends (
            {formatInstant(w.endsAt, w.timezone, "en")}), to the people checked in, or to the
            confirmed ones if nobody was checked in.
          </>
        ) : (
          <>
            <strong>Off.</strong> Turned on, it is emailed once after the workshop ends to those who
            attended: {survey.questions.length} question{survey.questions.length === 1 ? "" : "s"}
            {survey.saved ? "" : " (the default survey)"}.
          </>
        )}{" "}
        {survey.sent > 0
          ? `Sent to ${survey.sent} ${survey.sent === 1 ? "person" : "people"}.`
          : ""}
      </p>
      <p class="muted">
        Answers are anonymous: you see totals once at least {MIN_ANSWERS} people have answered,
        never who said what.
      </p>
      {w.purgedAt ? null : (
        <form method="post" action={`${base(w.id)}/enabled`} class="row">
          <input type="hidden" name="enabled" value={survey.enabled ? "false" : "true"} />
          <button type="submit" class={survey.enabled ? "secondary" : undefined}>
            {survey.enabled ? "Turn the survey off" : "Turn the survey on"}
          </button>
          <a class="button secondary" href={base(w.id)}>
            {survey.sent > 0 ? "See the questions" : "Edit the questions"}
          </a>
        </form>
      )}
      <ResultsView workshopId={w.id} results={results} />
    </>
  );
}

function ResultsView({ workshopId, results }: { workshopId: string; results: Results }) {
  if (!results.shown)
    return (
      <p>
        {results.sent > 0
          ? `No results yet: they appear once at least ${MIN_ANSWERS} people have answered.`
          : ""}
      </p>
    );
  const ratings = results.questions.filter(
    (q): q is Extract<QuestionResult, { distribution: unknown }> => "distribution" in q,
  );
  const texts = results.questions.filter(
    (q): q is Extract<QuestionResult, { comments: string[] }> => "comments" in q,
  );
  return (
    <div class="stack" id="feedback-results">
      <h3>Results</h3>
      <p>
        {results.answers} answers from {results.sent} people asked.{" "}
        <a href={`/api/v1/workshops/${workshopId}/feedback/results.csv?excel=true`}>Export CSV</a>
      </p>
      {ratings.length ? (
        <DataTable headers={["Question", "Answers", "Average", "1", "2", "3", "4", "5"]}>
          {ratings.map((r) => (
            <tr>
              <td>
                <QuestionText question={r.question} />
              </td>
              <td>{r.answered}</td>
              <td>{r.average === null ? "–" : r.average.toFixed(2)}</td>
              {r.distribution.map((n) => (
                <td>{n}</td>
              ))}
            </tr>
          ))}
        </DataTable>
      ) : null}
      {texts.map((r) => (
        <section class="stack">
          <h4>
            <QuestionText question={r.question} />
          </h4>
          {r.comments.length ? (
            <ul>
              {r.comments.map((comment) => (
                <li dir="auto">{comment}</li>
              ))}
            </ul>
          ) : (
            <p class="muted">No comments.</p>
          )}
          <p class="muted">In a random order.</p>
        </section>
      ))}
    </div>
  );
}

function QuestionText({ question }: { question: FeedbackQuestion }) {
  const { text, lang } = questionLabel(question, "en");
  return (
    <bdi lang={lang} dir="auto">
      {text}
    </bdi>
  );
}

/** One question's fields in the editor, by row: posted as q{row}_type, q{row}_{lang}, q{row}_required. */
interface QuestionRow {
  type: string;
  required: boolean;
  label: Partial<Record<Lang, string>>;
}

function EditorPage(props: {
  c: Context<SignedInEnv>;
  workshop: Workshop;
  survey: Survey;
  rows: QuestionRow[];
  enabled: boolean;
  errors?: FormErrors;
}) {
  const { c, workshop: w, survey, rows, errors = {} } = props;
  const fixed = survey.sent > 0;
  const messages = Object.values(errors);
  return (
    <Page
      lang="en"
      title="Feedback survey"
      area="admin"
      actor={c.var.actor}
      path="/admin/workshops"
    >
      <p>
        <a href={`/admin/workshops/${w.id}#feedback`}>← The workshop</a>
      </p>
      <h1>Feedback survey</h1>
      <p class="lead" dir="auto">
        {w.title}
      </p>
      <FlashNotice c={c} />
      {messages.length ? (
        <Notice kind="error">
          <p>Some fields need attention:</p>
          <ul>
            {messages.map((m) => (
              <li>{m}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <p>
        The survey is emailed once, after the workshop ends, to the people checked in (or, when
        nobody was checked in, to the confirmed ones), each with a personal link. Answers are
        anonymous: you see totals once at least {MIN_ANSWERS} people have answered.
      </p>
      <form method="post" action={base(w.id)} class="stack">
        <label class="check">
          <input type="checkbox" name="enabled" value="true" checked={props.enabled} /> Send the
          survey after the workshop
        </label>
        {fixed ? (
          <Notice>
            The survey went out to {survey.sent} {survey.sent === 1 ? "person" : "people"}: its
            questions are fixed.
          </Notice>
        ) : (
          <p class="muted">
            Up to {MAX_QUESTIONS} questions. Each is a rating from 1 to 5 or free text; word it in
            English, Arabic or both (participants see their language, else the other one). Leave
            both wordings empty to drop a question.
          </p>
        )}
        {rows.map((row, i) => (
          <QuestionFields row={row} index={i} errors={errors} disabled={fixed} />
        ))}
        <div>
          <button type="submit">Save the survey</button>
        </div>
      </form>
    </Page>
  );
}

function QuestionFields(props: {
  row: QuestionRow;
  index: number;
  errors: FormErrors;
  disabled: boolean;
}) {
  const { row, index: i, errors, disabled } = props;
  const name = (part: string) => `q${i}_${part}`;
  const labelError = errors[name("label")];
  return (
    <fieldset>
      <legend>Question {i + 1}</legend>
      <div>
        <label for={`f-${name("type")}`}>Kind</label>
        <select id={`f-${name("type")}`} name={name("type")} disabled={disabled}>
          <option value="rating" selected={row.type !== "text"}>
            Rating, 1 to 5
          </option>
          <option value="text" selected={row.type === "text"}>
            Free text
          </option>
        </select>
      </div>
      {LANGS.map((l) => {
        const id = `f-${name(l)}`;
        return (
          <div>
            <label for={id}>In {languageOf(l).englishName}</label>
            <input
              id={id}
              name={name(l)}
              value={row.label[l] ?? ""}
              lang={l}
              dir="auto"
              maxlength={LABEL_MAX}
              disabled={disabled}
              aria-invalid={labelError ? "true" : undefined}
              aria-describedby={labelError ? `f-${name("label")}-error` : undefined}
            />
          </div>
        );
      })}
      <FieldError id={`f-${name("label")}`} error={labelError} />
      <label class="check">
        <input
          type="checkbox"
          name={name("required")}
          value="true"
          checked={row.required}
          disabled={disabled}
        />{" "}
        Required
      </label>
    </fieldset>
  );
}

/** The editor's rows: the questions, then empty rows up to two more (at most MAX_QUESTIONS). */
function rowsOf(questions: FeedbackQuestion[]): QuestionRow[] {
  const rows: QuestionRow[] = questions.map((q) => ({
    type: q.type,
    required: q.required,
    label: q.label,
  }));
  while (rows.length < Math.min(questions.length + 2, MAX_QUESTIONS))
    rows.push({ type: "rating", required: false, label: {} });
  return rows;
}

feedbackAdminPages.get("/", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const { db } = c.var.services;
  const workshop = await getWorkshop(db, c.req.param("id") ?? "");
  const survey = await getSurvey(db, workshop.id);
  return c.html(
    <EditorPage
      c={c}
      workshop={workshop}
      survey={survey}
      rows={rowsOf(survey.questions)}
      enabled={survey.enabled}
    />,
  );
});

/** The posted rows, as typed (kept for the form again), and which ones ask something. */
function postedRows(body: Record<string, string>): QuestionRow[] {
  return Array.from({ length: MAX_QUESTIONS }, (_, i) => ({
    type: body[`q${i}_type`] === "text" ? "text" : "rating",
    required: body[`q${i}_required`] === "true",
    label: Object.fromEntries(LANGS.map((l) => [l, body[`q${i}_${l}`] ?? ""])),
  })).filter((_, i) => LANGS.some((l) => `q${i}_${l}` in body) || `q${i}_type` in body);
}

feedbackAdminPages.post("/", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const { db } = c.var.services;
  const workshop = await getWorkshop(db, c.req.param("id") ?? "");
  const survey = await getSurvey(db, workshop.id);
  const body = textFields(await c.req.parseBody());
  const enabled = body.enabled === "true";
  const rows = postedRows(body);
  // Rows with no wording in any language are dropped; `asked` maps back to the form's rows.
  const asked = rows.flatMap((row, i) =>
    LANGS.some((l) => (row.label[l] ?? "").trim()) ? [i] : [],
  );
  const input = {
    enabled,
    questions:
      survey.sent > 0
        ? undefined
        : asked.map((i) => ({
            type: rows[i]!.type,
            required: rows[i]!.required,
            label: rows[i]!.label,
          })),
  };
  const again = (errors: FormErrors, status: 409 | 422) =>
    c.html(
      <EditorPage
        c={c}
        workshop={workshop}
        survey={survey}
        rows={rows.length ? rows : rowsOf(survey.questions)}
        enabled={enabled}
        errors={errors}
      />,
      status,
    );
  const parsed = SurveyInputSchema.safeParse(input);
  if (!parsed.success) {
    const errors: FormErrors = {};
    for (const issue of parsed.error.issues) {
      const [, k] = issue.path;
      const row = typeof k === "number" ? asked[k] : undefined;
      const key = row === undefined ? "_form" : `q${row}_label`;
      errors[key] ??= row === undefined ? issue.message : `Question ${row + 1}: ${issue.message}`;
    }
    return again(errors, 422);
  }
  return onServiceError(
    async () => {
      await setSurvey(db, c.var.actor, workshop.id, parsed.data, c.var.services.now());
      return redirectWithNotice(
        c,
        `/admin/workshops/${workshop.id}#feedback`,
        enabled ? "Survey saved: it goes out after the workshop ends." : "Survey saved (off).",
      );
    },
    (error) => again({ _form: error.message }, error.kind === "conflict" ? 409 : 422),
    ["invalid", "conflict"],
  );
});

/** The section's one-click switch: on with the saved (or default) questions, or off. */
feedbackAdminPages.post("/enabled", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const id = c.req.param("id") ?? "";
  const back = `/admin/workshops/${id}#feedback`;
  const body = textFields(await c.req.parseBody());
  const enabled = body.enabled === "true";
  return noticeOnError(c, back, async () => {
    await setSurvey(c.var.services.db, c.var.actor, id, { enabled }, c.var.services.now());
    return redirectWithNotice(
      c,
      back,
      enabled ? "The survey is on: it goes out after the workshop ends." : "The survey is off.",
    );
  });
});
