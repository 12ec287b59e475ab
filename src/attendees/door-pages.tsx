// Door staff pages: find a confirmed participant by name (or scan their QR code) and check
// them in. Door staff see names, affiliations and statuses only.
import type { Context } from "hono";
import { Hono } from "hono";
import { audit } from "../audit/service";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv, SignedInEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import {
  adminDictionary,
  DEFAULT_LANG,
  dictionary,
  fill,
  formatNumber,
  isLang,
  type Lang,
} from "../i18n";
import { onServiceError } from "../lib/errors";
import { clockTime } from "../lib/time";
import { checkIn, checkInByToken, findByCheckInToken } from "../registrations/decisions";
import { countCheckedIn, doorSearch } from "../registrations/lists";
import { Notice, textFields } from "../ui/forms";
import { Page } from "../ui/layout";
import { Fill } from "../ui/words";
import { getWorkshop } from "../workshops/service";

export const doorPages = new Hono<AppEnv>();
export const checkInPages = new Hono<AppEnv>();

/** Check-in times on the workshop's clock: the door is where the workshop is. */
const time = (d: Date | null, timeZone: string) => (d ? clockTime(d, timeZone) : "");

/** The language of the door page a check-in form came from (its `back` link). */
function langOf(backTo: string): Lang {
  const lang = new URL(backTo, "https://door.invalid").searchParams.get("lang");
  return isLang(lang) ? lang : DEFAULT_LANG;
}

/**
 * The door page speaks the organiser's language, or the one its `?lang=` names: a door desk
 * is often a shared device, set up for the volunteer who staffs it.
 */
function doorLang(c: AppContext): Lang {
  const asked = c.req.query("lang");
  return isLang(asked) ? asked : adminLang(c);
}

