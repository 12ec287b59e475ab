// The audit log: who did what to which thing, with counts, never personal data.

import { type SQL, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import type { Db } from "../db/client";
import { auditLog } from "../db/schema";
import { newId } from "../lib/tokens";

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  detail?: Record<string, unknown>;
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
  return db.insert(auditLog).values({ id: newId("aud"), ...actorRef(actor), ...entry });
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
      sql`SELECT ${newId("aud")}, ${Date.now()}, ${actorType}, ${actorId}, ${entry.action}, ${entry.targetType ?? null}, ${entry.targetId ?? null}, ${null}, ${entry.detail ? JSON.stringify(entry.detail) : null} WHERE ${happened}`,
    );
}
