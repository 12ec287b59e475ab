// Public subscriber pages. GET never changes anything (mail scanners open links); every
// change is a POST. /u/{token} accepts RFC 8058 one-click POSTs from mail providers, with
// no cookie and no CSRF token.
import type { Context } from "hono";
import { Hono } from "hono";
import {
  requireHuman,
  TURNSTILE_FIELD,
  TURNSTILE_SCRIPT,
  throttlePublicPosts,
  turnstileForPage,
} from "../http/abuse";
import type { AppEnv } from "../http/context";
import { DEFAULT_LANG, dictionary, fill, isLang, isolate, LANGUAGES, type Lang } from "../i18n";
import { AppError } from "../lib/errors";
import { EMAIL_MAX, NAME_MAX } from "../lib/text";
import { Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import {
  confirmSubscription,
  exportSubscriber,
  subscribe,
  subscriberByManageToken,
  unsubscribeByToken,
  updatePreferences,
} from "./service";
import {
  readManageToken,
  readUnsubscribeToken,
  type UnsubscribeSubject,
  unsubscribeToken,
} from "./tokens";
import { listTopics, topicName } from "./topics";

export const subscribePages = new Hono<AppEnv>();
export const subscriberPages = new Hono<AppEnv>();
export const unsubscribePages = new Hono<AppEnv>();

async function SubscribeForm({
  c,
  lang,
  error,
  siteKey,
}: {
  c: Context<AppEnv>;
  lang: Lang;
  error?: string;
  siteKey?: string;
}) {
  const t = dictionary(lang).subscribers;
  const topics = await listTopics(c.var.services.db);
  return (
    <form method="post" action={`/subscribe?lang=${lang}`} class="stack" novalidate>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <input type="hidden" name="language" value={lang} />
      <div>
        <label for="f-email">{t.email}</label>
        <input
          id="f-email"
          name="email"
          type="email"
          required
          autocomplete="email"
          dir="ltr"
          aria-invalid={error ? "true" : undefined}
        />
      </div>
      <div>
        <label for="f-name">
          {t.name} <span class="hint">({t.optional})</span>
        </label>
        <input id="f-name" name="name" type="text" autocomplete="name" dir="auto" />
      </div>
      {topics.length ? (
        <fieldset>
          <legend>{t.topics}</legend>
          {topics.map((topic) => (
            <label class="check">
              <input type="checkbox" name="topics" value={topic.slug} /> {topicName(topic, lang)}
            </label>
          ))}
        </fieldset>
      ) : null}
      {siteKey ? <div class="cf-turnstile" data-sitekey={siteKey} /> : null}
      <div>
        <button type="submit">{t.subscribe}</button>
      </div>
    </form>
  );
}

subscribePages.get("/", async (c) => {
  const lang = c.get("lang");
  const t = dictionary(lang).subscribers;
  const siteKey = turnstileForPage(c);
  return c.html(
    <Page
      lang={lang}
      title={t.subscribeTitle}
      otherLangHref={(other) => `/subscribe?lang=${other}`}
      externalScripts={siteKey ? [TURNSTILE_SCRIPT] : undefined}
    >
      <h1>{t.subscribeTitle}</h1>
      <p class="lead">{t.subscribeIntro}</p>
      <SubscribeForm c={c} lang={lang} siteKey={siteKey} />
    </Page>,
  );
});

subscribePages.post("/", throttlePublicPosts, async (c) => {
  const body = await c.req.parseBody({ all: true });
  const lang: Lang = isLang(body.language) ? body.language : c.get("lang");
  const t = dictionary(lang).subscribers;
  const email = String(body.email ?? "").trim();
  const again = (error: string, status: 403 | 422) => {
    const siteKey = turnstileForPage(c);
    return c.html(
      <Page
        lang={lang}
        title={t.subscribeTitle}
        externalScripts={siteKey ? [TURNSTILE_SCRIPT] : undefined}
      >
        <h1>{t.subscribeTitle}</h1>
        <SubscribeForm c={c} lang={lang} error={error} siteKey={siteKey} />
      </Page>,
      status,
    );
  };
  const ui = dictionary(lang).ui;
  if (email.length > EMAIL_MAX || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    return again(ui.enterEmail, 422);
  const name = String(body.name ?? "").trim();
  if (name.length > NAME_MAX) return again(fill(ui.nameTooLong, { max: NAME_MAX }), 422);
  try {
    await requireHuman(c, String(body[TURNSTILE_FIELD] ?? ""));
    const topics = ([] as unknown[]).concat(body.topics ?? []).map(String);
    await subscribe(
      c.var.services,
      { email, name: name || undefined, language: lang, topics },
      "form",
    );
  } catch (error) {
    if (error instanceof AppError)
      return again(error.message, error.kind === "forbidden" ? 403 : 422);
    throw error;
  }
  return c.html(
    <Page lang={lang} title={t.checkEmailTitle}>
      <h1>{t.checkEmailTitle}</h1>
      <Notice kind="ok">{fill(t.checkEmail, { email: isolate(email) })}</Notice>
    </Page>,
    202,
  );
});

function Invalid({ lang }: { lang: Lang }) {
  const t = dictionary(lang).subscribers;
  return (
    <Page lang={lang} title={t.invalidTitle}>
      <h1>{t.invalidTitle}</h1>
      <p>{t.invalid}</p>
    </Page>
  );
}

const STATUS_KEY = {
  pending: "statusPending",
  active: "statusActive",
  unsubscribed: "statusUnsubscribed",
  bounced: "statusBounced",
  complained: "statusComplained",
} as const;

async function subscriberPage(c: Context<AppEnv>, token: string, notice?: string) {
  const subscriber = await subscriberByManageToken(c.var.services, c.env.TOKEN_SECRET, token);
  const q = c.req.query("lang");
  if (!subscriber) return c.html(<Invalid lang={isLang(q) ? q : c.get("lang")} />, 404);
  const lang: Lang = isLang(q) ? q : subscriber.language;
  const t = dictionary(lang).subscribers;
  const topics = await listTopics(c.var.services.db);
  const mine = new Set(subscriber.topics.map((x) => x.topicId));
  const base = `/s/${token}`;
  return c.html(
    <Page lang={lang} title={t.pageTitle} otherLangHref={(other) => `${base}?lang=${other}`}>
      <h1>{t.pageTitle}</h1>
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      <dl class="facts">
        <dt>{t.email}</dt>
        <dd class="mono">{subscriber.email}</dd>
        <dt>{t.status}</dt>
        <dd>
          <strong>{t[STATUS_KEY[subscriber.status]]}</strong>
        </dd>
      </dl>
      {subscriber.status === "pending" || subscriber.status === "unsubscribed" ? (
        <form method="post" action={`${base}/confirm?lang=${lang}`}>
          <button type="submit">{t.confirm}</button>
        </form>
      ) : null}
      {subscriber.status === "active" ? (
        <>
          <form method="post" action={`${base}?lang=${lang}`} class="stack">
            <div>
              <label for="f-language">{t.language}</label>
              <select id="f-language" name="language">
                {LANGUAGES.map((l) => (
                  <option value={l.code} selected={subscriber.language === l.code}>
                    {l.name}
                  </option>
                ))}
              </select>
            </div>
            {topics.length ? (
              <fieldset>
                <legend>{t.topics}</legend>
                {topics.map((topic) => (
                  <label class="check">
                    <input
                      type="checkbox"
                      name="topics"
                      value={topic.id}
                      checked={mine.has(topic.id)}
                    />{" "}
                    {topicName(topic, lang)}
                  </label>
                ))}
              </fieldset>
            ) : null}
            <div>
              <button type="submit">{t.save}</button>
            </div>
          </form>
          <form method="post" action={`${base}/unsubscribe?lang=${lang}`} class="stack">
            <div>
              <button type="submit" class="secondary">
                {t.unsubscribeButton}
              </button>
            </div>
          </form>
        </>
      ) : null}
      <h2>{t.exportLink}</h2>
      <p>
        <a href={`${base}/export.json`}>{t.exportLink}</a>
      </p>
      <h2>{t.eraseButton}</h2>
      <form method="post" action={`${base}/erase?lang=${lang}`} class="stack">
        <p class="muted">{t.eraseText}</p>
        <div>
          <button type="submit" class="danger">
            {t.eraseButton}
          </button>
        </div>
      </form>
    </Page>,
  );
}

subscriberPages.get("/:token", (c) => subscriberPage(c, c.req.param("token")));

subscriberPages.post("/:token/confirm", throttlePublicPosts, async (c) => {
  const token = c.req.param("token");
  try {
    await confirmSubscription(c.var.services.db, c.env.TOKEN_SECRET, token);
  } catch (error) {
    if (error instanceof AppError && error.kind === "not_found")
      return c.html(<Invalid lang={c.get("lang")} />, 404);
    throw error;
  }
  const lang = c.get("lang");
  return subscriberPage(c, token, dictionary(lang).subscribers.confirmed);
});

subscriberPages.post("/:token", throttlePublicPosts, async (c) => {
  const token = c.req.param("token");
  const id = await readManageToken(c.env.TOKEN_SECRET, token);
  if (!id) return c.html(<Invalid lang={c.get("lang")} />, 404);
  const body = await c.req.parseBody({ all: true });
  const known = new Set((await listTopics(c.var.services.db)).map((t) => t.id));
  const chosen = ([] as unknown[])
    .concat(body.topics ?? [])
    .map(String)
    .filter((t) => known.has(t));
  await updatePreferences(c.var.services.db, id, {
    language: isLang(body.language) ? body.language : DEFAULT_LANG,
    topicIds: chosen,
  });
  return subscriberPage(c, token, dictionary(c.get("lang")).subscribers.saved);
});

subscriberPages.post("/:token/unsubscribe", throttlePublicPosts, async (c) => {
  const token = c.req.param("token");
  const id = await readManageToken(c.env.TOKEN_SECRET, token);
  if (!id) return c.html(<Invalid lang={c.get("lang")} />, 404);
  await unsubscribeByToken(
    c.var.services.db,
    c.env.TOKEN_SECRET,
    await unsubscribeToken(c.env.TOKEN_SECRET, { kind: "subscriber", id }),
  );
  return subscriberPage(c, token, dictionary(c.get("lang")).subscribers.unsubscribed);
});

subscriberPages.get("/:token/export.json", async (c) => {
  const id = await readManageToken(c.env.TOKEN_SECRET, c.req.param("token"));
  if (!id) return c.html(<Invalid lang={c.get("lang")} />, 404);
  const data = await exportSubscriber(c.var.services, id);
  return c.body(JSON.stringify(data, null, 2), 200, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Disposition": 'attachment; filename="my-subscription.json"',
  });
});

/**
 * The one-click link's page names the one consent it withdraws: a subscription, or the
 * reports of the workshop a person registered for (not named: a forwarded link should not
 * tell which workshop its holder attended).
 */
function UnsubscribePage({
  lang,
  token,
  kind,
  done,
}: {
  lang: Lang;
  token: string;
  kind: UnsubscribeSubject["kind"];
  done: boolean;
}) {
  const t = dictionary(lang).subscribers;
  const words =
    kind === "subscriber"
      ? {
          title: t.unsubscribeTitle,
          text: t.unsubscribeText,
          button: t.unsubscribeButton,
          done: t.unsubscribed,
        }
      : {
          title: t.stopWorkshopTitle,
          text: t.stopWorkshopText,
          button: t.stopWorkshopButton,
          done: t.stoppedWorkshop,
        };
  return (
    <Page lang={lang} title={words.title} otherLangHref={(other) => `/u/${token}?lang=${other}`}>
      <h1>{words.title}</h1>
      {done ? (
        <Notice kind="ok">{words.done}</Notice>
      ) : (
        <form method="post" action={`/u/${token}?lang=${lang}`} class="stack">
          <p>{words.text}</p>
          <div>
            <button type="submit">{words.button}</button>
          </div>
        </form>
      )}
    </Page>
  );
}

unsubscribePages.get("/:token", async (c) => {
  const token = c.req.param("token");
  const subject = await readUnsubscribeToken(c.env.TOKEN_SECRET, token);
  if (!subject) return c.html(<Invalid lang={c.get("lang")} />, 404);
  return c.html(
    <UnsubscribePage lang={c.get("lang")} token={token} kind={subject.kind} done={false} />,
  );
});

// One click (RFC 8058): mail providers POST `List-Unsubscribe=One-Click`, without cookies,
// from another origin. The page's own button posts here too.
unsubscribePages.post("/:token", throttlePublicPosts, async (c) => {
  const token = c.req.param("token");
  const subject = await unsubscribeByToken(c.var.services.db, c.env.TOKEN_SECRET, token);
  if (!subject) return c.html(<Invalid lang={c.get("lang")} />, 404);
  return c.html(
    <UnsubscribePage lang={c.get("lang")} token={token} kind={subject.kind} done />,
    200,
  );
});
