// The organisers' home: the workshops coming up (with their door pages), the state of the
// mail, and the way to the other admin areas.
import { Hono } from "hono";
import { can } from "../access/roles";
import { adminPage } from "../http/admin-lang";
import type { AppEnv } from "../http/context";
import { requires } from "../http/guard";
import { type AdminDictionary, adminDictionary, fill, formatNumber } from "../i18n";
import { formatRange } from "../lib/time";
import { countEmailsByStatus } from "../mail/outbox";
import { type MailRoute, mailRoute } from "../mail/transports";
import { countOrganisers } from "../organisers/service";
import { countsByWorkshop, NO_COUNTS } from "../registrations/lists";
import { Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { Fill } from "../ui/words";
import { listUpcomingFor, totalCapacity } from "./service";

export const dashboardPages = new Hono<AppEnv>();

dashboardPages.get("/", requires("dashboard.view"), async (c) => {
  const db = c.var.services.db;
  const actor = c.var.actor;
  const mail = await countEmailsByStatus(db);
  const organiserCount = await countOrganisers(db);
  const upcoming = await listUpcomingFor(db, actor, c.var.services.now(), 10);
  const counts = await countsByWorkshop(
    db,
    upcoming.map((u) => u.workshop.id),
  );
  const view = adminPage(c);
  const { lang } = view;
  const a = adminDictionary(lang);
  const t = a.dashboard;
  const n$ = (n: number) => formatNumber(n, lang);
  return c.html(
    <Page {...view} title={t.title} path="/admin">
      <h1>{t.title}</h1>
      <p>
        <Fill
          text={t.signedInAs}
          values={{ name: <bdi>{actor.name}</bdi>, role: a.roles[actor.role] }}
        />
      </p>
      <h2>{t.upcoming}</h2>
      {upcoming.length === 0 ? (
        <p class="muted">{t.noUpcoming}</p>
      ) : (
        <DataTable
          stack
          headers={[
            t.workshop,
            a.common.when,
            t.awaitingApproval,
            t.confirmed,
            t.waitlisted,
            t.checkedIn,
            <span class="sr-only">{t.pages}</span>,
          ]}
        >
          {upcoming.map(({ workshop: w, role }) => {
            const n = counts.get(w.id) ?? NO_COUNTS;
            const manages = can(role, "workshops.manage");
            const manage = `/admin/workshops/${w.id}`;
            return (
              <tr>
                <td data-label={t.workshop} class="who">
                  <span dir="auto">{w.title}</span>
                </td>
                <td data-label={a.common.when}>
                  {formatRange(w.startsAt, w.endsAt, w.timezone, lang)}
                </td>
                <td data-label={t.awaitingApproval} data-count="awaiting">
                  {/* Straight to the people waiting for a decision: the organiser's next step. */}
                  {manages && n.awaitingApproval > 0 ? (
                    <a href={`${manage}?status=pending_approval#registrations`}>
                      {n$(n.awaitingApproval)}
                    </a>
                  ) : (
                    n$(n.awaitingApproval)
                  )}
                </td>
                <td data-label={t.confirmed} data-count="confirmed">
                  {n$(n.confirmed)} / {totalCapacity(w) === null ? "∞" : n$(totalCapacity(w)!)}
                </td>
                <td data-label={t.waitlisted} data-count="waitlisted">
                  {n$(n.waitlisted)}
                </td>
                <td data-label={t.checkedIn} data-count="checked-in">
                  {n$(n.checkedIn)}
                </td>
                <td>
                  {manages ? (
                    <>
                      <a href={manage}>{t.manage}</a> ·{" "}
                    </>
                  ) : null}
                  <a href={`${manage}/door`}>{t.door}</a>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <ul class="cards">
        <li class="card">
          <h3>{t.email}</h3>
          <p>
            {fill(t.mailCounts, {
              queued: n$(mail.queued),
              sent: n$(mail.sent),
              failed: n$(mail.failed),
            })}
          </p>
          <MailRouteNote t={t} route={mailRoute(c.var.services.settings.mail)} />
        </li>
        {can(actor.role, "organisers.manage") ? (
          <li class="card">
            <h3>{t.organisers}</h3>
            <p>{fill(t.accounts, { n: n$(organiserCount) })}</p>
            <a href="/admin/organisers">{t.manageOrganisers}</a>
          </li>
        ) : null}
        <li class="card">
          <h3>{t.api}</h3>
          <p>
            <a href="/admin/tokens">{t.apiTokens}</a> · <a href="/api/v1/docs">{t.reference}</a>
          </p>
        </li>
      </ul>
    </Page>,
  );
});

function MailRouteNote({ t, route }: { t: AdminDictionary["dashboard"]; route: MailRoute }) {
  if (route === "resend") return <p class="muted">{t.viaResend}</p>;
  if (route === "dev-mailbox") return <p class="muted">{t.viaDevMailbox}</p>;
  return (
    <Notice kind="error">
      <Fill
        text={t.mailHeld}
        values={{ command: <code dir="ltr">wrangler secret put RESEND_API_KEY</code> }}
      />
    </Notice>
  );
}
