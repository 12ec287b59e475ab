// Managing a workshop's team: who may act on it besides owners (src/access/team.ts reads it).
// Every change is audited. Organiser members of a workshop may manage its team; so may owners.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import type { MemberRole } from "../access/team";
import { auditInsert, auditInsertIf } from "../audit/service";
import type { Db } from "../db/client";
import { organisers, workshopMembers } from "../db/schema";
import { conflict, invalid, notFound } from "../lib/errors";

export interface Member {
  organiserId: string;
  name: string;
  email: string;
  accountRole: (typeof organisers.$inferSelect)["role"];
  role: MemberRole;
  disabled: boolean;
  addedAt: Date;
}

export async function listMembers(db: Db, workshopId: string): Promise<Member[]> {
  const rows = await db
    .select({
      organiserId: workshopMembers.organiserId,
      name: organisers.name,
      email: organisers.email,
      accountRole: organisers.role,
      role: workshopMembers.role,
      disabledAt: organisers.disabledAt,
      addedAt: workshopMembers.createdAt,
    })
    .from(workshopMembers)
    .innerJoin(organisers, eq(organisers.id, workshopMembers.organiserId))
    .where(eq(workshopMembers.workshopId, workshopId))
    .orderBy(asc(organisers.name));
  return rows.map(({ disabledAt, ...row }) => ({ ...row, disabled: disabledAt !== null }));
}

/** The insert that puts a workshop's creator on its team, batched with the creation. */
export function creatorMembership(db: Db, actor: Actor, workshopId: string) {
  return actor.organiserId
    ? [
        db
          .insert(workshopMembers)
          .values({ workshopId, organiserId: actor.organiserId, role: "organiser" })
          .onConflictDoNothing(),
      ]
    : [];
}

/**
 * Adds an organiser account to the team by address, or changes their role in it. A door
 * account can only be door staff; an owner needs no membership.
 */
export async function setMember(
  db: Db,
  actor: Actor,
  workshopId: string,
  input: { email: string; role: MemberRole },
): Promise<Member> {
  const account = await db.query.organisers.findFirst({
    where: eq(organisers.email, input.email.trim().toLowerCase()),
  });
  if (!account || account.disabledAt)
    throw invalid("No active organiser account uses that address.", [
      { path: "email", message: "No active organiser account uses that address." },
    ]);
  if (account.role === "owner") throw conflict("Owners see every workshop already.");
  if (account.role === "door" && input.role === "organiser")
    throw invalid("A door account can only be door staff.", [
      { path: "role", message: "A door account can only be door staff." },
    ]);
  await db.batch([
    db
      .insert(workshopMembers)
      .values({ workshopId, organiserId: account.id, role: input.role })
      .onConflictDoUpdate({
        target: [workshopMembers.workshopId, workshopMembers.organiserId],
        set: { role: input.role },
      }),
    auditInsert(db, actor, {
      action: "workshop.member.set",
      targetType: "workshop",
      targetId: workshopId,
      detail: { organiserId: account.id, role: input.role },
    }),
  ]);
  return (await listMembers(db, workshopId)).find((m) => m.organiserId === account.id)!;
}

/** Removes someone from the team. The audit row is written only if someone was removed. */
export async function removeMember(
  db: Db,
  actor: Actor,
  workshopId: string,
  organiserId: string,
): Promise<void> {
  const member = and(
    eq(workshopMembers.workshopId, workshopId),
    eq(workshopMembers.organiserId, organiserId),
  );
  const [, removed] = await db.batch([
    auditInsertIf(
      db,
      actor,
      {
        action: "workshop.member.remove",
        targetType: "workshop",
        targetId: workshopId,
        detail: { organiserId },
      },
      sql`EXISTS (SELECT 1 FROM ${workshopMembers} WHERE ${member})`,
    ),
    db.delete(workshopMembers).where(member).returning(),
  ]);
  if (!removed[0]) throw notFound("That person is not on this workshop's team.");
}

export function memberJson(m: Member) {
  return {
    organiserId: m.organiserId,
    name: m.name,
    email: m.email,
    accountRole: m.accountRole,
    role: m.role,
    disabled: m.disabled,
    addedAt: m.addedAt.toISOString(),
  };
}
