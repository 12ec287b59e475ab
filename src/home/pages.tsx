// The public home page: what this is, upcoming workshops, latest reports.
import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import type { Lang } from "../lib/i18n";
import { Page } from "../ui/layout";
import { stringsFor } from "../ui/strings";

export const homePages = new Hono<AppEnv>();

export function otherLang(lang: Lang): Lang {
  return lang === "ar" ? "en" : "ar";
}

homePages.get("/", (c) => {
  const lang = c.get("lang");
  const t = stringsFor(lang);
  return c.html(
    <Page
      lang={lang}
      title={t.homeTitle}
      path={`/?lang=${lang}`}
      otherLangHref={`/?lang=${otherLang(lang)}`}
    >
      <h1>{t.homeTitle}</h1>
      <p class="lead">{t.homeIntro}</p>
      <section aria-labelledby="upcoming">
        <h2 id="upcoming">{t.upcoming}</h2>
        <p class="muted">{t.noUpcoming}</p>
      </section>
      <section aria-labelledby="reports">
        <h2 id="reports">{t.latestReports}</h2>
        <p class="muted">{t.noReports}</p>
      </section>
    </Page>,
  );
});
