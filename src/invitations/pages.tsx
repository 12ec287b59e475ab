// The RSVP page (/i/{token}): GET shows the invitation; only the form's POST answers it.
import type { Context } from "hono";
import { Hono } from "hono";
import { throttlePublicPosts } from "../http/abuse";
import type { AppEnv } from "../http/context";
import { DEFAULT_LANG, dictionary, fill, isLang, type Lang } from "../i18n";
import { AppError } from "../lib/errors";
import { NAME_MAX } from "../lib/text";
import { Notice, textFields } from "../ui/forms";
import { Page } from "../ui/layout";
import { YourData } from "../ui/your-data";
import { WhenWhere } from "../workshops/components";
import { findInvitationByToken, respond } from "./service";

export const invitationPages = new Hono<AppEnv>();

async function rsvpPage(
  c: Context<AppEnv>,
  token: string,
  notice?: { kind: "ok" | "error"; text: string },
  status: 200 | 404 | 409 | 422 = 200,
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
      <WhenWhere workshop={workshop} lang={lang} now={c.var.services.now()} />
      {answerable ? (
        <form method="post" action={`/i/${token}?lang=${lang}`} class="stack">
          <p>{fill(t.invitationFor, { email: invitation.email })}</p>
          <input type="hidden" name="language" value={lang} />
          <div>
            <label for="f-name">{t.name}</label>
            <input
              id="f-name"
              name="name"
              type="text"
              value={invitation.name ?? ""}
              autocomplete="name"
              dir="auto"
            />
          </div>
          <div class="row">
            <button type="submit" name="response" value="accept">
              {t.accept}
            </button>
            <button type="submit" name="response" value="decline" class="secondary">
              {t.decline}
            </button>
          </div>
        </form>
      ) : !notice ? (
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
  try {
    const outcome = await respond(c.var.services, token, {
      response: body.response,
      name: body.name,
      language: lang,
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
