// The dev mailbox in the admin area: list, one message (headers, text, rendered HTML).
import { Hono } from "hono";
import { audit } from "../audit/service";
import type { AppEnv } from "../http/context";
import { requires } from "../http/guard";
import { notFound } from "../lib/errors";
import { mailRoute } from "../mail/transports";
import { Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { getMailboxMessage, listMailbox } from "./service";

export const mailPages = new Hono<AppEnv>();

mailPages.get("/", requires("mailbox.read"), async (c) => {
  const actor = c.var.actor;
  if (mailRoute(c.var.services.settings.mail) !== "dev-mailbox") {
    return c.html(
      <Page lang="en" title="Mailbox" area="admin" actor={actor} path="/admin/mailbox">
        <h1>Mailbox</h1>
        <Notice>
          Mail goes through Resend here, so there is no dev mailbox. Delivery status is in Resend's
          dashboard.
        </Notice>
      </Page>,
    );
  }
  const to = c.req.query("to") || undefined;
  const page = await listMailbox(c.var.services.db, actor, {
    to,
    limit: 50,
    cursor: c.req.query("cursor") || undefined,
  });
  await audit(c.var.services.db, actor, {
    action: "mailbox.view",
    detail: { rows: page.data.length, filtered: Boolean(to) },
  });
  return c.html(
    <Page lang="en" title="Mailbox" area="admin" actor={actor} path="/admin/mailbox">
      <h1>Dev mailbox</h1>
      <p class="muted">
        Without RESEND_API_KEY, every email the app sends lands here instead of being delivered.
      </p>
      <search>
        <form method="get" class="row">
          <label for="mailbox-to" class="hint">
            Recipient
          </label>
          <input id="mailbox-to" type="search" name="to" value={to ?? ""} />
          <button type="submit" class="secondary">
            Filter
          </button>
        </form>
      </search>
      {page.data.length === 0 ? (
        <p>No email yet.</p>
      ) : (
        <DataTable headers={["When", "To", "Subject"]}>
          {page.data.map((m) => (
            <tr>
              <td>{m.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
              <td class="mono">{m.to}</td>
              <td>
                <a href={`/admin/mailbox/${m.id}`}>
                  <bdi>{m.subject}</bdi>
                </a>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {page.nextCursor ? (
        <p>
          <a
            href={`/admin/mailbox?${new URLSearchParams({ ...(to ? { to } : {}), cursor: page.nextCursor })}`}
          >
            Older
          </a>
        </p>
      ) : null}
    </Page>,
  );
});

mailPages.get("/:id", requires("mailbox.read"), async (c) => {
  const message = await getMailboxMessage(c.var.services.db, c.var.actor, c.req.param("id"));
  if (!message) throw notFound("No such message.");
  await audit(c.var.services.db, c.var.actor, {
    action: "mailbox.view",
    targetType: "mailbox_message",
    targetId: message.id,
  });
  return c.html(
    <Page lang="en" title={message.subject} area="admin" actor={c.var.actor} path="/admin/mailbox">
      <p>
        <a href="/admin/mailbox">← Mailbox</a>
      </p>
      <h1>
        <bdi>{message.subject}</bdi>
      </h1>
      <table>
        <tbody>
          <tr>
            <th scope="row">From</th>
            <td class="mono">{message.from}</td>
          </tr>
          <tr>
            <th scope="row">To</th>
            <td class="mono">{message.to}</td>
          </tr>
          <tr>
            <th scope="row">Sent</th>
            <td>{message.createdAt.toISOString()}</td>
          </tr>
          {Object.entries(message.headers).map(([name, value]) => (
            <tr>
              <th scope="row">{name}</th>
              <td class="mono">{value}</td>
            </tr>
          ))}
          {message.attachments.map((a) => (
            <tr>
              <th scope="row">Attachment</th>
              <td class="mono">
                {a.filename} ({a.contentType})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>HTML</h2>
      <iframe
        class="preview"
        title="Rendered email"
        src={`/admin/mailbox/${message.id}/html`}
        sandbox=""
      />
      <h2>Plain text</h2>
      <pre class="text" dir="auto">
        {message.text}
      </pre>
    </Page>,
  );
});

// The email's own HTML, framed by the page above. Email HTML relies on inline styles, so it
// gets its own policy: inline styles yes, scripts, forms and remote loads no.
mailPages.get("/:id/html", requires("mailbox.read"), async (c) => {
  const message = await getMailboxMessage(c.var.services.db, c.var.actor, c.req.param("id"));
  if (!message) throw notFound("No such message.");
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
  );
  c.header("X-Frame-Options", "SAMEORIGIN");
  return c.html(message.html);
});
