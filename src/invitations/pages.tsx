// The RSVP page (/i/{token}): GET shows the invitation; only the form's POST answers it.
// The form asks the workshop's questions as the public form does (registrations/form.tsx);
// once accepted, the page shows the registration it made, as the participant's own page does.
import type { Context } from "hono";
import { Hono } from "hono";
import { throttlePublicPosts } from "../http/abuse";
import type { AppEnv } from "../http/context";
import { DEFAULT_LANG, dictionary, fill, isLang, isolate, type Lang } from "../i18n";
import { AppError } from "../lib/errors";
import { NAME_MAX } from "../lib/text";
import {
  acknowledgementErrors,
  answerErrors,
  answersFrom,
  ConfidentialityFields,
  ErrorSummary,
  isMode,
  ModeFields,
  modeErrors,
  QuestionFields,
} from "../registrations/form";
import { registrationsById } from "../registrations/lists";
import { RegistrationSummary } from "../registrations/pages";
import { getWorkshopRow } from "../registrations/service";
import { linkToken, registrationTokenExpiry } from "../registrations/tokens";
import { FieldError, type FormErrors, Notice, textFields } from "../ui/forms";
import { Page } from "../ui/layout";
import { YourData } from "../ui/your-data";
import { WhenWhere } from "../workshops/components";
import { findInvitationByToken, respond } from "./service";

export const invitationPages = new Hono<AppEnv>();

/** The registration an accepted invitation made (or joined), with a link token to it. */
async function acceptedRegistration(c: Context<AppEnv>, registrationId: string | null) {
  if (!registrationId) return null;
  const svc = c.var.services;
  const [registration] = await registrationsById(svc, [registrationId]);
  if (!registration) return null;
  const workshop = await getWorkshopRow(svc.db, registration.workshopId);
  const token = await linkToken(
    svc.settings.tokenSecret,
    "registration",
    registration.id,
    registrationTokenExpiry(workshop.endsAt, svc.now()),
  );
  return { registration, token };
}

async function rsvpPage(
  c: Context<AppEnv>,
  token: string,
  notice?: { kind: "ok" | "error"; text: string },
  status: 200 | 404 | 409 | 422 = 200,
  form?: { errors: FormErrors; values: Record<string, string> },
) {
  const found = await findInvitationByToken(c.var.services, token);
  const q = c.req.query("lang");
  const lang: Lang = isLang(q) ? q : (found?.workshop.language ?? c.get("lang"));
  const t = dictionary(lang).ui;
  if (!found) {
    return c.html(
      <Page lang={lang} title={t.linkInvalidTitle}>
        <h1>{t.linkInvalidTitle}</h1>
        <p>{t.linkInvalid}</p>
      </Page>,
      404,
    );
  }
  const { invitation, workshop } = found;
  const answerable =
    (invitation.status === "pending" || invitation.status === "sent") &&
    workshop.status !== "cancelled";
  const accepted =
    invitation.status === "accepted"
      ? await acceptedRegistration(c, invitation.registrationId)
      : null;
  const now = c.var.services.now();
  const errors = form?.errors ?? {};
  const values = form?.values ?? {};
  const nameError = errors.name;
  return c.html(
    <Page
      lang={lang}
      title={t.invitationTitle}
      otherLangHref={(other) => `/i/${token}?lang=${other}`}
    >
      <h1>{t.invitationTitle}</h1>
      <p class="lead" dir="auto">
        {workshop.title}
      </p>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {workshop.status === "cancelled" ? <Notice kind="error">{t.workshopCancelled}</Notice> : null}
      {accepted ? (
        <section aria-labelledby="your-registration">
          <h2 id="your-registration">{t.registrationTitle}</h2>
          <RegistrationSummary
            registration={accepted.registration}
            workshop={workshop}
            lang={lang}
            token={accepted.token}
            now={now}
          />
          <p>
            <a href={`/r/${accepted.token}?lang=${lang}`}>{t.manageRegistration}</a>
          </p>
        </section>
      ) : (
        <WhenWhere workshop={workshop} lang={lang} now={now} />
      )}
      {answerable ? (
        <form method="post" action={`/i/${token}?lang=${lang}`} class="stack" novalidate>
          {Object.keys(errors).length > 0 ? (
            <ErrorSummary errors={errors} questions={workshop.questions} lang={lang} />
          ) : null}
          <p>{fill(t.invitationFor, { email: isolate(invitation.email) })}</p>
          <input type="hidden" name="language" value={lang} />
          <div>
            <label for="f-name">{t.name}</label>
            <input
              id="f-name"
              name="name"
              type="text"
              value={values.name ?? invitation.name ?? ""}
              autocomplete="name"
              dir="auto"
              aria-invalid={nameError ? "true" : undefined}
              aria-describedby={nameError ? "f-name-error" : undefined}
            />
            <FieldError id="f-name" error={nameError} />
          </div>
          <QuestionFields
            questions={workshop.questions}
            lang={lang}
            errors={errors}
            values={values}
          />
          <ModeFields workshop={workshop} lang={lang} now={now} errors={errors} values={values} />
          <ConfidentialityFields workshop={workshop} lang={lang} errors={errors} values={values} />
          <div class="row">
            <button type="submit" name="response" value="accept">
              {t.accept}
            </button>
            <button type="submit" name="response" value="decline" class="secondary">
              {t.decline}
            </button>
          </div>
        </form>
      ) : !notice && !accepted ? (
        <p>
          {invitation.status === "accepted"
            ? t.invitationAccepted
            : invitation.status === "declined"
              ? t.invitationDeclined
              : t.invitationClosed}
        </p>
      ) : null}
      <YourData base={`/i/${token}`} lang={lang} />
    </Page>,
    status,
  );
}

