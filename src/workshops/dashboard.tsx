// The organisers' home: the workshops coming up (with their door pages), the state of the
// mail, and the way to the other admin areas.
import { Hono } from "hono";
import { can } from "../access/roles";
import type { AppEnv } from "../http/context";
import { requires } from "../http/guard";
import { formatRange } from "../lib/time";
import { countEmailsByStatus } from "../mail/outbox";
import { type MailRoute, mailRoute } from "../mail/transports";
import { countOrganisers } from "../organisers/service";
import { countsByWorkshop, NO_COUNTS } from "../registrations/lists";
import { Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
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
  return c.html(
    <Page lang="en" title="Dashboard" area="admin" actor={actor} path="/admin">
      <h1>Dashboard</h1>
      <p>
        Signed in as <bdi>{actor.name}</bdi> ({actor.role}).
      </p>
      <h2>Upcoming workshops</h2>
      {upcoming.length === 0 ? (
        <p class="muted">No published workshops coming up.</p>
      ) : (
        <DataTable
          stack
          headers={[
            "Workshop",
            "When",
            "Awaiting approval",
            "Confirmed",
            "Waitlisted",
            "Checked in",
            <span class="sr-only">Pages</span>,
          ]}
        >
          {upcoming.map(({ workshop: w, role }) => {
            const n = counts.get(w.id) ?? NO_COUNTS;
            const manages = can(role, "workshops.manage");
            const manage = `/admin/workshops/${w.id}`;
            return (
              <tr>
                <td data-label="Workshop" class="who">
                  <span dir="auto">{w.title}</span>
                </td>
                <td data-label="When">{formatRange(w.startsAt, w.endsAt, w.timezone, "en")}</td>
                <td data-label="Awaiting approval" data-count="awaiting">
                  {/* Straight to the people waiting for a decision: the organiser's next step. */}
                  {manages && n.awaitingApproval > 0 ? (
                    <a href={`${manage}?status=pending_approval#registrations`}>
                      {n.awaitingApproval}
                    </a>
                  ) : (
                    n.awaitingApproval
                  )}
                </td>
                <td data-label="Confirmed" data-count="confirmed">
                  {n.confirmed} / {totalCapacity(w) ?? "∞"}
                </td>
                <td data-label="Waitlisted" data-count="waitlisted">
                  {n.waitlisted}
                </td>
                <td data-label="Checked in" data-count="checked-in">
                  {n.checkedIn}
                </td>
                <td>
                  {manages ? (
                    <>
                      <a href={manage}>Manage</a> ·{" "}
                    </>
                  ) : null}
                  <a href={`${manage}/door`}>Door</a>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <ul class="cards">
        <li class="card">
          <h3>Email</h3>
          <p>
            {mail.queued} queued · {mail.sent} sent · {mail.failed} failed
          </p>
          <MailRouteNote route={mailRoute(c.var.services.settings.mail)} />
        </li>
        {can(actor.role, "organisers.manage") ? (
          <li class="card">
            <h3>Organisers</h3>
            <p>{organiserCount} accounts</p>
            <a href="/admin/organisers">Manage organisers</a>
          </li>
        ) : null}
        <li class="card">
          <h3>API</h3>
          <p>
            <a href="/admin/tokens">API tokens</a> · <a href="/api/v1/docs">Reference</a>
          </p>
        </li>
      </ul>
    </Page>,
  );
});

function MailRouteNote({ route }: { route: MailRoute }) {
  if (route === "resend") return <p class="muted">Mail goes through Resend.</p>;
  if (route === "dev-mailbox")
    return <p class="muted">Development: mail goes to the dev mailbox.</p>;
  return (
    <Notice kind="error">
      Mail is held and nothing is being sent: RESEND_API_KEY is not set, and APP_URL is not a local
      address, so the dev mailbox is off. Set the key (
      <code>wrangler secret put RESEND_API_KEY</code>) and queued mail goes out within minutes.
    </Notice>
  );
}
