// The public home page: what this is, upcoming workshops, latest reports.
import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { dictionary, dirOf } from "../i18n";
import { reportSummaries } from "../reports/pages";
import { listPublicReports } from "../reports/service";
import { Page } from "../ui/layout";
import { SeatBadge, WhenWhere } from "../workshops/components";
import { listUpcoming } from "../workshops/service";

export const homePages = new Hono<AppEnv>();

homePages.get("/", async (c) => {
  const lang = c.get("lang");
  const t = dictionary(lang).ui;
  const now = c.var.services.now();
  const [upcoming, latest] = await Promise.all([
    listUpcoming(c.var.services.reads, now, 20),
    listPublicReports(c.var.services.reads, now, 6),
  ]);
  return c.html(
    <Page
      lang={lang}
      title={t.homeTitle}
      path={`/?lang=${lang}`}
      otherLangHref={(other) => `/?lang=${other}`}
    >
      <h1>{t.homeTitle}</h1>
      <p class="lead">{t.homeIntro}</p>
      <section aria-labelledby="upcoming">
        <h2 id="upcoming">{t.upcoming}</h2>
        {upcoming.length === 0 ? (
          <p class="muted">{t.noUpcoming}</p>
        ) : (
          <ul class="cards">
            {upcoming.map((w) => (
              <li class="card">
                <h3 dir="auto">
                  <a href={`/workshops/${w.slug}?lang=${lang}`}>{w.title}</a>
                </h3>
                <WhenWhere workshop={w} lang={lang} now={now} />
                <SeatBadge workshop={w} lang={lang} now={now} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="reports">
        <h2 id="reports">{t.latestReports}</h2>
        {latest.length === 0 ? (
          <p class="muted">{t.noReports}</p>
        ) : (
          <ul class="cards">
            {reportSummaries(latest, lang).map(({ report, version }) => (
              <li class="card" lang={version.language} dir={dirOf(version.language)}>
                <h3>
                  <a href={`/reports/${report.slug}?lang=${version.language}`}>{version.title}</a>
                </h3>
                {version.summary ? <p>{version.summary}</p> : null}
              </li>
            ))}
          </ul>
        )}
        <p>
          <a href={`/reports?lang=${lang}`}>{t.allReports}</a> ·{" "}
          <a href={`/subscribe?lang=${lang}`}>{t.subscribeLink}</a>
        </p>
      </section>
    </Page>,
  );
});