invitationPages.get("/:token", (c) => rsvpPage(c, c.req.param("token")));

invitationPages.post("/:token", throttlePublicPosts, async (c) => {
  const token = c.req.param("token");
  const body = textFields(await c.req.parseBody());
  const lang: Lang = isLang(body.language) ? body.language : DEFAULT_LANG;
  const t = dictionary(lang).ui;
  if (body.response !== "accept" && body.response !== "decline")
    return rsvpPage(c, token, { kind: "error", text: t.fixErrors }, 422);
  const answers = answersFrom(body);
  if (body.response === "accept") {
    // Every field in one round, as on the public form; the service checks again.
    const found = await findInvitationByToken(c.var.services, token);
    const errors: FormErrors = found
      ? {
          ...answerErrors(found.workshop.questions, answers, lang),
          ...acknowledgementErrors(found.workshop, body, lang),
          ...modeErrors(found.workshop, body, lang),
        }
      : {};
    if ((body.name?.trim().length ?? 0) > NAME_MAX)
      errors.name = fill(t.nameTooLong, { max: NAME_MAX });
    if (Object.keys(errors).length > 0)
      return rsvpPage(c, token, undefined, 422, { errors, values: body });
  }
  try {
    const outcome = await respond(c.var.services, token, {
      response: body.response,
      name: body.name,
      // Always given from the page, so its required questions are enforced.
      answers,
      language: lang,
      acknowledged: body.acknowledged === "true",
      listed: body.listed === "true",
      mode: isMode(body.mode) ? body.mode : undefined,
    });
    return rsvpPage(c, token, {
      kind: "ok",
      text: outcome.status === "declined" ? t.invitationDeclined : t.invitationAccepted,
    });
  } catch (error) {
    if (error instanceof AppError && error.errors?.some((e) => e.path === "name"))
      return rsvpPage(
        c,
        token,
        { kind: "error", text: fill(t.nameTooLong, { max: NAME_MAX }) },
        422,
      );
    if (error instanceof AppError && (error.kind === "conflict" || error.kind === "invalid"))
      return rsvpPage(
        c,
        token,
        { kind: "error", text: error.message },
        error.kind === "conflict" ? 409 : 422,
      );
    if (error instanceof AppError && error.kind === "not_found")
      return rsvpPage(c, token, undefined, 404);
    throw error;
  }
});
