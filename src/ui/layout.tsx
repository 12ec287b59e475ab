import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { type Actor, can, type Permission } from "../access/roles";
import { currentBrand } from "../brand/brand";
import {
  type AdminDictionary,
  adminDictionary,
  dictionary,
  dirOf,
  fill,
  isolate,
  LANGS,
  type Lang,
  languageOf,
  localeOf,
  otherLangs,
} from "../i18n";

export interface PageProps {
  lang: Lang;
  title: string;
  children: Child;
  /** Which navigation to show. Admin pages get the organisers' menu. */
  area?: "public" | "admin";
  actor?: Actor | null;
  /** The current path, to mark the current menu item. */
  path?: string;
  /** Admin pages: this page's path and query, where the language switch comes back to. */
  here?: string;
  /**
   * Path of this page in another language, for the language switch (public pages); undefined
   * where the page does not exist in that language.
   */
  otherLangHref?: (lang: Lang) => string | undefined;
  /** Third-party scripts this page needs (only Turnstile, and only when configured). */
  externalScripts?: string[];
  /** Language versions of this page, for <link rel="alternate" hreflang>. */
  alternates?: { lang: Lang; href: string }[];
  /** Feeds to announce in the head. */
  feeds?: { title: string; href: string }[];
  /**
   * How the page looks when shared (a link preview): a meta description, Open Graph and
   * Twitter card tags. Public pages worth sharing only: a workshop, a report.
   */
  share?: SharePreview;
  /** Stylesheets of this site a page adds after app.css (the print pages' print.css). */
  stylesheets?: string[];
}

export interface SharePreview {
  /** Absolute URL of the page. */
  url: string;
  description: string;
  /** Absolute URL of an image; the site's icon when there is nothing better. */
  image: string;
  type: "article" | "website";
}

/** The tags of a link preview (Open Graph, Twitter card) and the meta description. */
function ShareTags({ title, share, lang }: { title: string; share: SharePreview; lang: Lang }) {
  return (
    <>
      <meta name="description" content={share.description} />
      <link rel="canonical" href={share.url} />
      <meta property="og:type" content={share.type} />
      <meta property="og:title" content={title} />
      <meta property="og:description" content={share.description} />
      <meta property="og:url" content={share.url} />
      <meta property="og:image" content={share.image} />
      <meta property="og:locale" content={lang === "ar" ? "ar_AR" : "en_GB"} />
      <meta name="twitter:card" content="summary" />
      <meta name="twitter:title" content={title} />
      <meta name="twitter:description" content={share.description} />
      <meta name="twitter:image" content={share.image} />
    </>
  );
}

/** Each item shows to the roles with the permission its page requires (src/access/roles.ts). */
const ADMIN_MENU: {
  href: string;
  label: keyof AdminDictionary["layout"];
  permission?: Permission;
}[] = [
  { href: "/admin", label: "dashboard" },
  { href: "/admin/workshops", label: "workshops", permission: "workshops.manage" },
  { href: "/admin/reports", label: "reports", permission: "workshops.manage" },
  { href: "/admin/subscribers", label: "subscribers", permission: "attendees.read" },
  { href: "/admin/suppressions", label: "suppressions", permission: "suppressions.manage" },
  { href: "/admin/people", label: "people", permission: "people.manage" },
  { href: "/admin/vault", label: "dataKeys", permission: "vault.manage" },
  { href: "/admin/organisers", label: "organiserAccounts", permission: "organisers.manage" },
  { href: "/admin/tokens", label: "apiTokens" },
  { href: "/admin/mailbox", label: "mailbox", permission: "mailbox.read" },
  { href: "/admin/audit", label: "auditLog", permission: "audit.read" },
  { href: "/api/v1/docs", label: "apiReference" },
];

/**
 * The organisers' language switch: a POST (a GET never changes anything), one button per
 * other language, named in itself. It stores the choice on the organiser's account (or in a
 * cookie before sign-in and for the built-in owner) and comes back to this page.
 */