doorPages.get("/", requires("checkin", { workshop: "id" }), async (c) => {
  const db = c.var.services.db;
  const workshop = await getWorkshop(db, c.req.param("id") ?? "");
  const q = c.req.query("q")?.trim() || undefined;
  const [people, checkedIn] = await Promise.all([
    q ? doorSearch(c.var.services, workshop.id, q, 60) : [],
    countCheckedIn(c.var.services, workshop.id),
  ]);
  if (q)
    await audit(db, c.var.actor, {
      action: "attendees.view",
      targetType: "workshop",
      targetId: workshop.id,
      detail: { rows: people.length, view: "door" },
    });
  const notice = c.req.query("notice");
  const lang = doorLang(c);
  const t = dictionary(lang).door;
  return c.html(
    <Page {...adminPage(c)} lang={lang} title={`${t.door}: ${workshop.title}`}>
      <h1>
        {t.door} · <span dir="auto">{workshop.title}</span>
      </h1>
      {notice ? (
        <Notice kind={c.req.query("kind") === "error" ? "error" : "ok"}>{notice}</Notice>
      ) : null}
      <p>
        <strong>
          {fill(t.checkedInCount, {
            n: formatNumber(checkedIn, lang),
            total: formatNumber(workshop.confirmedCount, lang),
          })}
        </strong>
      </p>
      <section id="scan-section" aria-labelledby="scan-heading">
        <h2 id="scan-heading">{t.scanHeading}</h2>
        <p
          id="scan-status"
          class="muted"
          data-unsupported={t.unsupported}
          data-denied={t.denied}
          aria-live="polite"
        />
        <button type="button" id="scan" hidden>
          {t.startCamera}
        </button>
        <video id="camera" hidden playsinline muted aria-label={t.camera} />
      </section>
      <section aria-labelledby="search-heading">
        <h2 id="search-heading">{t.findHeading}</h2>
        <search>
          <form method="get" class="row">
            <label for="door-q">{t.searchLabel}</label>
            <input
              id="door-q"
              name="q"
              type="search"
              value={q ?? ""}
              autocomplete="off"
              dir="auto"
            />
            <button type="submit">{t.search}</button>
          </form>
        </search>
        {q && people.length === 0 ? <p>{fill(t.nobody, { q })}</p> : null}
        {people.length ? (
          <ul class="cards">
            {people.map((p) => (
              <li class="card">
                <h3>
                  <bdi>{p.name}</bdi>
                </h3>
                {p.affiliation ? (
                  <p class="muted">
                    <bdi>{p.affiliation}</bdi>
                  </p>
                ) : null}
                {p.status === "attended" ? (
                  <p>
                    <span class="badge ok">
                      {fill(t.checkedInAt, { time: time(p.checkedInAt, workshop.timezone) })}
                    </span>
                  </p>
                ) : (
                  <form method="post" action={`/admin/check-in/registrations/${p.id}`}>
                    <input
                      type="hidden"
                      name="back"
                      value={`/admin/workshops/${workshop.id}/door?lang=${lang}&q=${encodeURIComponent(q ?? "")}`}
                    />
                    <button type="submit">
                      {t.checkIn} <bdi>{p.name}</bdi>
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <script src="/assets/door.js" defer />
    </Page>,
  );
});

function checkedInMessage(
  name: string,
  already: boolean,
  at: Date | null,
  timeZone: string,
  lang: Lang = DEFAULT_LANG,
) {
  const t = dictionary(lang).door;
  return fill(already ? t.already : t.done, { name, time: time(at, timeZone) });
}

checkInPages.post("/registrations/:id", requires("checkin", { registration: "id" }), async (c) => {
  const body = textFields(await c.req.parseBody());
  const backTo = body.back?.startsWith("/admin/") ? body.back : "/admin";
  return noticeOnError(c, backTo, async () => {
    const result = await checkIn(c.var.services, c.var.actor, c.req.param("id"));
    const workshop = await getWorkshop(c.var.services.db, result.registration.workshopId);
    const text = checkedInMessage(
      result.registration.name,
      result.alreadyCheckedIn,
      result.registration.checkedInAt,
      workshop.timezone,
      langOf(backTo),
    );
    return redirectWithNotice(c, backTo, text, result.alreadyCheckedIn ? "error" : "ok");
  });
});

async function tokenPage(
  c: Context<SignedInEnv>,
  token: string,
  notice?: { kind: "ok" | "error"; text: string },
) {
  const registration = await findByCheckInToken(c.var.services, c.var.actor, token);
  const a = adminDictionary(adminLang(c));
  const t = a.checkIn;
  if (!registration) {
    return c.html(
      <Page {...adminPage(c)} title={t.title}>
        <h1>{t.title}</h1>
        <Notice kind="error">{t.invalid}</Notice>
      </Page>,
      404,
    );
  }
  return c.html(
    <Page {...adminPage(c)} title={t.title}>
      <h1>
        <bdi>{registration.name}</bdi>
      </h1>
      <p dir="auto">{registration.workshop.title}</p>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <p>
        <Fill
          text={t.status}
          values={{ status: <strong>{a.statuses.registration[registration.status]}</strong> }}
        />
      </p>
      {registration.status === "confirmed" ? (
        <form method="post">
          <button type="submit">{t.button}</button>
        </form>
      ) : null}
      <p>
        <a href={`/admin/workshops/${registration.workshopId}/door`}>{t.backToDoor}</a>
      </p>
    </Page>,
  );
}

// The QR code opens this page; the button checks in (a GET never does).
checkInPages.get("/:token", requires("checkin"), (c) => tokenPage(c, c.req.param("token")));

checkInPages.post("/:token", requires("checkin"), async (c) => {
  const token = c.req.param("token");
  return onServiceError(
    async () => {
      const result = await checkInByToken(c.var.services, c.var.actor, token);
      return tokenPage(c, token, {
        kind: result.alreadyCheckedIn ? "error" : "ok",
        text: checkedInMessage(
          result.registration.name,
          result.alreadyCheckedIn,
          result.registration.checkedInAt,
          result.workshop.timezone,
          adminLang(c),
        ),
      });
    },
    (error) => tokenPage(c, token, { kind: "error", text: error.message }),
  );
});
