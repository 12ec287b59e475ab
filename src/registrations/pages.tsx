// The participant's own page (/r/{token}): status, details, confirm, cancel (after a
// confirmation step), restore a cancellation, calendar. GET never changes anything (mail
// scanners open links); the buttons POST.
import type { Context } from "hono";
import { Hono } from "hono";
import { throttlePublicPosts } from "../http/abuse";
import { afterAnswer } from "../http/after-answer";
import type { AppEnv } from "../http/context";
import { type Dictionary, dictionary, fill, isLang, type Lang } from "../i18n";
import { AppError } from "../lib/errors";
import { Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { YourData } from "../ui/your-data";
import { participantAgenda } from "../workshops/agenda";
import { Agenda, agendaText } from "../workshops/agenda-view";
import { WhenWhere } from "../workshops/components";
import { splitAround, type Workshop } from "../workshops/types";
import { registrationCalendar } from "./notices";
import { type ListedPerson, participantList, setListed } from "./participant-list";
import {
  cancelByToken,
  findByToken,
  type Registration,
  restorable,
  restorableBy,
  restoreByToken,
  verify,
} from "./service";
import { type RegistrationStatus, SEAT_HOLDING } from "./status";

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

/** What a participant sees of their registration: name, status, when and where, calendar. */
export function RegistrationSummary({
  registration,
  workshop,
  lang,
  token,
  now,
}: {
  registration: Registration;
  workshop: Workshop;
  lang: Lang;
  token: string;
  now: Date;
}) {
  const t = dictionary(lang).ui;
  return (
    <>
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
        mode={registration.mode}
        now={now}
      />
      {seated(registration) ? (
        <p>
          <a class="button secondary" href={`/r/${token}/calendar.ics`}>
            {t.addToCalendar}
          </a>
        </p>
      ) : null}
    </>
  );
}

const CANCELLABLE: readonly RegistrationStatus[] = [
  "pending_verification",
  "pending_approval",
  "waitlisted",
  "confirmed",
];

/** What restoring would do, said before the button: a seat or the waitlist, or review. */
function restoreHelp(t: Dictionary["ui"], registration: Registration, workshop: Workshop) {
  const approval =
    workshop.registrationMode === "approval" &&
    (registration.previousStatus === "pending_approval" ||
      registration.previousStatus === "pending_verification");
  if (approval) return t.restoreHelpApproval;
  return workshop.waitlist ? t.restoreHelp : t.restoreHelpNoWaitlist;
}

/** The notice after a cancel or restore (the redirect's `done`), from the status now. */
function doneNotice(t: Dictionary["ui"], done: string | undefined, registration: Registration) {
  if (done === "cancelled" && registration.status === "cancelled")
    return { kind: "ok" as const, text: t.cancelledNotice };
  if (done !== "restored") return undefined;
  const text = {
    confirmed: t.restoredConfirmed,
    waitlisted: fill(t.restoredWaitlisted, { n: registration.waitlistPosition ?? "" }),
    pending_approval: t.restoredPending,
  }[registration.status as string];
  return text ? { kind: "ok" as const, text } : undefined;
}

const withLang = (path: string, lang: string | undefined, extra = "") => {
  const query = [isLang(lang) ? `lang=${lang}` : "", extra].filter(Boolean).join("&");
  return query ? `${path}?${query}` : path;
};

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

/**
 * The participant list (./participant-list.ts): the others who opted in, when this person may
 * see them, and the button to join or leave it. Only on this token-bound page, never cached.
 */
function ParticipantList({
  registration,
  people,
  token,
  lang,
}: {
  registration: Registration;
  people: ListedPerson[] | null;
  token: string;
  lang: Lang;
}) {
  const t = dictionary(lang).ui;
  if (registration.status === "cancelled" || registration.status === "rejected") return null;
  return (
    <section aria-labelledby="participants" class="stack">
      <h2 id="participants">{t.participantsTitle}</h2>
      {people ? (
        <>
          <p class="muted">{t.participantsIntro}</p>
          {people.length ? (
            <ul class="participants">
              {people.map((p) => (
                <li>
                  <bdi>{p.name}</bdi>
                  {p.affiliation ? (
                    <>
                      {" · "}
                      <bdi>{p.affiliation}</bdi>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p>{t.participantsNone}</p>
          )}
        </>
      ) : null}
      <form method="post" action={`/r/${token}/listed?lang=${lang}`} class="stack">
        <p>{registration.listed ? t.listedYes : t.listedNo}</p>
        <input type="hidden" name="listed" value={registration.listed ? "false" : "true"} />
        <div>
          <button type="submit" class="secondary">
            {registration.listed ? t.leaveList : t.joinList}
          </button>
        </div>
      </form>
    </section>
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
  const now = c.var.services.now();
  const shown = notice ?? doneNotice(t, c.req.query("done"), registration);
  const canCancel = CANCELLABLE.includes(registration.status) && workshop.status !== "cancelled";
  const canRestore = restorableBy(registration, workshop, now);
  const people = await participantList(c.var.services, registration);
  const agenda = await participantAgenda(
    c.var.services,
    workshop,
    lang,
    { seated: seated(registration), mode: registration.mode },
    now,
  );
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
      {shown ? <Notice kind={shown.kind}>{shown.text}</Notice> : null}
      {workshop.status === "cancelled" ? <Notice kind="error">{t.workshopCancelled}</Notice> : null}
      <RegistrationSummary
        registration={registration}
        workshop={workshop}
        lang={lang}
        token={token}
        now={now}
      />
      <Contact workshop={workshop} line={t.contactLine} />
      <Agenda sessions={agenda} workshop={workshop} lang={lang} />
      {registration.status === "pending_verification" && workshop.status !== "cancelled" ? (
        <form method="post" action={`/r/${token}/verify?lang=${lang}`} class="stack">
          <p>{t.confirmHelp}</p>
          <div>
            <button type="submit">{t.confirmButton}</button>
          </div>
        </form>
      ) : null}
      {canCancel ? (
        // A link to the confirmation step, not a POST: cancelling asks first.
        <div class="stack">
          <p class="muted">{t.cancelHelp}</p>
          <div>
            <a class="button danger" href={`/r/${token}/cancel?lang=${lang}`}>
              {registration.status === "waitlisted" ? t.leaveWaitlist : t.cancelButton}
            </a>
          </div>
        </div>
      ) : null}
      {canRestore ? (
        <form method="post" action={`/r/${token}/restore?lang=${lang}`} class="stack">
          <p>{restoreHelp(t, registration, workshop)}</p>
          <div>
            <button type="submit">{t.restoreButton}</button>
          </div>
        </form>
      ) : null}
      <ParticipantList registration={registration} people={people} token={token} lang={lang} />
      <YourData base={`/r/${token}`} lang={lang} />
    </Page>,
    status,
  );
}

registrationPages.get("/:token", (c) => registrationPage(c, c.req.param("token")));

/** The confirmation step before cancelling: GET shows it, only its button's POST cancels. */
registrationPages.get("/:token/cancel", async (c) => {
  const token = c.req.param("token");
  const found = await findByToken(c.var.services, token);
  if (!found) return c.html(<InvalidLink lang={c.get("lang")} />, 404);
  const { registration, workshop } = found;
  const queryLang = c.req.query("lang");
  const lang: Lang = isLang(queryLang) ? queryLang : registration.language;
  if (!CANCELLABLE.includes(registration.status) || workshop.status === "cancelled")
    return c.redirect(withLang(`/r/${token}`, lang), 303);
  const t = dictionary(lang).ui;
  const waitlisted = registration.status === "waitlisted";
  const title = waitlisted ? t.leaveWaitlistConfirmTitle : t.cancelConfirmTitle;
  return c.html(
    <Page lang={lang} title={title} otherLangHref={(other) => `/r/${token}/cancel?lang=${other}`}>
      <h1>{title}</h1>
      <p class="lead" dir="auto">
        {workshop.title}
      </p>
      <RegistrationSummary
        registration={registration}
        workshop={workshop}
        lang={lang}
        token={token}
        now={c.var.services.now()}
      />
      <form method="post" action={`/r/${token}/cancel?lang=${lang}`} class="stack">
        <p>{t.cancelConfirmText}</p>
        <div class="row">
          <button type="submit" class="danger">
            {waitlisted ? t.leaveWaitlistYes : t.cancelConfirmYes}
          </button>
          <a class="button secondary" href={`/r/${token}?lang=${lang}`}>
            {t.cancelConfirmNo}
          </a>
        </div>
      </form>
    </Page>,
  );
});

registrationPages.get("/:token/calendar.ics", async (c) => {
  const found = await findByToken(c.var.services, c.req.param("token"));
  if (!found) return c.html(<InvalidLink lang={c.get("lang")} />, 404);
  const { registration, workshop } = found;
  const now = c.var.services.now();
  const lang = registration.language;
  const agenda = await participantAgenda(
    c.var.services,
    workshop,
    lang,
    { seated: seated(registration), mode: registration.mode },
    now,
  );
  const ics = registrationCalendar(workshop, registration, c.var.services.settings.appUrl, {
    seated: seated(registration),
    now,
    cancelled: workshop.status === "cancelled" || registration.status === "cancelled",
    agenda: agendaText(agenda, workshop, lang),
  });
  return c.body(ics, 200, {
    "Content-Type": "text/calendar; charset=utf-8",
    "Content-Disposition": `attachment; filename="${workshop.slug}.ics"`,
  });
});

async function act(
  c: Context<AppEnv>,
  action: (svc: AppEnv["Variables"]["services"], token: string) => Promise<unknown>,
  done?: "cancelled" | "restored",
) {
  const token = c.req.param("token")!;
  try {
    await action(c.var.services, token);
    return c.redirect(
      withLang(`/r/${token}`, c.req.query("lang"), done ? `done=${done}` : ""),
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

/** Joins or leaves the participant list: the person's own choice, at any time. */
registrationPages.post("/:token/listed", throttlePublicPosts, async (c) => {
  const token = c.req.param("token");
  const found = await findByToken(c.var.services, token);
  if (!found) return c.html(<InvalidLink lang={c.get("lang")} />, 404);
  const body = await c.req.parseBody();
  await setListed(
    c.var.services,
    found.registration.id,
    body.listed === "true",
    c.var.services.now(),
  );
  return c.redirect(withLang(`/r/${token}`, c.req.query("lang")), 303);
});

registrationPages.post("/:token/verify", throttlePublicPosts, (c) =>
  act(c, (svc, token) => verify(svc, token, { after: afterAnswer(c, "seat decision email") })),
);
registrationPages.post("/:token/cancel", throttlePublicPosts, (c) =>
  act(c, cancelByToken, "cancelled"),
);
registrationPages.post("/:token/restore", throttlePublicPosts, async (c) => {
  const lang = c.req.query("lang");
  const t = dictionary(isLang(lang) ? lang : c.get("lang")).ui;
  const token = c.req.param("token");
  try {
    await restoreByToken(c.var.services, token);
    return c.redirect(withLang(`/r/${token}`, lang, "done=restored"), 303);
  } catch (error) {
    if (error instanceof AppError && error.kind === "not_found")
      return c.html(<InvalidLink lang={c.get("lang")} />, 404);
    if (error instanceof AppError && error.kind === "conflict") {
      // The service's messages are in English: say the same in the page's language.
      const found = await findByToken(c.var.services, token);
      const why =
        found?.registration.cancelledBy === "organiser"
          ? t.restoreOrganisers
          : found && !restorable(found.workshop, c.var.services.now())
            ? t.restoreTooLate
            : t.restoreNoPlace;
      return registrationPage(c, token, { kind: "error", text: why }, 409);
    }
    throw error;
  }
});
