// The dev mailbox in the admin area: list, one message (headers, text, rendered HTML).
import { Hono } from "hono";
import { audit } from "../audit/service";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppEnv } from "../http/context";
import { requires } from "../http/guard";
import { adminDictionary } from "../i18n";
import { notFound } from "../lib/errors";
import { mailRoute } from "../mail/transports";
import { Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { getMailboxMessage, listMailbox } from "./service";

export const mailPages = new Hono<AppEnv>();

mailPages.get("/", requires("mailbox.read"), async (c) => {
  const actor = c.var.actor;
  const view = adminPage(c);
  const a = adminDictionary(view.lang);
  const t = a.mailbox;
  if (mailRoute(c.var.services.settings.mail) !== "dev-mailbox") {
    return c.html(
      <Page {...view} title={t.title} path="/admin/mailbox">
        <h1>{t.title}</h1>
        <Notice>{t.viaResend}</Notice>
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
    <Page {...view} title={t.title} path="/admin/mailbox">
      <h1>{t.heading}</h1>
      <p class="muted">{t.intro}</p>
      <search>
        <form method="get" class="row">
          <label for="mailbox-to" class="hint">
            {t.recipient}
          </label>
          <input id="mailbox-to" type="search" name="to" value={to ?? ""} dir="ltr" />
          <button type="submit" class="secondary">
            {t.filter}
          </button>
        </form>
      </search>
      {page.data.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <DataTable headers={[a.common.when, t.to, t.subject]}>
          {page.data.map((m) => (
            <tr>
              <td dir="ltr">{m.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
              <td class="mono" dir="ltr">
                {m.to}
              </td>
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
            {a.common.older}
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
  const t = adminDictionary(adminLang(c)).mailbox;
  return c.html(
    <Page {...adminPage(c)} title={message.subject} path="/admin/mailbox">
      <p>
        <a href="/admin/mailbox">{t.backToList}</a>
      </p>
      <h1>
        <bdi>{message.subject}</bdi>
      </h1>
      <table>
        <tbody>
          <tr>
            <th scope="row">{t.from}</th>
            <td class="mono" dir="ltr">
              {message.from}
            </td>
          </tr>
          <tr>
            <th scope="row">{t.to}</th>
            <td class="mono" dir="ltr">
              {message.to}
            </td>
          </tr>
          <tr>
            <th scope="row">{t.sent}</th>
            <td dir="ltr">{message.createdAt.toISOString()}</td>
          </tr>
          {Object.entries(message.headers).map(([name, value]) => (
            <tr>
              <th scope="row" dir="ltr">
                {name}
              </th>
              <td class="mono" dir="ltr">
                {value}
              </td>
            </tr>
          ))}
          {message.attachments.map((a) => (
            <tr>
              <th scope="row">{t.attachment}</th>
              <td class="mono" dir="ltr">
                {a.filename} ({a.contentType})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t.html}</h2>
      <iframe
        class="preview"
        title={t.rendered}
        src={`/admin/mailbox/${message.id}/html`}
        sandbox=""
      />
      <h2>{t.plainText}</h2>
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
