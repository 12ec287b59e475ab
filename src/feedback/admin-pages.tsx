// Organisers' side of the feedback survey: a section of the workshop's admin page (whether
// it is on, who it goes to, the results once there are enough answers, the CSV) and the
// survey's own page, where its questions are written per language. Every change is audited
// by the service.
import type { Context } from "hono";
import { Hono } from "hono";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import {
  type AdminWords,
  adminDictionary,
  fill,
  formatNumber,
  LANGS,
  type Lang,
  localeOf,
} from "../i18n";
import { onServiceError } from "../lib/errors";
import { formatInstant } from "../lib/time";
import { issueMessage } from "../ui/form-errors";
import { FieldError, type FormErrors, Notice, textFields } from "../ui/forms";
import { Page } from "../ui/layout";
import { serviceMessage } from "../ui/service-messages";
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
const words = (c: AppContext) => adminDictionary(adminLang(c));

/** A sentence with a count: its singular wording for one, else its plural one. */
const byCount = (n: number, one: string, many: string, lang: Lang) =>
  fill(n === 1 ? one : many, { n: formatNumber(n, lang) });

const averages = new Map<string, Intl.NumberFormat>();
/** An average with two decimals, in the page's digits ("3.67", "٣٫٦٧"). */
function formatAverage(n: number, lang: Lang): string {
  const locale = localeOf(lang);
  let format = averages.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    averages.set(locale, format);
  }
  return format.format(n);
}

/** The feedback section of a workshop's admin page, as the page composes it. */
export const feedbackSection: Section<Workshop> = {
  async load(c, workshop) {
    const [survey, results] = await Promise.all([
      getSurvey(c.var.services.db, workshop.id),
      feedbackResults(c.var.services, workshop.id),
    ]);
    return {
      rows: 0,
      view: <FeedbackSection a={words(c)} workshop={workshop} survey={survey} results={results} />,
    };
  },
};

function FeedbackSection(props: {
  a: AdminWords;
  workshop: Workshop;
  survey: Survey;
  results: Results;
}) {
  const { a, workshop: w, survey, results } = props;
  const t = a.feedback;
  const questions = survey.questions.length;
  const min = formatNumber(MIN_ANSWERS, a.lang);
  return (
    <>
      <h2 id="feedback">{t.heading}</h2>
      <p>
        {survey.enabled ? (
          <>
            <strong>{t.on}</strong>{" "}
            {fill(t.onExplain, { end: formatInstant(w.endsAt, w.timezone, a.lang) })}
          </>
        ) : (
          <>
            <strong>{t.off}</strong>{" "}
            {fill(questions === 1 ? t.offExplainOne : t.offExplainMany, {
              n: formatNumber(questions, a.lang),
              default: survey.saved ? "" : t.defaultSurvey,
            })}
          </>
        )}{" "}
        {survey.sent > 0 ? byCount(survey.sent, t.sentOne, t.sentMany, a.lang) : ""}
      </p>
      <p class="muted">{fill(t.anonymous, { min })}</p>
      {w.purgedAt ? null : (
        <form method="post" action={`${base(w.id)}/enabled`} class="row">
          <input type="hidden" name="enabled" value={survey.enabled ? "false" : "true"} />
          <button type="submit" class={survey.enabled ? "secondary" : undefined}>
            {survey.enabled ? t.turnOff : t.turnOn}
          </button>
          <a class="button secondary" href={base(w.id)}>
            {survey.sent > 0 ? t.seeQuestions : t.editQuestions}
          </a>
        </form>
      )}
      <ResultsView a={a} workshopId={w.id} results={results} />
    </>
  );
}

function ResultsView({
  a,
  workshopId,
  results,
}: {
  a: AdminWords;
  workshopId: string;
  results: Results;
}) {
  const t = a.feedback;
  const n = (value: number) => formatNumber(value, a.lang);
  if (!results.shown)
    return <p>{results.sent > 0 ? fill(t.noResults, { min: n(MIN_ANSWERS) }) : ""}</p>;
  const ratings = results.questions.filter(
    (q): q is Extract<QuestionResult, { distribution: unknown }> => "distribution" in q,
  );
  const texts = results.questions.filter(
    (q): q is Extract<QuestionResult, { comments: string[] }> => "comments" in q,
  );
  return (
    <div class="stack" id="feedback-results">
      <h3>{t.results}</h3>
      <p>
        {fill(t.answersFrom, { answers: n(results.answers), sent: n(results.sent) })}{" "}
        <a href={`/api/v1/workshops/${workshopId}/feedback/results.csv?excel=true`}>
          {t.exportCsv}
        </a>
      </p>
      {ratings.length ? (
        <DataTable headers={[t.question, t.answers, t.average, ...[1, 2, 3, 4, 5].map(n)]}>
          {ratings.map((r) => (
            <tr>
              <td>
                <QuestionText question={r.question} lang={a.lang} />
              </td>
              <td>{n(r.answered)}</td>
              <td>{r.average === null ? "–" : formatAverage(r.average, a.lang)}</td>
              {r.distribution.map((count) => (
                <td>{n(count)}</td>
              ))}
            </tr>
          ))}
        </DataTable>
      ) : null}
      {texts.map((r) => (
        <section class="stack">
          <h4>
            <QuestionText question={r.question} lang={a.lang} />
          </h4>
          {r.comments.length ? (
            <ul>
              {r.comments.map((comment) => (
                <li dir="auto">{comment}</li>
              ))}
            </ul>
          ) : (
            <p class="muted">{t.noComments}</p>
          )}
          <p class="muted">{t.randomOrder}</p>
        </section>
      ))}
    </div>
  );
}

