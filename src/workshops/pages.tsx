// Public workshop pages: the workshop and its registration form, in English or Arabic.

import { Hono } from "hono";
import { raw } from "hono/html";
import { TURNSTILE_SCRIPT, turnstileForPage } from "../http/abuse";
import type { AppEnv } from "../http/context";
import { dictionary, type Lang } from "../i18n";
import { renderMarkdown } from "../lib/markdown";
import { plainSummary } from "../lib/text";
import { formatRange } from "../lib/time";
import {
  ConfidentialityFields,
  ConfidentialityRule,
  ErrorSummary,
  ModeFields,
  NeedsFields,
  QuestionFields,
} from "../registrations/form";
import { FieldError, type FormErrors, Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { publicAgenda, type ShownSession } from "./agenda";
import { Agenda } from "./agenda-view";
import { SeatBadge, WhenWhere } from "./components";
import { confidentialityWording } from "./confidentiality";
import { calendarFeed, jsonFeed, listedWorkshops } from "./feeds";
import { getPublishedBySlug, seatState } from "./service";
import type { Workshop } from "./types";

export const workshopPages = new Hono<AppEnv>();

function RegistrationForm({
  workshop,
  lang,
  now,
  errors = {},
  values = {},
  siteKey,
}: {
  workshop: Workshop;
  lang: Lang;
  now: Date;
  errors?: FormErrors;
  values?: Record<string, string>;
  siteKey?: string;
}) {
  const t = dictionary(lang).ui;
  const field = (
    name: string,
    label: string,
    options: { type?: string; required?: boolean; autocomplete?: string } = {},
  ) => {
    const id = `f-${name}`;
    const error = errors[name];
    return (
      <div>
        <label for={id}>
          {label} {options.required ? null : <span class="hint">({t.optional})</span>}
        </label>
        <input
          id={id}
          name={name}
          type={options.type ?? "text"}
          value={values[name] ?? ""}
          required={options.required}
          autocomplete={options.autocomplete}
          dir={options.type === "email" ? "ltr" : "auto"}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <FieldError id={id} error={error} />
      </div>
    );
  };
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <form
      method="post"
      action={`/workshops/${workshop.slug}/register?lang=${lang}`}
      class="stack"
      novalidate
    >
      {hasErrors ? (
        <ErrorSummary errors={errors} questions={workshop.questions} lang={lang} />
      ) : null}
      <input type="hidden" name="language" value={lang} />
      {field("name", t.name, { required: true, autocomplete: "name" })}
      {field("email", t.email, { type: "email", required: true, autocomplete: "email" })}
      {field("affiliation", t.affiliation, { autocomplete: "organization" })}
      <ModeFields workshop={workshop} lang={lang} now={now} errors={errors} values={values} />
      <NeedsFields lang={lang} errors={errors} values={values} />
      <QuestionFields questions={workshop.questions} lang={lang} errors={errors} values={values} />
      <ConfidentialityFields workshop={workshop} lang={lang} errors={errors} values={values} />
      <div>
        <label class="check">
          <input
            type="checkbox"
            name="receiveReport"
            value="true"
            checked={values.receiveReport !== "false"}
          />{" "}
          {t.receiveReport}
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="subscribe"
            value="true"
            checked={values.subscribe === "true"}
          />{" "}
          {t.subscribe}
        </label>
      </div>
      {siteKey ? <div class="cf-turnstile" data-sitekey={siteKey} /> : null}
      <div>
        <button type="submit">{t.submit}</button>
      </div>
    </form>
  );
}

export function WorkshopPage({
  workshop,
  lang,
  now,
  form,
  siteKey,
  appUrl,
  agenda = [],
}: {
  workshop: Workshop;
  lang: Lang;
  now: Date;
  /** The sessions as the public may see them (`publicAgenda`). */
  agenda?: ShownSession[];
  form?: { errors: FormErrors; values: Record<string, string> };
  siteKey?: string;
  /** The app's absolute base, for the link preview's URLs; none on a form's answer. */
  appUrl?: string;
}) {
  const t = dictionary(lang).ui;
  const state = seatState(workshop, now);
  const open = state.kind === "places_left" || state.kind === "waitlist_open";
  return (
    <Page
      lang={lang}
      title={workshop.title}
      otherLangHref={(other) => `/workshops/${workshop.slug}?lang=${other}`}
      externalScripts={siteKey ? [TURNSTILE_SCRIPT] : undefined}
      share={
        appUrl
          ? {
              url: `${appUrl}/workshops/${workshop.slug}`,
              // What and when; never where (a private venue) nor who.
              description:
                plainSummary(workshop.description) ||
                formatRange(workshop.startsAt, workshop.endsAt, workshop.timezone, lang),
              image: `${appUrl}/assets/icon.png`,
              type: "website",
            }
          : undefined
      }
    >
      <article>
        <h1 dir="auto">{workshop.title}</h1>
        <p>
          <SeatBadge workshop={workshop} lang={lang} now={now} />
        </p>
        {workshop.status === "cancelled" ? (
          <Notice kind="error">{t.workshopCancelled}</Notice>
        ) : null}
        <WhenWhere workshop={workshop} lang={lang} now={now} />
        <div class="prose" dir="auto">
          {raw(renderMarkdown(workshop.description))}
        </div>
        <Agenda sessions={agenda} workshop={workshop} lang={lang} />
        {confidentialityWording(workshop, lang) ? (
          <section aria-labelledby="confidentiality">
            <h2 id="confidentiality">{t.confidentialityTitle}</h2>
            <p>{t.confidentialityApplies}</p>
            <ConfidentialityRule workshop={workshop} lang={lang} />
          </section>
        ) : null}
      </article>
      {open ? (
        <section aria-labelledby="register">
          <h2 id="register">{t.registerTitle}</h2>
          {workshop.registrationMode === "approval" ? <p>{t.reviewedNote}</p> : null}
          <RegistrationForm
            workshop={workshop}
            lang={lang}
            now={now}
            errors={form?.errors}
            values={form?.values}
            siteKey={siteKey}
          />
        </section>
      ) : null}
    </Page>
  );
}

// Before "/:slug": the feeds of upcoming workshops (src/workshops/feeds.ts), cached and
// purged like the pages, readable from other sites (a centre lists them on its own).
const FEED_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Cross-Origin-Resource-Policy": "cross-origin",
};

workshopPages.get("/calendar.ics", async (c) => {
  const now = c.var.services.now();
  const list = await listedWorkshops(c.var.services.reads, now);
  const name = dictionary(c.get("lang")).ui.siteName;
  return c.body(calendarFeed(list, c.var.services.settings.appUrl, now, name), 200, {
    ...FEED_HEADERS,
    "Content-Type": "text/calendar; charset=utf-8",
    "Content-Disposition": 'inline; filename="workshops.ics"',
  });
});

workshopPages.get("/feed.json", async (c) => {
  const now = c.var.services.now();
  const list = await listedWorkshops(c.var.services.reads, now);
  return c.json(jsonFeed(list, c.var.services.settings.appUrl, now), 200, FEED_HEADERS);
});

workshopPages.get("/:slug", async (c) => {
  const { reads, now } = c.var.services;
  const workshop = await getPublishedBySlug(reads, c.req.param("slug"));
  const lang = c.get("lang");
  return c.html(
    <WorkshopPage
      workshop={workshop}
      lang={lang}
      now={now()}
      agenda={await publicAgenda(c.var.services, reads, workshop, lang, now())}
      siteKey={turnstileForPage(c)}
      appUrl={c.var.services.settings.appUrl}
    />,
  );
});
