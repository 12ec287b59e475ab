// Organisers' subscriber pages: list with filters, erase, CSV export, CSV import with a
// dry-run preview, and topics.
import type { Context } from "hono";
import { Hono } from "hono";
import { can } from "../access/roles";
import { audit } from "../audit/service";
import { SUBSCRIBER_STATUSES } from "../db/schema";
import type { AppEnv, SignedInEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import { lineMessages, parseCsv } from "../lib/csv";
import { onServiceError } from "../lib/errors";
import { CsvImportFields, csvFromForm } from "../ui/csv-import";
import { Field, Notice, parseForm } from "../ui/forms";
import { Page } from "../ui/layout";
import { type ImportResult, importSubscribers } from "./import";
import { NewTopicSchema } from "./schemas";
import {
  listSubscribers,
  REACTIVATED_BY_OWNER,
  reactivateSubscriber,
  type SubscriberStatus,
} from "./service";
import { createTopic, listTopics } from "./topics";

export const subscriberAdminPages = new Hono<AppEnv>();
export const topicAdminPages = new Hono<AppEnv>();

/** What the import form answers: the result, and the pasted text with its problems by line. */
interface ImportAnswer {
  result?: ImportResult;
  pasted?: string;
  problems?: string[];
  dryRun?: boolean;
}

async function subscribersPage(c: Context<SignedInEnv>, answer: ImportAnswer = {}, error?: string) {
  const { result, problems = [] } = answer;
  const db = c.var.services.db;
  const status = SUBSCRIBER_STATUSES.find((s) => s === c.req.query("status")) as
    | SubscriberStatus
    | undefined;
  const topic = c.req.query("topic") || undefined;
  const page = await listSubscribers(c.var.services, {
    status,
    topic,
    limit: 50,
    cursor: c.req.query("cursor") || undefined,
  });
  const topics = await listTopics(db);
  await audit(db, c.var.actor, {
    action: "subscribers.view",
    detail: { rows: page.data.length, view: "admin" },
  });
  const notice = c.req.query("notice");
  // Only owners reactivate a bounce or complaint, once its suppression is lifted.
  const reactivates = can(c.var.actor.role, "suppressions.manage");
  return c.html(
    <Page lang="en" title="Subscribers" area="admin" actor={c.var.actor} path="/admin/subscribers">
      <h1>Subscribers</h1>
      {notice ? (
        <Notice kind={c.req.query("kind") === "error" ? "error" : "ok"}>{notice}</Notice>
      ) : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      {result ? (
        <Notice kind={result.errors.length ? "error" : "ok"}>
          <p>
            {result.dryRun ? "Dry run — nothing was written. " : ""}
            {result.imported} {result.dryRun ? "would be imported" : "imported"}, {result.skipped}{" "}
            skipped (already subscribed, unsubscribed or suppressed), {result.errors.length} errors.
          </p>
          {problems.length ? <p>The lines with errors are listed under the CSV box.</p> : null}
        </Notice>
      ) : null}
      <search>
        <form method="get" class="row">
          <label for="s-status" class="hint">
            Status
          </label>
          <select id="s-status" name="status">
            <option value="">all</option>
            {SUBSCRIBER_STATUSES.map((s) => (
              <option value={s} selected={s === status}>
                {s}
              </option>
            ))}
          </select>
          <label for="s-topic" class="hint">
            Topic
          </label>
          <select id="s-topic" name="topic">
            <option value="">all</option>
            {topics.map((t) => (
              <option value={t.slug} selected={t.slug === topic}>
                {t.name}
              </option>
            ))}
          </select>
          <button type="submit" class="secondary">
            Filter
          </button>
          <a
            class="button secondary"
            href={`/api/v1/subscribers.csv?${new URLSearchParams({ ...(status ? { status } : {}), ...(topic ? { topic } : {}), excel: "true" })}`}
          >
            Export CSV
          </a>
        </form>
      </search>
      {page.data.length === 0 ? (
        <p>No subscribers match.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Language</th>
                <th scope="col">Status</th>
                <th scope="col">Topics</th>
                <th scope="col">
                  <span class="hint">Erase</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((s) => (
                <tr>
                  <td class="mono">{s.email}</td>
                  <td>
                    <bdi>{s.name ?? ""}</bdi>
                  </td>
                  <td>{s.language}</td>
                  <td>{s.status}</td>
                  <td>{s.topics.map((t) => t.topic.slug).join(", ")}</td>
                  <td>
                    {reactivates && REACTIVATED_BY_OWNER.includes(s.status) ? (
                      <form method="post" action={`/admin/subscribers/${s.id}/reactivate`}>
                        <button
                          type="submit"
                          class="secondary"
                          aria-label={`Reactivate ${s.email}`}
                        >
                          Reactivate
                        </button>
                      </form>
                    ) : null}
                    {/* Erasing asks first, on its own page: no destructive button per row. */}
                    <a href={`/admin/subscribers/${s.id}/erase`} aria-label={`Erase ${s.email}…`}>
                      Erase…
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.nextCursor ? (
        <p>
          <a
            href={`/admin/subscribers?${new URLSearchParams({ ...(status ? { status } : {}), ...(topic ? { topic } : {}), cursor: page.nextCursor })}`}
          >
            More
          </a>
        </p>
      ) : null}
      <h2>Import</h2>
      <form
        method="post"
        action="/admin/subscribers/import"
        class="stack"
        enctype="multipart/form-data"
      >
        <CsvImportFields
          label="CSV"
          hint={
            <>
              Header <code>email,name,language,topics</code>; topics are slugs separated by{" "}
              <code>;</code>. You confirm these people agreed to receive the reports. Unsubscribed
              or suppressed addresses are never added back.
            </>
          }
          pasted={answer.pasted}
          problems={problems}
          summary={
            result && result.imported > 0 && !result.dryRun
              ? "The other rows were imported. Correct these lines and import them again:"
              : "Correct these lines and import again:"
          }
        />
        <label class="check">
          <input type="checkbox" name="dryRun" value="true" checked={answer.dryRun ?? true} /> Dry
          run: show what would happen, write nothing
        </label>
        <div>
          <button type="submit">Import</button>
        </div>
      </form>
      <h2 id="topics">Topics</h2>
      <ul>
        {topics.map((t) => (
          <li>
            <code>{t.slug}</code> — {t.name}
            {t.nameAr ? <span lang="ar"> · {t.nameAr}</span> : null}
          </li>
        ))}
      </ul>
      <form method="post" action="/admin/topics" class="stack">
        <Field name="slug" label="Slug" required hint="Lowercase letters, digits and dashes." />
        <Field name="name" label="Name (English)" required />
        <Field name="nameAr" label="Name (Arabic)" dir="rtl" />
        <div>
          <button type="submit">Add topic</button>
        </div>
      </form>
    </Page>,
    error || problems.length ? 422 : 200,
  );
}

subscriberAdminPages.get("/", requires("attendees.read"), (c) => subscribersPage(c));

subscriberAdminPages.post("/import", requires("attendees.read"), async (c) => {
  const body = await c.req.parseBody();
  const { text, pasted } = await csvFromForm(body);
  const dryRun = body.dryRun === "true";
  const parsed = parseCsv(text);
  if (!parsed.header.includes("email"))
    return subscribersPage(c, {
      pasted,
      dryRun,
      problems: ["The first line must be a header with an email column."],
    });
  const result = await importSubscribers(c.var.services, c.var.actor, parsed.rows, dryRun);
  const errors = [
    ...parsed.errors.map((e) => ({ path: `rows.${e.row}`, message: e.message })),
    ...result.errors,
  ];
  return subscribersPage(c, {
    result: { ...result, errors },
    dryRun,
    // A clean import empties the box; one with problems keeps the text to correct.
    pasted: errors.length ? pasted : "",
    problems: lineMessages(errors, parsed.lines),
  });
});

// From the list, or from an address looked up on the suppressions page (`from`): back there.
subscriberAdminPages.post("/:id/reactivate", requires("suppressions.manage"), async (c) => {
  const body = await c.req.parseBody();
  const back = body.from === "suppressions" ? "/admin/suppressions" : "/admin/subscribers";
  return noticeOnError(c, back, async () => {
    await reactivateSubscriber(c.var.services, c.var.actor, c.req.param("id"));
    return redirectWithNotice(c, back, "Reactivated: the subscriber receives reports again.");
  });
});

topicAdminPages.post("/", requires("workshops.manage"), async (c) => {
  const body = await c.req.parseBody();
  const parsed = parseForm(NewTopicSchema, {
    slug: String(body.slug ?? "").trim(),
    name: body.name,
    nameAr: body.nameAr || undefined,
  });
  if (!parsed.ok)
    return subscribersPage(
      c,
      {},
      "A topic needs a slug (lowercase letters, digits, dashes) and a name.",
    );
  return onServiceError(
    async () => {
      await createTopic(c.var.services.db, c.var.actor, parsed.data);
      return redirectWithNotice(c, "/admin/subscribers#topics", "Topic added.");
    },
    (error) => subscribersPage(c, {}, error.message),
  );
});
