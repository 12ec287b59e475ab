// Organisers' people pages: an owner's person search (/admin/people: see, export, erase
// everywhere), and a subscriber's erasure from the subscribers' list. The address travels
// in POST bodies, never in a URL, so it stays out of browser history and logs.

import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv, SignedInEnv } from "../http/context";
import { requires } from "../http/guard";
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

const Lookup = z.object({ email: z.email("Enter a valid email address.") });

function PersonRecords({ person }: { person: Person }) {
  const empty = (rows: unknown[], what: string) => (rows.length ? null : <p>No {what}.</p>);
  return (
    <>
      <h2>Subscriber</h2>
      {person.subscriber ? (
        <p>
          {person.subscriber.status} · {person.subscriber.language} · topics:{" "}
          {person.subscriber.topics.join(", ") || "none"} ·{" "}
          <bdi>{person.subscriber.name ?? ""}</bdi>
        </p>
      ) : (
        <p>No subscriber.</p>
      )}
      <h2>Registrations</h2>
      {empty(person.registrations, "registrations") ?? (
        <DataTable headers={["Workshop", "Name", "Affiliation", "Status", "Registered"]}>
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
              <td>{r.status}</td>
              <td>{r.createdAt}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Invitations</h2>
      {empty(person.invitations, "invitations") ?? (
        <DataTable headers={["Workshop", "Name", "Status", "Sent"]}>
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
              <td>{i.status}</td>
              <td>{i.sentAt ?? ""}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Report deliveries</h2>
      {empty(person.deliveries, "deliveries") ?? (
        <DataTable headers={["Distribution", "As", "Status", "Outcome"]}>
          {person.deliveries.map((d) => (
            <tr>
              <td>
                <a href={`/admin/distributions/${d.distributionId}`}>{d.distributionId}</a>
              </td>
              <td>{d.as}</td>
              <td>
                {d.status}
                {d.skipReason ? ` (${d.skipReason})` : ""}
              </td>
              <td>{d.outcome ?? ""}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Stored emails</h2>
      {empty(person.emails, "stored emails") ?? (
        <DataTable headers={["Kind", "Status", "Created", "Sent"]}>
          {person.emails.map((m) => (
            <tr>
              <td>{m.kind}</td>
              <td>{m.status}</td>
              <td>{m.createdAt}</td>
              <td>{m.sentAt ?? ""}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Dev mailbox</h2>
      {empty(person.mailboxMessages, "dev-mailbox messages") ?? (
        <DataTable headers={["Kind", "Subject", "Received"]}>
          {person.mailboxMessages.map((m) => (
            <tr>
              <td>{m.kind}</td>
              <td>
                <bdi>{m.subject}</bdi>
              </td>
              <td>{m.createdAt}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Suppression</h2>
      <p>
        {person.suppression
          ? `On the suppression list (${person.suppression.reason}, since ${person.suppression.createdAt}).`
          : "Not on the suppression list."}
      </p>
    </>
  );
}

async function peoplePage(
  c: Context<SignedInEnv>,
  options: { email?: string; error?: string; notice?: string; person?: Person } = {},
) {
  const { email, error, notice, person } = options;
  return c.html(
    <Page lang="en" title="People" area="admin" actor={c.var.actor} path="/admin/people">
      <h1>People</h1>
      <p class="lead">
        Everything held about one address, across every workshop: see it, export it, erase it.
        Searches, exports and erasures are recorded in the audit log, without the address.
      </p>
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      <form method="post" action="/admin/people" class="stack">
        <Field
          name="email"
          label="Email address"
          type="email"
          value={email}
          error={error}
          required
          dir="ltr"
        />
        <div>
          <button type="submit">Search</button>
        </div>
      </form>
      {person ? (
        <>
          <PersonRecords person={person} />
          <h2>Export or erase</h2>
          <form method="post" action="/admin/people/export">
            <input type="hidden" name="email" value={person.email} />
            <button type="submit" class="secondary">
              Export as JSON
            </button>
          </form>
          <form method="post" action="/admin/people/erase" class="stack">
            <input type="hidden" name="email" value={person.email} />
            <p>
              Erasing gives up this person's seats and waitlist places (the next in line moves up),
              keeps their registrations and invitations only as counts, and deletes their
              subscription, report deliveries and stored emails. Only a hashed entry on the
              suppression list stays, so the address is never emailed or added again.
            </p>
            <label class="check">
              <input type="checkbox" name="confirm" value="yes" required /> I understand this cannot
              be undone
            </label>
            <div>
              <button type="submit" class="danger">
                Erase everywhere
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
  const parsed = parseForm(Lookup, { email: String(body.email ?? "").trim() });
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
      error: "Tick the box to confirm the erasure.",
    });
  }
  const erased = await erasePerson(c.var.services, c.var.actor, parsed.data.email);
  const what = `${erased.registrations} registration(s), ${erased.invitations} invitation(s), ${erased.subscriber} subscriber, ${erased.deliveries} delivery record(s), ${erased.emails + erased.mailboxMessages} stored email(s)`;
  return c.redirect(
    `/admin/people?${new URLSearchParams({ notice: `Erased: ${what}. The address stays only as a hashed suppression entry.` })}`,
    303,
  );
});

/**
 * Erasing cannot be undone, so the subscribers' list links here rather than erasing from a
 * row: this page names the address and asks for a ticked box.
 */
subscriberErasureAdminPages.get("/:id/erase", requires("attendees.read"), async (c) => {
  const id = c.req.param("id");
  const subscriber = await subscriberToErase(c.var.services, id);
  const unconfirmed = c.req.query("unconfirmed") === "1";
  return c.html(
    <Page lang="en" title="Erase a subscriber" area="admin" actor={c.var.actor}>
      <p>
        <a href="/admin/subscribers">← Subscribers</a>
      </p>
      <h1>Erase a subscriber</h1>
      {subscriber ? (
        <form method="post" action={`/admin/subscribers/${id}/erase`} class="stack">
          {unconfirmed ? <Notice kind="error">Tick the box to confirm the erasure.</Notice> : null}
          <p>
            <span class="mono">{subscriber.email}</span>
            {subscriber.name ? (
              <>
                {" "}
                · <bdi>{subscriber.name}</bdi>
              </>
            ) : null}{" "}
            · {subscriber.status}
          </p>
          <p>
            Deletes the subscription, its topics and its report deliveries. A hashed entry on the
            suppression list stays, so the address is never emailed or added again.
          </p>
          <label class="check">
            <input type="checkbox" name="confirm" value="yes" required /> I understand this cannot
            be undone
          </label>
          <div>
            <button type="submit" class="danger">
              Erase this subscriber
            </button>
          </div>
        </form>
      ) : (
        <p>This subscriber is already erased.</p>
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
    `/admin/subscribers?${new URLSearchParams({ notice: "Erased; the address stays on the suppression list." })}`,
    303,
  );
});
