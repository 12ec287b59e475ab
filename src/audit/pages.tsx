// The audit log's admin page, /admin/audit (owners only): the same filters as the API, with
// days instead of instants. Built by app.tsx, which passes the workshops to choose from, so
// this folder imports no feature.
import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { Actor } from "../access/roles";
import type { Db } from "../db/client";
import { adminPage } from "../http/admin-lang";
import type { AppEnv } from "../http/context";
import { requires } from "../http/guard";
import { type AdminWords, adminDictionary } from "../i18n";
import { Notice, parseForm } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { ACTOR_KINDS, actorChoices, actorLabel, actorNames, listAudit } from "./read";

const DAY = 24 * 60 * 60 * 1000;

const optional = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((s) => s || undefined);
/** The filters, their messages in the page's language. */
function filtersSchema(t: AdminWords["audit"]) {
  const day = optional(10).refine(
    (s) => s === undefined || (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s))),
    t.pickDay,
  );
  return z.object({
    actor: optional(100),
    action: optional(100).refine((s) => s === undefined || /^[a-z_.]+\*?$/.test(s), t.actionHint),
    workshop: optional(100),
    from: day,
    to: day,
    cursor: optional(100),
  });
}
type Filters = z.infer<ReturnType<typeof filtersSchema>>;

export interface AuditPageOptions {
  /** The workshops an owner may pick in the filter: ids and titles. */
  workshopChoices: (db: Db, actor: Actor) => Promise<{ id: string; title: string }[]>;
}

export function auditPages({ workshopChoices }: AuditPageOptions) {
  const pages = new Hono<AppEnv>();

  pages.get("/", requires("audit.read"), async (c) => {
    const db = c.var.services.db;
    const view = adminPage(c);
    const a = adminDictionary(view.lang);
    const t = a.audit;
    const parsed = parseForm(filtersSchema(t), c.req.query(), view.lang);
    const filters: Partial<Filters> = parsed.ok ? parsed.data : {};
    const [people, workshops] = await Promise.all([
      actorChoices(db),
      workshopChoices(db, c.var.actor),
    ]);
    const page = parsed.ok
      ? await listAudit(db, {
          actor: filters.actor,
          action: filters.action,
          workshop: filters.workshop,
          from: filters.from ? new Date(`${filters.from}T00:00:00Z`) : undefined,
          // The day chosen is included: up to the start of the next one.
          to: filters.to ? new Date(Date.parse(`${filters.to}T00:00:00Z`) + DAY) : undefined,
          limit: 50,
          cursor: filters.cursor,
        })
      : { data: [], nextCursor: null };
    const names = await actorNames(db, page.data);
    const titles = new Map(workshops.map((w) => [w.id, w.title]));
    const kept = Object.fromEntries(
      Object.entries(filters).filter(([k, v]) => k !== "cursor" && v !== undefined) as [
        string,
        string,
      ][],
    );
    const filtered = Object.keys(kept).length > 0;
    return c.html(
      <Page {...view} title={t.title} path="/admin/audit">
        <h1>{t.title}</h1>
        <p class="muted">{t.intro}</p>
        {parsed.ok ? null : (
          <Notice kind="error">
            {Object.entries(parsed.errors).map(([field, message]) => (
              <p>
                <bdi>{field}</bdi>: {message}
              </p>
            ))}
          </Notice>
        )}
        <search>
          <form method="get" action="/admin/audit" class="row">
            <label for="audit-actor" class="hint">
              {t.who}
            </label>
            <select id="audit-actor" name="actor">
              <option value="">{t.anyone}</option>
              {ACTOR_KINDS.map((kind) => (
                <option value={kind} selected={filters.actor === kind}>
                  {t.kinds[kind]}
                </option>
              ))}
              {people.map((p) => (
                <option value={p.id} selected={filters.actor === p.id}>
                  {p.name} ({p.email})
                </option>
              ))}
            </select>
            <label for="audit-action" class="hint">
              {t.action}
            </label>
            <input
              id="audit-action"
              name="action"
              type="search"
              value={filters.action ?? ""}
              placeholder="registration.*"
              dir="ltr"
            />
            <label for="audit-workshop" class="hint">
              {t.workshop}
            </label>
            <select id="audit-workshop" name="workshop">
              <option value="">{t.any}</option>
              {filters.workshop && !titles.has(filters.workshop) ? (
                <option value={filters.workshop} selected>
                  {filters.workshop}
                </option>
              ) : null}
              {workshops.map((w) => (
                <option value={w.id} selected={filters.workshop === w.id}>
                  {w.title}
                </option>
              ))}
            </select>
            <label for="audit-from" class="hint">
              {t.from}
            </label>
            <input id="audit-from" name="from" type="date" value={filters.from ?? ""} />
            <label for="audit-to" class="hint">
              {t.to}
            </label>
            <input id="audit-to" name="to" type="date" value={filters.to ?? ""} />
            <button type="submit" class="secondary">
              {t.filter}
            </button>
          </form>
        </search>
        {page.data.length === 0 ? (
          <p>{filtered ? t.noneMatch : t.none}</p>
        ) : (
          <DataTable headers={[t.whenUtc, t.who, t.action, t.target, t.workshop, t.detail]}>
            {page.data.map((row) => (
              <tr>
                <td class="mono" dir="ltr">
                  {row.createdAt.toISOString().replace("T", " ").slice(0, 19)}
                </td>
                <td>
                  <bdi>
                    {view.lang !== "en" && row.actorType in t.actors
                      ? t.actors[row.actorType as keyof typeof t.actors]
                      : actorLabel(row, names)}
                  </bdi>
                </td>
                <td class="mono" dir="ltr">
                  {row.action}
                </td>
                <td class="mono" dir="ltr">
                  {row.targetType ? `${row.targetType} ${row.targetId ?? ""}` : ""}
                </td>
                <td>
                  {row.workshopId ? (
                    <a href={`/admin/workshops/${row.workshopId}`} dir="auto">
                      {titles.get(row.workshopId) ?? row.workshopId}
                    </a>
                  ) : null}
                </td>
                <td class="mono" dir="ltr">
                  {row.detail ? JSON.stringify(row.detail) : ""}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {page.nextCursor ? (
          <p>
            <a href={`/admin/audit?${new URLSearchParams({ ...kept, cursor: page.nextCursor })}`}>
              {a.common.older}
            </a>
          </p>
        ) : null}
      </Page>,
      parsed.ok ? 200 : 422,
    );
  });

  return pages;
}
