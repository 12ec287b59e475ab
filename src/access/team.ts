// Workshop teams, as the access rules read them. Owners act on every workshop; anyone else
// only on workshops whose team they are on, and only as far as both their account role and
// their role in that team allow. A workshop someone is not on does not exist for them: the
// answer is the same 404 as for an id that was never used.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Actor, Role } from "../access/roles";
import type { Db } from "../db/client";
import { invitations, registrations, workshopMembers, workshops } from "../db/schema";

export type MemberRole = (typeof workshopMembers.$inferSelect)["role"];

/** How a route names the workshop it touches: the path parameter that holds which id. */
export type Scope = { workshop: string } | { registration: string } | { invitation: string };

/** The 404 of each kind of scoped thing, the same words whether it exists or is hidden. */
export const NOT_FOUND: Record<"workshop" | "registration" | "invitation", string> = {
  workshop: "No such workshop.",
  registration: "No such registration.",
  invitation: "No such invitation.",
};

export function scopeKind(scope: Scope): keyof typeof NOT_FOUND {
  return "workshop" in scope ? "workshop" : "registration" in scope ? "registration" : "invitation";
}

/** The workshop a scoped route's path points at, or null when there is none. */
export async function scopedWorkshopId(
  db: Db,
  scope: Scope,
  param: (name: string) => string | undefined,
): Promise<string | null> {
  if ("workshop" in scope) return param(scope.workshop) ?? null;
  const id = param("registration" in scope ? scope.registration : scope.invitation);
  if (!id) return null;
  const table = "registration" in scope ? registrations : invitations;
  const [row] = await db
    .select({ workshopId: table.workshopId })
    .from(table)
    .where(eq(table.id, id))
    .limit(1);
  return row?.workshopId ?? null;
}

/**
 * The role `actor` acts with on a workshop, or null when they are not on its team. An
 * account never acts above its own role: a door account in an organiser seat stays door.
 */
export async function roleOn(db: Db, actor: Actor, workshopId: string): Promise<Role | null> {
  if (actor.role === "owner") return "owner";
  if (!actor.organiserId) return null;
  const [member] = await db
    .select({ role: workshopMembers.role })
    .from(workshopMembers)
    .where(
      and(
        eq(workshopMembers.workshopId, workshopId),
        eq(workshopMembers.organiserId, actor.organiserId),
      ),
    )
    .limit(1);
  return member ? effectiveRole(actor, member.role) : null;
}

/** The role an account's team memberships give it, bounded by the account's own role. */
function effectiveRole(actor: Actor, member: MemberRole): Role {
  return member === "door" || actor.role === "door" ? "door" : "organiser";
}

/** For a non-owner: the role they act with on each workshop whose team they are on. */
export async function teamRoles(db: Db, actor: Actor): Promise<Map<string, Role>> {
  if (!actor.organiserId) return new Map();
  const rows = await db
    .select({ workshopId: workshopMembers.workshopId, role: workshopMembers.role })
    .from(workshopMembers)
    .where(eq(workshopMembers.organiserId, actor.organiserId));
  return new Map(rows.map((r) => [r.workshopId, effectiveRole(actor, r.role)]));
}

/**
 * A condition on `workshops.id` that keeps only the workshops `actor` may see; undefined
 * (no condition) for owners. For every list of workshops, so hidden ones are never counted.
 */
export function visibleTo(actor: Actor, column: AnySQLiteColumn = workshops.id) {
  if (actor.role === "owner") return undefined;
  return inArray(
    column,
    // Plain column names: inside drizzle's relational queries a column object would be
    // qualified with the outer table's alias.
    sql`(SELECT "workshop_id" FROM "workshop_members" WHERE "organiser_id" = ${actor.organiserId ?? ""})`,
  );
}
