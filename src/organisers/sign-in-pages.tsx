// Sign-in and sign-out: by an emailed link (whose page POSTs, so mail scanners cannot spend
// it) or with the admin token.
import { z } from "@hono/zod-openapi";
import { type Context, Hono } from "hono";
import { setCookie } from "hono/cookie";
import { SIGN_IN_RETRY_AFTER_SECONDS, signInAllowed } from "../http/abuse";
import { ADMIN_LANG_COOKIE, adminLang, adminPage } from "../http/admin-lang";
import { afterAnswer } from "../http/after-answer";
import type { AppContext, AppEnv } from "../http/context";
import { adminDictionary, isLang } from "../i18n";
import { Field, Notice, parseForm } from "../ui/forms";
import { Page } from "../ui/layout";
import { clearSessionCookie, cookieIsSecure, setSessionCookie } from "./auth";
import { setOrganiserLanguage } from "./service";
import {
  redeemSignInLink,
  requestSignInLink,
  signInLinkIsUsable,
  signInWithAdminToken,
  signOut,
} from "./sign-in";

export const sessionPages = new Hono<AppEnv>();

/** Only same-site relative paths, so `next` cannot send people elsewhere after sign-in. */
function safeNext(value: unknown): string {
  return typeof value === "string" && value.startsWith("/admin") && !value.startsWith("//")
    ? value
    : "/admin";
}

const words = (c: AppContext) => adminDictionary(adminLang(c)).signIn;

function SignInForms({
  c,
  next,
  error,
  sent,
}: {
  c: AppContext;
  next: string;
  error?: string;
  sent?: boolean;
}) {
  const t = words(c);
  return (
    <>
      <h1>{t.title}</h1>
      {sent ? <Notice kind="ok">{t.sent}</Notice> : null}
      <form method="post" action="/admin/sign-in" class="stack">
        <input type="hidden" name="next" value={next} />
        <Field
          name="email"
          label={t.emailLabel}
          type="email"
          autocomplete="email"
          required
          error={error}
        />
        <div>
          <button type="submit">{t.sendLink}</button>
        </div>
      </form>
      <h2>{t.tokenHeading}</h2>
      <p class="muted">{t.tokenHint}</p>
      <form method="post" action="/admin/token-sign-in" class="stack">
        <input type="hidden" name="next" value={next} />
        <Field name="token" label={t.tokenLabel} type="password" autocomplete="off" required />
        <div>
          <button type="submit" class="secondary">
            {t.tokenButton}
          </button>
        </div>
      </form>
    </>
  );
}

sessionPages.get("/sign-in", (c) =>
  c.html(
    <Page {...adminPage(c)} title={words(c).title}>
      <SignInForms c={c} next={safeNext(c.req.query("next"))} sent={c.req.query("sent") === "1"} />
    </Page>,
  ),
);

/**
 * 429 for a sign-in attempt over the limit (src/http/abuse.ts). The same page whichever
 * key ran out and whether or not the address has an account.
 */
function tooManyAttempts(c: Context<AppEnv>, next: string) {
  c.header("Retry-After", String(SIGN_IN_RETRY_AFTER_SECONDS));
  return c.html(
    <Page {...adminPage(c)} title={words(c).tooManyTitle}>
      <Notice kind="error">{words(c).tooMany}</Notice>
      <SignInForms c={c} next={next} />
    </Page>,
    429,
  );
}

sessionPages.post("/sign-in", async (c) => {
  const body = await c.req.parseBody();
  const parsed = parseForm(z.object({ email: z.email(words(c).emailInvalid) }), body);
  const next = safeNext(body.next);
  if (!(await signInAllowed(c, parsed.ok ? parsed.data.email : undefined)))
    return tooManyAttempts(c, next);
  if (!parsed.ok) {
    return c.html(
      <Page {...adminPage(c)} title={words(c).title}>
        <SignInForms c={c} next={next} error={parsed.errors.email} />
      </Page>,
      422,
    );
  }
  // After the answer: looking the address up and writing the email take time only when it
  // has an account, and the answer must not say so by how long it took.
  afterAnswer(
    c,
    "sign-in link request",
  )(() => requestSignInLink(c.var.services, parsed.data.email));
  return c.redirect(`/admin/sign-in?sent=1&next=${encodeURIComponent(next)}`, 303);
});

