// Reading the audit log (owners only: the `audit.read` permission), newest first, filtered
// by who acted, what they did, which workshop it concerned and when. Actors are named from
// the organisers and API tokens tables, which the log refers to by id.
import { and, eq, gte, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { type Keyset, paginate } from "../db/paginate";
import { apiTokens, auditLog, organisers } from "../db/schema";

export type AuditRow = typeof auditLog.$inferSelect;

/** Actors that are not an account or a token: `actor=` takes these words. */
export const ACTOR_KINDS = ["admin_token", "system", "public"] as const;

export interface AuditQuery {
  /**
   * An organiser's id (what they did signed in and through their API tokens), an API
   * token's id, or one of ACTOR_KINDS (`admin_token`: the built-in owner, its sessions and
   * its API tokens).
   */
  actor?: string;
  /** An action (`workshop.cancel`), or every action under a prefix (`registration.*`). */
  action?: string;
  /** Every row about this workshop (see `workshopOf` in ./service.ts). */
  workshop?: string;
  /** From this instant (inclusive) … */
  from?: Date;
  /** … to this one (exclusive). */
  to?: Date;
  limit: number;
  cursor?: string;
}

const NEWEST_FIRST: Keyset = { id: auditLog.id, by: auditLog.createdAt, direction: "desc" };

function tokensOf(db: Db, organiserId: string | null) {
  return db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(organiserId ? eq(apiTokens.organiserId, organiserId) : isNull(apiTokens.organiserId));
}

function actorIs(db: Db, actor: string): SQL | undefined {
  const byToken = (organiserId: string | null) =>
    and(eq(auditLog.actorType, "api_token"), inArray(auditLog.actorId, tokensOf(db, organiserId)));
  if (actor === "admin_token") return or(eq(auditLog.actorType, "admin_token"), byToken(null));
  if (actor === "system" || actor === "public") return eq(auditLog.actorType, actor);
  return or(eq(auditLog.actorId, actor), byToken(actor));
}

function actionIs(action: string): SQL {
  if (!action.endsWith("*")) return eq(auditLog.action, action);
  const prefix = action.slice(0, -1).replace(/[\\%_]/g, (m) => `\\${m}`);
  return sql`${auditLog.action} LIKE ${`${prefix}%`} ESCAPE '\\'`;
}

export function listAudit(db: Db, query: AuditQuery) {
  return paginate(db, NEWEST_FIRST, query, (after, window) =>
    db
      .select()
      .from(auditLog)
      .where(
        and(
          query.actor ? actorIs(db, query.actor) : undefined,
          query.action ? actionIs(query.action) : undefined,
          query.workshop ? eq(auditLog.workshopId, query.workshop) : undefined,
          query.from ? gte(auditLog.createdAt, query.from) : undefined,
          query.to ? lt(auditLog.createdAt, query.to) : undefined,
          after,
        ),
      )
      .orderBy(...window.orderBy)
      .limit(window.limit),
  );
}

/**
 * A readable name for each actor of `rows`: the organiser's name, an API token's name and
 * whose it is, or what the kind of actor is. Two queries, however many rows.
 */
export async function actorNames(db: Db, rows: AuditRow[]): Promise<Map<string, string>> {
  const ids = (type: AuditRow["actorType"]) => [
    ...new Set(rows.filter((r) => r.actorType === type && r.actorId).map((r) => r.actorId!)),
  ];
  const tokenIds = ids("api_token");
  const tokens = tokenIds.length
    ? await db
        .select({ id: apiTokens.id, name: apiTokens.name, organiserId: apiTokens.organiserId })
        .from(apiTokens)
        .where(inArray(apiTokens.id, tokenIds))
    : [];
  const organiserIds = [
    ...new Set([
      ...ids("organiser"),
      ...tokens.flatMap((t) => (t.organiserId ? [t.organiserId] : [])),
    ]),
  ];
  const people = organiserIds.length
    ? await db
        .select({ id: organisers.id, name: organisers.name })
        .from(organisers)
        .where(inArray(organisers.id, organiserIds))
    : [];
  const nameOf = new Map(people.map((p) => [p.id, p.name]));
  const names = new Map<string, string>(nameOf);
  for (const t of tokens) {
    const owner = t.organiserId ? (nameOf.get(t.organiserId) ?? "a removed organiser") : ADMIN;
    names.set(t.id, `API token “${t.name}” of ${owner}`);
  }
  return names;
}

const ADMIN = "the administrator (ADMIN_TOKEN)";

/** Every organiser account, to choose whose actions to see. */
export function actorChoices(db: Db) {
  return db
    .select({ id: organisers.id, name: organisers.name, email: organisers.email })
    .from(organisers)
    .orderBy(organisers.name);
}

/** How one row's actor reads, given `actorNames`. */
export function actorLabel(row: AuditRow, names: Map<string, string>): string {
  switch (row.actorType) {
    case "admin_token":
      return "Administrator (ADMIN_TOKEN)";
    case "system":
      return "System (cron, queue)";
    case "public":
      return "A participant or subscriber";
    default:
      return (row.actorId && names.get(row.actorId)) ?? row.actorId ?? "unknown";
  }
}

export function auditJson(row: AuditRow, names: Map<string, string>) {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    actorName: actorLabel(row, names),
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    workshopId: row.workshopId,
    detail: row.detail ?? null,
  };
}
