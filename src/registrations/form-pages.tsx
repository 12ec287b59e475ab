// The public registration form's POST (/workshops/{slug}/register): the same registration
// as the public API, answered with the workshop page again (every field's error at once,
// listed in a summary that takes the focus, and next to its field) or a page that says what
// happens next.
import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import {
  requireHuman,
  TURNSTILE_FIELD,
  throttlePublicPosts,
  turnstileForPage,
} from "../http/abuse";
import { afterAnswer } from "../http/after-answer";
import type { AppEnv } from "../http/context";
import { DEFAULT_LANG, dictionary, fill, isolate } from "../i18n";
import { AppError } from "../lib/errors";
import { NAME_MAX } from "../lib/text";
import { type FormErrors, Notice, parseForm, textFields } from "../ui/forms";
import { Page } from "../ui/layout";
import { publicAgenda } from "../workshops/agenda";
import { WorkshopPage } from "../workshops/pages";
import { getPublishedBySlugWithKey } from "../workshops/service";
import { acknowledgementErrors, answerErrors, answersFrom, isMode, modeErrors } from "./form";
import { NEEDS, NEEDS_MAX, needsFields } from "./needs";
import { emailField, nameField } from "./schemas";
import { register } from "./service";

/** Mounted at /workshops/:slug/register. */
export const registrationFormPages = new Hono<AppEnv>();

const AFFILIATION_MAX = 200;

const RegistrationFormSchema = z.object({
  name: nameField,
  email: emailField,
  affiliation: z.string().trim().max(AFFILIATION_MAX).optional(),
  ...needsFields,
});

registrationFormPages.post("/", throttlePublicPosts, async (c) => {
  const lang = c.get("lang");
  const t = dictionary(lang).ui;
  const workshop = await getPublishedBySlugWithKey(c.var.services, c.req.param("slug") ?? "");
  const body = textFields(await c.req.parseBody());
  const values = Object.fromEntries(
    Object.entries(body).filter(([, v]) => typeof v === "string"),
  ) as Record<string, string>;
  if (!values.receiveReport) values.receiveReport = "false";
  const parsed = parseForm(RegistrationFormSchema, {
    ...values,
    affiliation: values.affiliation || undefined,
    accessibility: values.accessibility || undefined,
    dietary: values.dietary || undefined,
  });
  const errors: FormErrors = {};
  if (!parsed.ok) {
    const tooLong = (field: string, max: number) => (values[field]?.trim().length ?? 0) > max;
    if (parsed.errors.name)
      errors.name = tooLong("name", NAME_MAX)
        ? fill(t.nameTooLong, { max: NAME_MAX })
        : t.enterName;
    if (parsed.errors.email) errors.email = t.enterEmail;
    if (parsed.errors.affiliation) errors.affiliation = fill(t.tooLong, { max: AFFILIATION_MAX });
    for (const need of NEEDS)
      if (parsed.errors[need]) errors[need] = fill(t.tooLong, { max: NEEDS_MAX });
  }
  // Every field in one round: the workshop's questions are checked with the name and
  // address, so a person fixes everything at once, not a second list after the first.
  const answers = answersFrom(values);
  Object.assign(errors, answerErrors(workshop.questions, answers, lang));
  Object.assign(errors, acknowledgementErrors(workshop, values, lang));
  Object.assign(errors, modeErrors(workshop, values, lang));
  const explain = async (status: 409 | 422 | 403) =>
    c.html(
      <WorkshopPage
        workshop={workshop}
        lang={lang}
        now={c.var.services.now()}
        agenda={
          await publicAgenda(
            c.var.services,
            c.var.services.db,
            workshop,
            lang,
            c.var.services.now(),
          )
        }
        form={{ errors, values }}
        siteKey={turnstileForPage(c)}
      />,
      status,
    );
  if (Object.keys(errors).length > 0) return explain(422);
  try {
    await requireHuman(c, values[TURNSTILE_FIELD]);
    const data = parsed.ok ? parsed.data : { name: "", email: "" };
    const outcome = await register(
      c.var.services,
      workshop,
      {
        ...data,
        answers,
        language: lang,
        receiveReport: values.receiveReport === "true",
        subscribe: values.subscribe === "true",
        acknowledged: values.acknowledged === "true",
        listed: values.listed === "true",
        mode: isMode(values.mode) ? values.mode : undefined,
      },
      c.var.services.now(),
      { after: afterAnswer(c, "registration follow-up") },
    );
    const title = outcome.verification ? t.checkEmailTitle : t.registeredTitle;
    return c.html(
      <Page lang={lang} title={title}>
        <h1>{title}</h1>
        <Notice kind="ok">
          {fill(outcome.verification ? t.checkEmail : t.registeredEmail, {
            email: isolate(data.email),
          })}
        </Notice>
        <p>
          <a href={`/workshops/${workshop.slug}?lang=${lang}`}>{t.backToWorkshop}</a>
        </p>
      </Page>,
      outcome.verification ? 202 : 201,
    );
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // The service's messages are in English; other languages get the general wording.
    for (const e of error.errors ?? [])
      errors[e.path] = lang === DEFAULT_LANG ? e.message : t.fieldInvalid;
    if (!error.errors?.length) errors._form = error.message;
    return explain(error.kind === "conflict" ? 409 : error.kind === "forbidden" ? 403 : 422);
  }
});
