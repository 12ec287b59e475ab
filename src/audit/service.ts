// The audit log: who did what to which thing, with counts, never personal data.

import { type SQL, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import type { Db } from "../db/client";
import { auditLog, distributions, invitations, registrations, reports } from "../db/schema";
import { newId } from "../lib/tokens";

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  /**
   * The workshop the action concerns. Leave it out when the target says it (a workshop,
   * or a registration, invitation, report or distribution that exists by the time the
   * entry is written: see `workshopOf`); give it when the target cannot, or null for none.
   */
  workshopId?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * The workshop an entry concerns, as a value or a subquery read when the entry is written
 * (so in a batch, after the statements before it). Every row about a workshop gets its id,
 * whoever writes it, so an owner filtering the log by workshop sees all of them: the
 * workshop's own changes, its people's registrations and invitations, and reports and
 * distributions built from it (a distribution to its attendees first, else its report's).
 */
function workshopOf(entry: AuditEntry): string | SQL | null {
  if (entry.workshopId !== undefined) return entry.workshopId;
  const id = entry.targetId;
  if (!id) return null;
  switch (entry.targetType) {
    case "workshop":
      return id;
    case "registration":
      return sql`(SELECT ${registrations.workshopId} FROM ${registrations} WHERE ${registrations.id} = ${id})`;
    case "invitation":
      return sql`(SELECT ${invitations.workshopId} FROM ${invitations} WHERE ${invitations.id} = ${id})`;
    case "report":
      return sql`(SELECT ${reports.workshopId} FROM ${reports} WHERE ${reports.id} = ${id})`;
    case "distribution":
      return sql`(SELECT COALESCE(json_extract(${distributions.audience}, '$.attendeesOf.workshopId'), ${reports.workshopId}) FROM ${distributions} JOIN ${reports} ON ${reports.id} = ${distributions.reportId} WHERE ${distributions.id} = ${id})`;
    default:
      return null;
  }
}

export function actorRef(actor: Actor | null): {
  actorType: "admin_token" | "organiser" | "api_token" | "system";
  actorId: string | null;
} {
  if (!actor) return { actorType: "system", actorId: null };
  if (actor.via === "api_token") return { actorType: "api_token", actorId: actor.tokenId ?? null };
  if (actor.organiserId) return { actorType: "organiser", actorId: actor.organiserId };
  return { actorType: "admin_token", actorId: null };
}

/** The insert, for callers that batch it with the change it records. */
export function auditInsert(db: Db, actor: Actor | null, entry: AuditEntry) {
  return db.insert(auditLog).values({
    id: newId("aud"),
    ...actorRef(actor),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    workshopId: workshopOf(entry),
    detail: entry.detail,
  });
}

export async function audit(db: Db, actor: Actor | null, entry: AuditEntry): Promise<void> {
  await auditInsert(db, actor, entry);
}

/**
 * The insert, written only when `happened` (an SQL condition, e.g. `EXISTS (…)`) holds when
 * the batch reaches it: for a change that may turn out to change nothing, so the log never
 * records what did not happen. Batch it before the change it records.
 */
export function auditInsertIf(db: Db, actor: Actor | null, entry: AuditEntry, happened: SQL) {
  const { actorType, actorId } = actorRef(actor);
  // drizzle lists every column of audit_log, in the schema's order: keep this in step.
  return db
    .insert(auditLog)
    .select(
      sql`SELECT ${newId("aud")}, ${Date.now()}, ${actorType}, ${actorId}, ${entry.action}, ${entry.targetType ?? null}, ${entry.targetId ?? null}, ${workshopOf(entry)}, ${entry.detail ? JSON.stringify(entry.detail) : null} WHERE ${happened}`,
    );
}
