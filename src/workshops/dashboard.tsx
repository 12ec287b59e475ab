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
import { Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { listUpcomingFor } from "./service";

export const dashboardPages = new Hono<AppEnv>();

dashboardPages.get("/", requires("dashboard.view"), async (c) => {
  const db = c.var.services.db;
  const actor = c.var.actor;
  const mail = await countEmailsByStatus(db);
  const organiserCount = await countOrganisers(db);
  const upcoming = await listUpcomingFor(db, actor, c.var.services.now(), 10);
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
        <ul>
          {upcoming.map(({ workshop: w, role }) => (
            <li>
              <span dir="auto">{w.title}</span> ·{" "}
              {formatRange(w.startsAt, w.endsAt, w.timezone, "en")} ·{" "}
              {can(role, "workshops.manage") ? (
                <>
                  <a href={`/admin/workshops/${w.id}`}>Manage</a> ·{" "}
                </>
              ) : null}
              <a href={`/admin/workshops/${w.id}/door`}>Door</a>
            </li>
          ))}
        </ul>
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