function AdminLanguageSwitch({ lang, here }: { lang: Lang; here?: string }) {
  if (LANGS.length < 2) return null;
  return (
    <li>
      <form method="post" action="/admin/language" class="inline lang-switch">
        <input type="hidden" name="back" value={here ?? "/admin"} />
        {otherLangs(lang).map((other) => (
          <button
            type="submit"
            name="lang"
            value={other}
            class="link"
            lang={other}
            dir={dirOf(other)}
            title={adminDictionary(other).layout.languageSwitch}
          >
            {languageOf(other).name}
          </button>
        ))}
      </form>
    </li>
  );
}

function MenuLink({ href, label, path }: { href: string; label: string; path?: string }) {
  return (
    <li>
      <a href={href} aria-current={path === href ? "page" : undefined}>
        {label}
      </a>
    </li>
  );
}

export function Page({
  lang,
  title,
  children,
  area = "public",
  actor,
  path,
  otherLangHref,
  externalScripts,
  alternates,
  feeds,
  share,
  stylesheets,
  here,
}: PageProps) {
  const t = dictionary(lang).ui;
  const a = adminDictionary(lang).layout;
  const brand = currentBrand();
  const orgName = brand?.name[lang] ?? t.siteName;
  const siteName = area === "admin" ? `${orgName} · ${a.organisers}` : orgName;
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={lang} dir={dirOf(lang)} data-locale={localeOf(lang)}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="no-referrer" />
          <title>{`${title} · ${siteName}`}</title>
          <link rel="icon" href="/favicon.ico" sizes="32x32" />
          <link rel="icon" href="/assets/icon.png" type="image/png" sizes="512x512" />
          <link rel="apple-touch-icon" href="/assets/icon.png" />
          {share ? <ShareTags title={title} share={share} lang={lang} /> : null}
          <link rel="stylesheet" href="/assets/app.css" />
          {stylesheets?.map((href) => (
            <link rel="stylesheet" href={href} />
          ))}
          <script src="/assets/app.js" defer />
          {alternates?.map((a) => (
            <link rel="alternate" hreflang={a.lang} href={a.href} />
          ))}
          {feeds?.map((f) => (
            <link rel="alternate" type="application/atom+xml" title={f.title} href={f.href} />
          ))}
          {externalScripts?.map((src) => (
            <script src={src} async defer />
          ))}
        </head>
        <body>
          <a class="skip" href="#main">
            {t.skipToContent}
          </a>
          <header class="site">
            <div class="bar">
              <a class="brand" href={area === "admin" ? "/admin" : "/"}>
                {brand?.logoUrl ? (
                  <img src={brand.logoUrl} alt="" height={32} class="logo" />
                ) : null}
                {siteName}
              </a>
              <nav aria-label={area === "admin" ? a.organisers : t.home}>
                <ul>
                  {area === "admin" && actor
                    ? ADMIN_MENU.filter(
                        (item) => !item.permission || can(actor.role, item.permission),
                      ).map((item) => (
                        <MenuLink href={item.href} label={a[item.label]} path={path} />
                      ))
                    : null}
                  {area === "public" ? (
                    <MenuLink href={`/?lang=${lang}`} label={t.home} path={path} />
                  ) : null}
                  {area === "public" && otherLangHref
                    ? otherLangs(lang).map((other) => {
                        const href = otherLangHref(other);
                        return href ? (
                          <li>
                            <a href={href} lang={other} hreflang={other}>
                              {languageOf(other).name}
                            </a>
                          </li>
                        ) : null;
                      })
                    : null}
                  {area === "admin" ? <AdminLanguageSwitch lang={lang} here={here} /> : null}
                  {area === "admin" && actor ? (
                    <li>
                      <form method="post" action="/admin/sign-out" class="inline">
                        <button type="submit" class="link">
                          {fill(a.signOut, { name: isolate(actor.name) })}
                        </button>
                      </form>
                    </li>
                  ) : null}
                </ul>
              </nav>
            </div>
          </header>
          <main id="main" tabindex={-1}>
            {children}
          </main>
          <footer class="site">
            <p>{area === "admin" ? a.organisersArea : t.footer}</p>
            {brand?.address ? (
              <address>
                {orgName}
                {/* Each line isolated, so "12 Hamra Street" keeps its order on an Arabic page. */}
                {brand.address.split("\n").map((line) => (
                  <>
                    <br />
                    <bdi>{line}</bdi>
                  </>
                ))}
              </address>
            ) : null}
          </footer>
        </body>
      </html>
    </>
  );
}