function QuestionText({ question, lang: reader }: { question: FeedbackQuestion; lang: Lang }) {
  const { text, lang } = questionLabel(question, reader);
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
  const view = adminPage(c);
  const a = adminDictionary(view.lang);
  const t = a.feedback;
  const fixed = survey.sent > 0;
  const messages = Object.values(errors);
  return (
    <Page {...view} title={t.heading} path="/admin/workshops">
      <p>
        <a href={`/admin/workshops/${w.id}#feedback`}>{t.backToWorkshop}</a>
      </p>
      <h1>{t.heading}</h1>
      <p class="lead" dir="auto">
        {w.title}
      </p>
      <FlashNotice c={c} />
      {messages.length ? (
        <Notice kind="error">
          <p>{t.attention}</p>
          <ul>
            {messages.map((m) => (
              <li>{m}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <p>{fill(t.editorExplain, { min: formatNumber(MIN_ANSWERS, a.lang) })}</p>
      <form method="post" action={base(w.id)} class="stack">
        <label class="check">
          <input type="checkbox" name="enabled" value="true" checked={props.enabled} />{" "}
          {t.sendAfter}
        </label>
        {fixed ? (
          <Notice>{byCount(survey.sent, t.fixedOne, t.fixedMany, a.lang)}</Notice>
        ) : (
          <p class="muted">{fill(t.editorHint, { max: formatNumber(MAX_QUESTIONS, a.lang) })}</p>
        )}
        {rows.map((row, i) => (
          <QuestionFields a={a} row={row} index={i} errors={errors} disabled={fixed} />
        ))}
        <div>
          <button type="submit">{t.save}</button>
        </div>
      </form>
    </Page>
  );
}

function QuestionFields(props: {
  a: AdminWords;
  row: QuestionRow;
  index: number;
  errors: FormErrors;
  disabled: boolean;
}) {
  const { a, row, index: i, errors, disabled } = props;
  const t = a.feedback;
  const name = (part: string) => `q${i}_${part}`;
  const labelError = errors[name("label")];
  return (
    <fieldset>
      <legend>{fill(t.questionN, { n: formatNumber(i + 1, a.lang) })}</legend>
      <div>
        <label for={`f-${name("type")}`}>{t.kind}</label>
        <select id={`f-${name("type")}`} name={name("type")} disabled={disabled}>
          <option value="rating" selected={row.type !== "text"}>
            {t.rating}
          </option>
          <option value="text" selected={row.type === "text"}>
            {t.text}
          </option>
        </select>
      </div>
      {LANGS.map((l) => {
        const id = `f-${name(l)}`;
        return (
          <div>
            <label for={id}>{fill(t.inLanguage, { language: a.languageNames[l] })}</label>
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
        {t.required}
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
    const a = words(c);
    const errors: FormErrors = {};
    for (const issue of parsed.error.issues) {
      const [, k] = issue.path;
      const row = typeof k === "number" ? asked[k] : undefined;
      const key = row === undefined ? "_form" : `q${row}_label`;
      const message = issueMessage(issue, a.lang);
      errors[key] ??=
        row === undefined
          ? message
          : fill(a.feedback.questionError, { n: formatNumber(row + 1, a.lang), message });
    }
    return again(errors, 422);
  }
  return onServiceError(
    async () => {
      await setSurvey(db, c.var.actor, workshop.id, parsed.data, c.var.services.now());
      return redirectWithNotice(
        c,
        `/admin/workshops/${workshop.id}#feedback`,
        enabled ? words(c).feedback.saved : words(c).feedback.savedOff,
      );
    },
    (error) =>
      again(
        { _form: serviceMessage(error.message, adminLang(c)) },
        error.kind === "conflict" ? 409 : 422,
      ),
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
      enabled ? words(c).feedback.nowOn : words(c).feedback.nowOff,
    );
  });
});
