// The participant's own page (/r/{token}): status, details, confirm, cancel, calendar.
// GET never changes anything (mail scanners open links); the buttons POST.
import type { Context } from "hono";
import { Hono } from "hono";
import { throttlePublicPosts } from "../http/abuse";
import type { AppEnv } from "../http/context";
import { type Dictionary, dictionary, fill, isLang, type Lang } from "../i18n";
import { AppError } from "../lib/errors";
import { Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { YourData } from "../ui/your-data";
import { WhenWhere } from "../workshops/components";
import { splitAround, type Workshop } from "../workshops/types";
import { registrationCalendar } from "./notices";
import { cancelByToken, findByToken, type Registration, verify } from "./service";
import { SEAT_HOLDING } from "./status";

export const registrationPages = new Hono<AppEnv>();

export function statusText(
  t: Dictionary["ui"],
  registration: Pick<Registration, "status" | "waitlistPosition">,
): string {
  const key =
    `status${registration.status[0]!.toUpperCase()}${registration.status.slice(1)}` as keyof Dictionary["ui"];
  return fill(t[key], { n: registration.waitlistPosition ?? "" });
}

const seated = (r: Registration) => SEAT_HOLDING.includes(r.status);

function InvalidLink({ lang }: { lang: Lang }) {
  const t = dictionary(lang).ui;
  return (
    <Page lang={lang} title={t.linkInvalidTitle}>
      <h1>{t.linkInvalidTitle}</h1>
      <p>{t.linkInvalid}</p>
    </Page>
  );
}

/** "Questions? Write to …": the organiser contact, for registered participants only. */
function Contact({ workshop, line }: { workshop: Workshop; line: string }) {
  if (!workshop.contactEmail) return null;
  const { before, after } = splitAround(line);
  return (
    <p class="contact">
      {before}
      <bdi>
        {workshop.contactName ? <>{workshop.contactName} </> : null}
        <a href={`mailto:${workshop.contactEmail}`}>{workshop.contactEmail}</a>
      </bdi>
      {after}
    </p>
  );
}

async function registrationPage(
  c: Context<AppEnv>,
  token: string,
  notice?: { kind: "ok" | "error"; text: string },
  status: 200 | 409 = 200,
) {
  const found = await findByToken(c.var.services, token);
  const queryLang = c.req.query("lang");
  if (!found) return c.html(<InvalidLink lang={c.get("lang")} />, 404);
  const { registration, workshop } = found;
  const lang: Lang = isLang(queryLang) ? queryLang : registration.language;
  const t = dictionary(lang).ui;
  const canCancel = [
    "pending_verification",
    "pending_approval",
    "waitlisted",
    "confirmed",
  ].includes(registration.status);
  return c.html(
    <Page
      lang={lang}
      title={t.registrationTitle}
      otherLangHref={(other) => `/r/${token}?lang=${other}`}
    >
      <h1>{t.registrationTitle}</h1>
      <p class="lead" dir="auto">
        <a href={`/workshops/${workshop.slug}?lang=${lang}`}>{workshop.title}</a>
      </p>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {workshop.status === "cancelled" ? <Notice kind="error">{t.workshopCancelled}</Notice> : null}
      <dl class="facts">
        <dt>{t.name}</dt>
        <dd>
          <bdi>{registration.name}</bdi>
        </dd>
        <dt>{t.status}</dt>
        <dd>
          <strong>{statusText(t, registration)}</strong>
        </dd>
      </dl>
      <WhenWhere
        workshop={workshop}
        lang={lang}
        seated={seated(registration)}
        now={c.var.services.now()}
      />
      <Contact workshop={workshop} line={t.contactLine} />
      {registration.status === "pending_verification" && workshop.status !== "cancelled" ? (
        <form method="post" action={`/r/${token}/verify?lang=${lang}`} class="stack">
          <p>{t.confirmHelp}</p>
          <div>
            <button type="submit">{t.confirmButton}</button>
          </div>
        </form>
      ) : null}
      {seated(registration) ? (
        <p>
          <a class="button secondary" href={`/r/${token}/calendar.ics`}>
            {t.addToCalendar}
          </a>
        </p>
      ) : null}
      {canCancel && workshop.status !== "cancelled" ? (
        <form method="post" action={`/r/${token}/cancel?lang=${lang}`} class="stack">
          <p class="muted">{t.cancelHelp}</p>
          <div>
            <button type="submit" class="danger">
              {registration.status === "waitlisted" ? t.leaveWaitlist : t.cancelButton}
            </button>
          </div>
        </form>
      ) : null}
      <YourData base={`/r/${token}`} lang={lang} />
    </Page>,
    status,
  );
}

registrationPages.get("/:token", (c) => registrationPage(c, c.req.param("token")));

registrationPages.get("/:token/calendar.ics", async (c) => {
  const found = await findByToken(c.var.services, c.req.param("token"));
  if (!found) return c.html(<InvalidLink lang={c.get("lang")} />, 404);
  const { registration, workshop } = found;
  const ics = registrationCalendar(workshop, registration, c.var.services.settings.appUrl, {
    seated: seated(registration),
    now: c.var.services.now(),
    cancelled: workshop.status === "cancelled" || registration.status === "cancelled",
  });
  return c.body(ics, 200, {
    "Content-Type": "text/calendar; charset=utf-8",
    "Content-Disposition": `attachment; filename="${workshop.slug}.ics"`,
  });
});

async function act(c: Context<AppEnv>, action: typeof verify) {
  const token = c.req.param("token")!;
  try {
    await action(c.var.services, token);
    return c.redirect(
      `/r/${token}${c.req.query("lang") ? `?lang=${c.req.query("lang")}` : ""}`,
      303,
    );
  } catch (error) {
    if (error instanceof AppError && error.kind === "not_found")
      return c.html(<InvalidLink lang={c.get("lang")} />, 404);
    if (error instanceof AppError && error.kind === "conflict")
      return registrationPage(c, token, { kind: "error", text: error.message }, 409);
    throw error;
  }
}

registrationPages.post("/:token/verify", throttlePublicPosts, (c) => act(c, verify));
registrationPages.post("/:token/cancel", throttlePublicPosts, (c) => act(c, cancelByToken));
