// The language of the organisers' pages. Each organiser chooses it (organisers.language,
// carried on the actor); the built-in owner behind ADMIN_TOKEN has no row, so its choice is
// a cookie; before anyone is signed in (the sign-in pages) it is `?lang=`, that cookie, the
// public pages' `lang` cookie, then the browser's Accept-Language. English by default.
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { DEFAULT_LANG, isLang, type Lang, pickLang } from "../i18n";
import type { AppContext, AppEnv } from "./context";

/** The cookie the admin language switch leaves (also read by the sign-in pages). */
export const ADMIN_LANG_COOKIE = "admin_lang";

export function adminLang(c: AppContext): Lang {
  const actor = c.var.actor;
  if (actor?.language) return actor.language;
  const cookie = getCookie(c, ADMIN_LANG_COOKIE);
  if (actor) return isLang(cookie) ? cookie : DEFAULT_LANG;
  return pickLang(
    c.req.query("lang"),
    cookie ?? getCookie(c, "lang"),
    c.req.header("accept-language"),
  );
}

/**
 * Mounted on /admin after `authenticate`: the admin language becomes the request's `lang`,
 * so error pages and every admin page read it from `c.var.lang`.
 */
export const adminLanguage: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("lang", adminLang(c));
  await next();
};

const FLASH_PARAMS = ["notice", "kind"];

/** This page's path and query, without a one-time notice: where the language switch returns. */
export function herePath(c: AppContext): string {
  const url = new URL(c.req.url);
  for (const name of FLASH_PARAMS) url.searchParams.delete(name);
  return url.pathname + url.search;
}

/**
 * The props every admin page passes to Page: `<Page {...adminPage(c)} title=… path=…>`.
 */
export function adminPage(c: AppContext) {
  return {
    lang: adminLang(c),
    area: "admin" as const,
    actor: c.var.actor,
    here: herePath(c),
  };
}
