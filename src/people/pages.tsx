// Self-service export and erasure, from the links people get by email: a subscriber's
// (/s/{token}), a registrant's (/r/{token}) and an invitee's (/i/{token}). GET never changes
// anything (mail scanners open links): the confirmation is a page, erasing is its POST.
import type { Context } from "hono";
import { Hono } from "hono";
import { throttlePublicPosts } from "../http/abuse";
import type { AppEnv } from "../http/context";
import { dictionary, fill, isLang, type Lang } from "../i18n";
import { AppError } from "../lib/errors";
import { readManageToken } from "../subscribers/tokens";
import { Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import {
  type AtWorkshop,
  atWorkshopByInvitationToken,
  atWorkshopByRegistrationToken,
  eraseAtWorkshop,
  eraseSubscriber,
  exportAtWorkshop,
} from "./service";

/** Mounted at /s, beside the subscriber's own page. */
export const subscriberErasurePages = new Hono<AppEnv>();

/** The answer to a link that is not valid (any more): the same for every kind of link. */
function InvalidLink({ lang }: { lang: Lang }) {
  const t = dictionary(lang).ui;
  return (
    <Page lang={lang} title={t.linkInvalidTitle}>
      <h1>{t.linkInvalidTitle}</h1>
      <p>{t.linkInvalid}</p>
    </Page>
  );
}

subscriberErasurePages.post("/:token/erase", throttlePublicPosts, async (c) => {
  const id = await readManageToken(c.env.TOKEN_SECRET, c.req.param("token"));
  const lang = c.get("lang");
  if (!id) return c.html(<InvalidLink lang={lang} />, 404);
  try {
    await eraseSubscriber(c.var.services, null, id);
  } catch (error) {
    if (!(error instanceof AppError && error.kind === "not_found")) throw error;
  }
  const t = dictionary(lang).subscribers;
  return c.html(
    <Page lang={lang} title={t.eraseButton}>
      <h1>{t.eraseButton}</h1>
      <Notice kind="ok">{t.erased}</Notice>
    </Page>,
  );
});

/**
 * The export and erasure pages under one kind of link: `base` is where they are mounted
 * (`/r` or `/i`), `find` the person at the workshop the link is about.
 */
function selfService(base: "/r" | "/i", find: typeof atWorkshopByRegistrationToken) {
  const pages = new Hono<AppEnv>();

  const langOf = (c: Context<AppEnv>, at: AtWorkshop | null): Lang => {
    const q = c.req.query("lang");
    return isLang(q) ? q : (at?.workshop.language ?? c.get("lang"));
  };

  pages.get("/:token/export.json", async (c) => {
    const at = await find(c.var.services, c.req.param("token"));
    if (!at) return c.html(<InvalidLink lang={langOf(c, null)} />, 404);
    const data = await exportAtWorkshop(c.var.services, at);
    return c.body(JSON.stringify(data, null, 2), 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="my-data-${at.workshop.slug}.json"`,
    });
  });

  pages.get("/:token/erase", async (c) => {
    const token = c.req.param("token");
    const at = await find(c.var.services, token);
    const lang = langOf(c, at);
    if (!at) return c.html(<InvalidLink lang={lang} />, 404);
    const t = dictionary(lang).people;
    return c.html(
      <Page
        lang={lang}
        title={t.eraseTitle}
        otherLangHref={(other) => `${base}/${token}/erase?lang=${other}`}
      >
        <h1>{t.eraseTitle}</h1>
        <form method="post" action={`${base}/${token}/erase?lang=${lang}`} class="stack">
          <p>{fill(t.eraseText, { title: at.workshop.title })}</p>
          <input type="hidden" name="confirm" value="yes" />
          <div class="row">
            <button type="submit" class="danger">
              {t.eraseConfirm}
            </button>
            <a class="button secondary" href={`${base}/${token}?lang=${lang}`}>
              {t.keep}
            </a>
          </div>
        </form>
      </Page>,
    );
  });

  pages.post("/:token/erase", throttlePublicPosts, async (c) => {
    const token = c.req.param("token");
    const at = await find(c.var.services, token);
    const lang = langOf(c, at);
    if (!at) return c.html(<InvalidLink lang={lang} />, 404);
    const body = await c.req.parseBody();
    // Only the confirmation page's button erases; any other post goes to that page.
    if (body.confirm !== "yes") return c.redirect(`${base}/${token}/erase?lang=${lang}`, 303);
    await eraseAtWorkshop(c.var.services, at);
    const t = dictionary(lang).people;
    return c.html(
      <Page lang={lang} title={t.erasedTitle}>
        <h1>{t.erasedTitle}</h1>
        <Notice kind="ok">{t.erased}</Notice>
      </Page>,
    );
  });

  return pages;
}

/** Mounted at /r, beside the registration's own page. */
export const registrationSelfServicePages = selfService("/r", atWorkshopByRegistrationToken);
/** Mounted at /i, beside the invitation's own page. */
export const invitationSelfServicePages = selfService("/i", atWorkshopByInvitationToken);