sessionPages.post("/token-sign-in", async (c) => {
  const body = await c.req.parseBody();
  if (!(await signInAllowed(c))) return tooManyAttempts(c, safeNext(body.next));
  const token = await signInWithAdminToken(
    c.var.services.db,
    c.env.ADMIN_TOKEN,
    String(body.token ?? ""),
  );
  if (!token) {
    return c.html(
      <Page {...adminPage(c)} title={words(c).title}>
        <Notice kind="error">{words(c).wrongToken}</Notice>
        <SignInForms c={c} next={safeNext(body.next)} />
      </Page>,
      401,
    );
  }
  setSessionCookie(c, token);
  return c.redirect(safeNext(body.next), 303);
});

// The link in the email opens this page; only its button (a POST) uses the link, so mail
// scanners that open links cannot spend it.
sessionPages.get("/sign-in/:token", async (c) => {
  const usable = await signInLinkIsUsable(c.var.services.db, c.req.param("token"));
  const t = words(c);
  return c.html(
    <Page {...adminPage(c)} title={t.title}>
      <h1>{t.title}</h1>
      {usable ? (
        <form method="post" class="stack">
          <p>{t.continue}</p>
          <div>
            <button type="submit">{t.button}</button>
          </div>
        </form>
      ) : (
        <>
          <Notice kind="error">{t.linkExpired}</Notice>
          <p>
            <a href="/admin/sign-in">{t.askNewLink}</a>
          </p>
        </>
      )}
    </Page>,
    usable ? 200 : 410,
  );
});

sessionPages.post("/sign-in/:token", async (c) => {
  const result = await redeemSignInLink(c.var.services.db, c.req.param("token"));
  if (!result) {
    const t = words(c);
    return c.html(
      <Page {...adminPage(c)} title={t.title}>
        <h1>{t.title}</h1>
        <Notice kind="error">{t.linkExpired}</Notice>
        <p>
          <a href="/admin/sign-in">{t.askNewLink}</a>
        </p>
      </Page>,
      410,
    );
  }
  setSessionCookie(c, result.sessionToken);
  return c.redirect("/admin", 303);
});

sessionPages.post("/sign-out", async (c) => {
  const actor = c.var.actor;
  if (actor) await signOut(c.var.services.db, actor);
  clearSessionCookie(c);
  return c.redirect("/admin/sign-in", 303);
});

/** Where the language switch may send back to: this site's admin pages and API reference. */
function safeBack(value: unknown): string {
  return typeof value === "string" &&
    (value.startsWith("/admin") || value.startsWith("/api/v1/docs")) &&
    !value.startsWith("//")
    ? value
    : "/admin";
}

const LANG_COOKIE_SECONDS = 365 * 24 * 60 * 60;

// The admin language switch (a form in every admin page's header). A signed-in organiser's
// choice is stored on their account, so it follows them to any browser; the cookie keeps
// it for the sign-in pages and for the built-in owner, which has no account row.
sessionPages.post("/language", async (c) => {
  const body = await c.req.parseBody();
  const back = safeBack(body.back);
  const lang = body.lang;
  if (!isLang(lang)) return c.redirect(back, 303);
  const actor = c.var.actor;
  if (actor?.organiserId) await setOrganiserLanguage(c.var.services.db, actor.organiserId, lang);
  setCookie(c, ADMIN_LANG_COOKIE, lang, {
    path: "/",
    sameSite: "Lax",
    httpOnly: true,
    secure: cookieIsSecure(c),
    maxAge: LANG_COOKIE_SECONDS,
  });
  return c.redirect(back, 303);
});
