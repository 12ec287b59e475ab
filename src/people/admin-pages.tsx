// Organisers' people pages: an owner's person search (/admin/people: see, export, erase
// everywhere), and a subscriber's erasure from the subscribers' list. The address travels
// in POST bodies, never in a URL, so it stays out of browser history and logs.

import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { Hono } from "hono";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv, SignedInEnv } from "../http/context";
import { requires } from "../http/guard";
import {
  type AdminWords,
  adminDictionary,
  fill,
  formatNumber,
  isLang,
  languageNameIn,
  ltrIn,
} from "../i18n";
import { onServiceError } from "../lib/errors";
import { Field, Notice, parseForm } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import {
  erasePerson,
  eraseSubscriber,
  type Person,
  searchPerson,
  subscriberToErase,
} from "./service";

/** Mounted at /admin/people. */
export const peopleAdminPages = new Hono<AppEnv>();
/** Mounted at /admin/subscribers, beside the subscribers' own pages. */
export const subscriberErasureAdminPages = new Hono<AppEnv>();

const words = (c: AppContext) => adminDictionary(adminLang(c));
const lookupSchema = (a: AdminWords) => z.object({ email: z.email(a.people.validEmail) });

function PersonRecords({ a, person }: { a: AdminWords; person: Person }) {
  const t = a.people;
  const empty = (rows: unknown[], none: string) => (rows.length ? null : <p>{none}</p>);
  const sub = person.subscriber;
  const regStatus = (s: string) => (a.statuses.registration as Record<string, string>)[s] ?? s;
  return (
    <>
      <h2>{t.subscriber}</h2>
      {sub ? (
        <p>
          {fill(t.subscriberLine, {
            status: (a.subscribers.status as Record<string, string>)[sub.status] ?? sub.status,
            language: isLang(sub.language) ? languageNameIn(sub.language, a.lang) : sub.language,
            topics: sub.topics.length ? ltrIn(a.lang, sub.topics.join(", ")) : a.common.none,
          })}
          <bdi>{sub.name ?? ""}</bdi>
        </p>
      ) : (
        <p>{t.noSubscriber}</p>
      )}
      <h2>{t.registrations}</h2>
      {empty(person.registrations, t.noRegistrations) ?? (
        <DataTable
          headers={[t.workshop, a.common.name, a.common.affiliation, a.common.status, t.registered]}
        >
          {person.registrations.map((r) => (
            <tr>
              <td>
                <a href={`/admin/workshops/${r.workshop.id}`}>
                  <bdi>{r.workshop.title}</bdi>
                </a>
              </td>
              <td>
                <bdi>{r.name}</bdi>
              </td>
              <td>
                <bdi>{r.affiliation ?? ""}</bdi>
              </td>
              <td>{regStatus(r.status)}</td>
              <td>
                <bdi>{r.createdAt}</bdi>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>{t.invitations}</h2>
      {empty(person.invitations, t.noInvitations) ?? (
        <DataTable headers={[t.workshop, a.common.name, a.common.status, t.sent]}>
          {person.invitations.map((i) => (
            <tr>
              <td>
                <a href={`/admin/workshops/${i.workshop.id}`}>
                  <bdi>{i.workshop.title}</bdi>
                </a>
              </td>
              <td>
                <bdi>{i.name ?? ""}</bdi>
              </td>
              <td>{(a.invitations.status as Record<string, string>)[i.status] ?? i.status}</td>
              <td>
                <bdi>{i.sentAt ?? ""}</bdi>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>{t.deliveries}</h2>
      {empty(person.deliveries, t.noDeliveries) ?? (
        <DataTable headers={[t.distribution, t.as, a.common.status, t.outcome]}>
          {person.deliveries.map((d) => (
            <tr>
              <td>
                <a href={`/admin/distributions/${d.distributionId}`}>{d.distributionId}</a>
              </td>
              <td dir="ltr">{d.as}</td>
              <td dir="ltr">
                {d.status}
                {d.skipReason ? ` (${d.skipReason})` : ""}
              </td>
              <td>{d.outcome ?? ""}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>{t.storedEmails}</h2>
      {empty(person.emails, t.noStoredEmails) ?? (
        <DataTable headers={[t.kind, a.common.status, a.common.created, t.sent]}>
          {person.emails.map((m) => (
            <tr>
              <td dir="ltr">{m.kind}</td>
              <td dir="ltr">{m.status}</td>
              <td>
                <bdi>{m.createdAt}</bdi>
              </td>
              <td>
                <bdi>{m.sentAt ?? ""}</bdi>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>{t.devMailbox}</h2>
      {empty(person.mailboxMessages, t.noMailbox) ?? (
        <DataTable headers={[t.kind, t.subject, t.received]}>
          {person.mailboxMessages.map((m) => (
            <tr>
              <td dir="ltr">{m.kind}</td>
              <td>
                <bdi>{m.subject}</bdi>
              </td>
              <td>
                <bdi>{m.createdAt}</bdi>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>{t.suppression}</h2>
      <p>
        {person.suppression
          ? fill(t.onList, {
              reason:
                (a.suppressions.reasons as Record<string, string>)[person.suppression.reason] ??
                person.suppression.reason,
              since: ltrIn(a.lang, person.suppression.createdAt ?? ""),
            })
          : t.notOnList}
      </p>
    </>
  );
}

async function peoplePage(
  c: Context<SignedInEnv>,
  options: { email?: string; error?: string; notice?: string; person?: Person } = {},
) {
  const { email, error, notice, person } = options;
  const view = adminPage(c);
  const a = adminDictionary(view.lang);
  const t = a.people;
  return c.html(
    <Page {...view} title={t.title} path="/admin/people">
      <h1>{t.title}</h1>
      <p class="lead">{t.lead}</p>
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      <form method="post" action="/admin/people" class="stack">
        <Field
          name="email"
          label={t.emailAddress}
          type="email"
          value={email}
          error={error}
          required
          dir="ltr"
        />
        <div>
          <button type="submit">{t.search}</button>
        </div>
      </form>
      {person ? (
        <>
          <PersonRecords a={a} person={person} />
          <h2>{t.exportOrErase}</h2>
          <form method="post" action="/admin/people/export">
            <input type="hidden" name="email" value={person.email} />
            <button type="submit" class="secondary">
              {t.exportJson}
            </button>
          </form>
          <form method="post" action="/admin/people/erase" class="stack">
            <input type="hidden" name="email" value={person.email} />
            <p>{t.eraseExplain}</p>
            <label class="check">
              <input type="checkbox" name="confirm" value="yes" required /> {t.understand}
            </label>
            <div>
              <button type="submit" class="danger">
                {t.eraseEverywhere}
              </button>
            </div>
          </form>
        </>
      ) : null}
    </Page>,
    error ? 422 : 200,
  );
}

peopleAdminPages.get("/", requires("people.manage"), (c) =>
  peoplePage(c, { notice: c.req.query("notice") }),
);

async function lookup(c: Context<SignedInEnv>) {
  const body = await c.req.parseBody();
  const parsed = parseForm(
    lookupSchema(words(c)),
    { email: String(body.email ?? "").trim() },
    adminLang(c),
  );
  return { body, parsed };
}

peopleAdminPages.post("/", requires("people.manage"), async (c) => {
  const { body, parsed } = await lookup(c);
  if (!parsed.ok)
    return peoplePage(c, { email: String(body.email ?? ""), error: parsed.errors.email });
  const person = await searchPerson(c.var.services, c.var.actor, parsed.data.email, "view");
  return peoplePage(c, { email: person.email, person });
});

peopleAdminPages.post("/export", requires("people.manage"), async (c) => {
  const { body, parsed } = await lookup(c);
  if (!parsed.ok)
    return peoplePage(c, { email: String(body.email ?? ""), error: parsed.errors.email });
  const person = await searchPerson(c.var.services, c.var.actor, parsed.data.email, "export");
  return c.body(JSON.stringify(person, null, 2), 200, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Disposition": 'attachment; filename="person.json"',
  });
});

peopleAdminPages.post("/erase", requires("people.manage"), async (c) => {
  const { body, parsed } = await lookup(c);
  if (!parsed.ok)
    return peoplePage(c, { email: String(body.email ?? ""), error: parsed.errors.email });
  if (body.confirm !== "yes") {
    const person = await searchPerson(c.var.services, c.var.actor, parsed.data.email, "view");
    return peoplePage(c, {
      email: person.email,
      person,
      error: words(c).people.tickToErase,
    });
  }
  const erased = await erasePerson(c.var.services, c.var.actor, parsed.data.email);
  const lang = adminLang(c);
  const n = (k: number) => formatNumber(k, lang);
  const notice = fill(words(c).people.erased, {
    registrations: n(erased.registrations),
    invitations: n(erased.invitations),
    subscriber: n(erased.subscriber),
    deliveries: n(erased.deliveries),
    emails: n(erased.emails + erased.mailboxMessages),
  });
  return c.redirect(`/admin/people?${new URLSearchParams({ notice })}`, 303);
});

/**
 * Erasing cannot be undone, so the subscribers' list links here rather than erasing from a
 * row: this page names the address and asks for a ticked box.
 */
subscriberErasureAdminPages.get("/:id/erase", requires("attendees.read"), async (c) => {
  const id = c.req.param("id");
  const subscriber = await subscriberToErase(c.var.services, id);
  const unconfirmed = c.req.query("unconfirmed") === "1";
  const a = words(c);
  const t = a.people;
  return c.html(
    <Page {...adminPage(c)} title={t.eraseSubscriberTitle}>
      <p>
        <a href="/admin/subscribers">{t.backToSubscribers}</a>
      </p>
      <h1>{t.eraseSubscriberTitle}</h1>
      {subscriber ? (
        <form method="post" action={`/admin/subscribers/${id}/erase`} class="stack">
          {unconfirmed ? <Notice kind="error">{t.tickToErase}</Notice> : null}
          <p>
            <span class="mono" dir="ltr">
              {subscriber.email}
            </span>
            {subscriber.name ? (
              <>
                {" "}
                · <bdi>{subscriber.name}</bdi>
              </>
            ) : null}{" "}
            ·{" "}
            {(a.subscribers.status as Record<string, string>)[subscriber.status] ??
              subscriber.status}
          </p>
          <p>{t.eraseSubscriberExplain}</p>
          <label class="check">
            <input type="checkbox" name="confirm" value="yes" required /> {t.understand}
          </label>
          <div>
            <button type="submit" class="danger">
              {t.eraseSubscriber}
            </button>
          </div>
        </form>
      ) : (
        <p>{t.alreadyErased}</p>
      )}
    </Page>,
    subscriber ? 200 : 404,
  );
});

subscriberErasureAdminPages.post("/:id/erase", requires("attendees.read"), async (c) => {
  const body = await c.req.parseBody();
  if (body.confirm !== "yes")
    return c.redirect(`/admin/subscribers/${c.req.param("id")}/erase?unconfirmed=1`, 303);
  // An id that is already gone ends where erasing it would: nothing of it is left.
  await onServiceError(
    () => eraseSubscriber(c.var.services, c.var.actor, c.req.param("id")),
    () => undefined,
  );
  return c.redirect(
    `/admin/subscribers?${new URLSearchParams({ notice: words(c).people.subscriberErased })}`,
    303,
  );
});
