// Organisers' subscriber pages: list with filters, erase, CSV export, CSV import with a
// dry-run preview, and topics.
import type { Context } from "hono";
import { Hono } from "hono";
import { can } from "../access/roles";
import { audit } from "../audit/service";
import { SUBSCRIBER_STATUSES } from "../db/schema";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppEnv, SignedInEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import { adminDictionary, fill, formatNumber, languageNameIn } from "../i18n";
import { lineMessages, parseCsv } from "../lib/csv";
import { onServiceError } from "../lib/errors";
import { CsvImportFields, csvFromForm } from "../ui/csv-import";
import { Field, Notice, parseForm } from "../ui/forms";
import { Page } from "../ui/layout";
import { Fill } from "../ui/words";
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
  const view = adminPage(c);
  const { lang } = view;
  const a = adminDictionary(lang);
  const t = a.subscribers;
  const n$ = (n: number) => formatNumber(n, lang);
  const topicName = (x: { name: string; nameAr: string | null }) =>
    lang === "ar" && x.nameAr ? x.nameAr : x.name;
  return c.html(
    <Page {...view} title={t.title} path="/admin/subscribers">
      <h1>{t.title}</h1>
      {notice ? (
        <Notice kind={c.req.query("kind") === "error" ? "error" : "ok"}>{notice}</Notice>
      ) : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      {result ? (
        <Notice kind={result.errors.length ? "error" : "ok"}>
          <p>
            {result.dryRun ? t.dryRunPrefix : ""}
            {fill(result.dryRun ? t.dryRunResult : t.importResult, {
              imported: n$(result.imported),
              skipped: n$(result.skipped),
              errors: n$(result.errors.length),
            })}
          </p>
          {problems.length ? <p>{t.linesBelow}</p> : null}
        </Notice>
      ) : null}
      <search>
        <form method="get" class="row">
          <label for="s-status" class="hint">
            {a.common.status}
          </label>
          <select id="s-status" name="status">
            <option value="">{t.all}</option>
            {SUBSCRIBER_STATUSES.map((s) => (
              <option value={s} selected={s === status}>
                {t.status[s]}
              </option>
            ))}
          </select>
          <label for="s-topic" class="hint">
            {t.topic}
          </label>
          <select id="s-topic" name="topic">
            <option value="">{t.all}</option>
            {topics.map((x) => (
              <option value={x.slug} selected={x.slug === topic}>
                {topicName(x)}
              </option>
            ))}
          </select>
          <button type="submit" class="secondary">
            {t.filter}
          </button>
          <a
            class="button secondary"
            href={`/api/v1/subscribers.csv?${new URLSearchParams({ ...(status ? { status } : {}), ...(topic ? { topic } : {}), excel: "true" })}`}
          >
            {t.exportCsv}
          </a>
        </form>
      </search>
      {page.data.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{a.common.email}</th>
                <th scope="col">{a.common.name}</th>
                <th scope="col">{a.common.language}</th>
                <th scope="col">{a.common.status}</th>
                <th scope="col">{t.topicsColumn}</th>
                <th scope="col">
                  <span class="hint">{t.erase}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((s) => (
                <tr>
                  <td class="mono" dir="ltr">
                    {s.email}
                  </td>
                  <td>
                    <bdi>{s.name ?? ""}</bdi>
                  </td>
                  <td>{languageNameIn(s.language, lang)}</td>
                  <td>{t.status[s.status]}</td>
                  <td dir="ltr">{s.topics.map((x) => x.topic.slug).join(", ")}</td>
                  <td>
                    {reactivates && REACTIVATED_BY_OWNER.includes(s.status) ? (
                      <form method="post" action={`/admin/subscribers/${s.id}/reactivate`}>
                        <button
                          type="submit"
                          class="secondary"
                          aria-label={fill(t.reactivateLabel, { email: s.email })}
                        >
                          {t.reactivate}
                        </button>
                      </form>
                    ) : null}
                    {/* Erasing asks first, on its own page: no destructive button per row. */}
                    <a
                      href={`/admin/subscribers/${s.id}/erase`}
                      aria-label={fill(t.eraseLabel, { email: s.email })}
                    >
                      {t.eraseLink}
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
            {a.common.more}
          </a>
        </p>
      ) : null}
      <h2>{t.importHeading}</h2>
      <form
        method="post"
        action="/admin/subscribers/import"
        class="stack"
        enctype="multipart/form-data"
      >
        <CsvImportFields
          label={t.csv}
          uploadLabel={a.csv.upload}
          hint={
            <Fill
              text={t.csvHint}
              values={{
                header: <code dir="ltr">email,name,language,topics</code>,
                separator: <code dir="ltr">;</code>,
              }}
            />
          }
          pasted={answer.pasted}
          problems={problems}
          summary={
            result && result.imported > 0 && !result.dryRun ? t.someImported : t.correctLines
          }
        />
        <label class="check">
          <input type="checkbox" name="dryRun" value="true" checked={answer.dryRun ?? true} />{" "}
          {t.dryRun}
        </label>
        <div>
          <button type="submit">{t.import}</button>
        </div>
      </form>
      <h2 id="topics">{t.topics}</h2>
      <ul>
        {topics.map((x) => (
          <li>
            <code dir="ltr">{x.slug}</code> — <span lang="en">{x.name}</span>
            {x.nameAr ? <span lang="ar"> · {x.nameAr}</span> : null}
          </li>
        ))}
      </ul>
      <form method="post" action="/admin/topics" class="stack">
        <Field name="slug" label={t.slug} required hint={t.slugHint} dir="ltr" />
        <Field name="name" label={t.nameEnglish} required dir="ltr" />
        <Field name="nameAr" label={t.nameArabic} dir="rtl" />
        <div>
          <button type="submit">{t.addTopic}</button>
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
      problems: [adminDictionary(adminLang(c)).subscribers.needsHeader],
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
    problems: lineMessages(errors, parsed.lines, adminLang(c)),
  });
});

// From the list, or from an address looked up on the suppressions page (`from`): back there.
subscriberAdminPages.post("/:id/reactivate", requires("suppressions.manage"), async (c) => {
  const body = await c.req.parseBody();
  const back = body.from === "suppressions" ? "/admin/suppressions" : "/admin/subscribers";
  return noticeOnError(c, back, async () => {
    await reactivateSubscriber(c.var.services, c.var.actor, c.req.param("id"));
    return redirectWithNotice(c, back, adminDictionary(adminLang(c)).subscribers.reactivated);
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
    return subscribersPage(c, {}, adminDictionary(adminLang(c)).subscribers.topicInvalid);
  return onServiceError(
    async () => {
      await createTopic(c.var.services.db, c.var.actor, parsed.data);
      return redirectWithNotice(
        c,
        "/admin/subscribers#topics",
        adminDictionary(adminLang(c)).subscribers.topicAdded,
      );
    },
    (error) => subscribersPage(c, {}, error.message),
  );
});
