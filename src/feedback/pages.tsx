// The participant's survey page, /f/{token}, in their language (right to left in Arabic).
// GET only shows it (mail scanners open links); POST records the answer, once. A link that
// does not open (expired, erased, purged) gets the same page as any unknown link.
import type { Context } from "hono";
import { Hono } from "hono";
import { throttlePublicPosts } from "../http/abuse";
import type { AppEnv } from "../http/context";
import { dictionary, isLang, type Lang } from "../i18n";
import { FieldError, type FormErrors, Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { findSurveyLink, parseAnswers, type SurveyLink, submitAnswers, TEXT_MAX } from "./answers";
import { type FeedbackQuestion, questionLabel } from "./survey";

export const feedbackPages = new Hono<AppEnv>();

function langOf(c: Context<AppEnv>, link: SurveyLink | null): Lang {
  const asked = c.req.query("lang");
  return isLang(asked) ? asked : (link?.language ?? c.get("lang"));
}

function InvalidLink({ lang }: { lang: Lang }) {
  const t = dictionary(lang).ui;
  return (
    <Page lang={lang} title={t.linkInvalidTitle}>
      <h1>{t.linkInvalidTitle}</h1>
      <p>{t.linkInvalid}</p>
    </Page>
  );
}

function Message(props: { lang: Lang; token: string; title: string; text: string; kind?: "ok" }) {
  return (
    <Page
      lang={props.lang}
      title={props.title}
      otherLangHref={(other) => `/f/${props.token}?lang=${other}`}
    >
      <h1>{props.title}</h1>
      {props.kind ? <Notice kind="ok">{props.text}</Notice> : <p>{props.text}</p>}
    </Page>
  );
}

const fieldId = (q: FeedbackQuestion) => `f-${q.id}`;

function QuestionField(props: {
  question: FeedbackQuestion;
  lang: Lang;
  value?: string;
  error?: string;
}) {
  const { question: q, lang, value, error } = props;
  const t = dictionary(lang).feedback;
  const label = questionLabel(q, lang);
  const id = fieldId(q);
  const optional = q.required ? null : <span class="hint"> {t.optional}</span>;
  const wording = (
    <bdi lang={label.lang === lang ? undefined : label.lang} dir="auto">
      {label.text}
    </bdi>
  );
  if (q.type === "rating")
    return (
      <fieldset
        id={id}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : ""].filter(Boolean).join(" ")}
      >
        <legend>
          {wording}
          {optional}
        </legend>
        <p class="hint" id={`${id}-hint`}>
          {t.ratingHint}
        </p>
        <div class="row">
          {[1, 2, 3, 4, 5].map((n) => (
            <label class="check" for={`${id}-${n}`}>
              <input
                type="radio"
                id={`${id}-${n}`}
                name={q.id}
                value={String(n)}
                checked={value === String(n)}
                required={q.required && n === 1 ? true : undefined}
              />{" "}
              {n.toLocaleString(lang === "ar" ? "ar-u-nu-latn" : "en")}
              {n === 1 ? ` (${t.ratingLow})` : n === 5 ? ` (${t.ratingHigh})` : ""}
            </label>
          ))}
        </div>
        <FieldError id={id} error={error} />
      </fieldset>
    );
  return (
    <div>
      <label for={id}>
        {wording}
        {optional}
      </label>
      <textarea
        id={id}
        name={q.id}
        rows={5}
        dir="auto"
        maxlength={TEXT_MAX}
        required={q.required}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {value ?? ""}
      </textarea>
      <FieldError id={id} error={error} />
    </div>
  );
}

function SurveyPage(props: {
  link: SurveyLink;
  lang: Lang;
  token: string;
  values?: Record<string, string>;
  errors?: FormErrors;
}) {
  const { link, lang, token, values = {}, errors = {} } = props;
  const t = dictionary(lang).feedback;
  const wrong = link.questions.filter((q) => errors[q.id]);
  return (
    <Page lang={lang} title={t.title} otherLangHref={(other) => `/f/${token}?lang=${other}`}>
      <h1>{t.title}</h1>
      <p class="lead" dir="auto">
        {link.workshop.title}
      </p>
      <p>
        {/* The title isolated, so an English title keeps its order in an Arabic sentence. */}
        {t.intro.split("{title}").map((part, i) => (
          <>
            {i > 0 ? <bdi>{link.workshop.title}</bdi> : null}
            {part}
          </>
        ))}
      </p>
      {wrong.length ? (
        <div
          class="notice error error-summary"
          id="error-summary"
          role="alert"
          tabindex={-1}
          data-error-summary=""
        >
          <p>
            <strong>{t.errorSummary}</strong>
          </p>
          <ul>
            {wrong.map((q) => (
              <li>
                <a href={`#${fieldId(q)}`}>
                  <bdi>{questionLabel(q, lang).text}</bdi> {errors[q.id]}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form method="post" action={`/f/${token}?lang=${lang}`} class="stack" novalidate>
        {link.questions.map((q) => (
          <QuestionField question={q} lang={lang} value={values[q.id]} error={errors[q.id]} />
        ))}
        <div>
          <button type="submit">{t.submit}</button>
        </div>
      </form>
    </Page>
  );
}

/** What the link shows when there is no form to fill: answered, or closed. */
function finished(
  c: Context<AppEnv>,
  link: SurveyLink,
  lang: Lang,
  token: string,
  status: 200 | 409,
) {
  const t = dictionary(lang).feedback;
  if (link.answered)
    return c.html(
      <Message lang={lang} token={token} title={t.thanksTitle} text={t.alreadyAnswered} />,
      status,
    );
  return c.html(
    <Message lang={lang} token={token} title={t.closedTitle} text={t.closed} />,
    status,
  );
}

feedbackPages.get("/:token", async (c) => {
  const token = c.req.param("token");
  const link = await findSurveyLink(c.var.services, token);
  const lang = langOf(c, link);
  if (!link) return c.html(<InvalidLink lang={lang} />, 404);
  if (c.req.query("done") === "1" && link.answered) {
    const t = dictionary(lang).feedback;
    return c.html(
      <Message lang={lang} token={token} title={t.thanksTitle} text={t.thanks} kind="ok" />,
    );
  }
  if (link.answered || link.closed) return finished(c, link, lang, token, 200);
  return c.html(<SurveyPage link={link} lang={lang} token={token} />);
});

feedbackPages.post("/:token", throttlePublicPosts, async (c) => {
  const token = c.req.param("token");
  const link = await findSurveyLink(c.var.services, token);
  const lang = langOf(c, link);
  if (!link) return c.html(<InvalidLink lang={lang} />, 404);
  if (link.answered || link.closed) return finished(c, link, lang, token, 409);
  const body = await c.req.parseBody();
  const values = Object.fromEntries(
    link.questions.map((q) => [q.id, typeof body[q.id] === "string" ? (body[q.id] as string) : ""]),
  );
  const parsed = parseAnswers(link.questions, values, lang);
  if (!parsed.ok)
    return c.html(
      <SurveyPage link={link} lang={lang} token={token} values={values} errors={parsed.errors} />,
      422,
    );
  const recorded = await submitAnswers(c.var.services, link, parsed.answers);
  if (!recorded) return finished(c, { ...link, answered: true }, lang, token, 409);
  return c.redirect(`/f/${token}?lang=${lang}&done=1`, 303);
});
