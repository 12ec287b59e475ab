// Organiser accounts and the built-in owner, plus the actor helpers sign-in (./sign-in) and
// API tokens (./tokens) share. No HTTP here: callers pass the database and plain values,
// and get plain values or AppErrors back.
import { and, count, eq, isNotNull, isNull, or } from "drizzle-orm";
import type { Actor, Role } from "../access/roles";
import { auditInsert } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { apiTokens, organisers, sessions } from "../db/schema";
import type { Lang } from "../i18n";
import { conflict, notFound } from "../lib/errors";
import { secretFingerprint } from "../lib/signed";
import { cleanText, normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";

export const BUILT_IN_OWNER: Actor = {
  via: "admin_token",
  role: "owner",
  organiserId: null,
  name: "Administrator",
  email: null,
};

type OrganiserRow = typeof organisers.$inferSelect;

// ---------------------------------------------------------------- the built-in owner

/**
 * The fingerprint of an ADMIN_TOKEN: an HMAC keyed with it, so the database holds nothing
 * that helps guess it. Every session and API token of the built-in owner stores the
 * fingerprint of the ADMIN_TOKEN in force when it was made and is checked against the
 * current one on every use: rotating ADMIN_TOKEN (after it leaked, or someone left) ends
 * them all, as it would if they were the token itself.
 */
let lastFingerprint: { adminToken: string; fingerprint: Promise<string> } | undefined;
export function adminTokenFingerprint(adminToken: string): Promise<string> {
  if (lastFingerprint?.adminToken !== adminToken)
    lastFingerprint = {
      adminToken,
      fingerprint: secretFingerprint(adminToken, "workshops/admin-token-fingerprint/v1"),
    };
  return lastFingerprint.fingerprint;
}

/** The built-in owner, as authenticated under the ADMIN_TOKEN with this fingerprint. */
export function builtInOwner(adminFingerprint: string, extra: Partial<Actor> = {}): Actor {
  return { ...BUILT_IN_OWNER, adminFingerprint, ...extra };
}

/**
 * What a new session or API token of `actor` records of the ADMIN_TOKEN: its fingerprint
 * for the built-in owner, nothing for an organiser (whose account is what can be disabled).
 */
export function fingerprintFor(actor: Actor): string | null {
  if (actor.organiserId) return null;
  if (!actor.adminFingerprint)
    throw new Error("The built-in owner acts without a fingerprint of its ADMIN_TOKEN.");
  return actor.adminFingerprint;
}

/** Sessions and API tokens still valid under the current ADMIN_TOKEN (organisers' always). */
export function underCurrentAdminToken(
  table: typeof sessions | typeof apiTokens,
  currentFingerprint: string,
) {
  return or(isNotNull(table.organiserId), eq(table.adminTokenFingerprint, currentFingerprint));
}

export function organiserActor(
  row: OrganiserRow,
  via: Actor["via"],
  extra: Partial<Actor> = {},
): Actor {
  return {
    via,
    role: row.role,
    organiserId: row.id,
    name: row.name,
    email: row.email,
    language: row.language,
    ...extra,
  };
}

// ---------------------------------------------------------------- accounts

/** An organiser's own choice of language for their admin pages and sign-in emails. */
export async function setOrganiserLanguage(db: Db, organiserId: string, language: Lang) {
  await db.update(organisers).set({ language }).where(eq(organisers.id, organiserId));
}

export function listOrganisers(db: Db) {
  return db.query.organisers.findMany({ orderBy: [organisers.name] });
}

/** Every organiser account, disabled ones included. */
export async function countOrganisers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(organisers);
  return row?.n ?? 0;
}

export async function createOrganiser(
  db: Db,
  actor: Actor,
  input: { email: string; name: string; role: Role },
) {
  const id = newId("org");
  const email = normaliseEmail(input.email);
  const taken = () => conflict("An organiser with that email already exists.");
  if (
    await db.query.organisers.findFirst({
      where: eq(organisers.email, email),
      columns: { id: true },
    })
  )
    throw taken();
  try {
    // One batch: a concurrent create with the same email fails the unique index and rolls
    // back the audit entry with it.
    const [inserted] = await runBatch(db, [
      db
        .insert(organisers)
        .values({ id, email, name: cleanText(input.name), role: input.role })
        .returning(),
      auditInsert(db, actor, {
        action: "organiser.create",
        targetType: "organiser",
        targetId: id,
        detail: { role: input.role },
      }),
    ]);
    return inserted[0]!;
  } catch (error) {
    if (String(error).includes("UNIQUE")) throw taken();
    throw error;
  }
}

export async function updateOrganiser(
  db: Db,
  actor: Actor,
  id: string,
  change: { role?: Role; name?: string; disabled?: boolean },
) {
  const current = await db.query.organisers.findFirst({ where: eq(organisers.id, id) });
  if (!current) throw notFound("No such organiser.");
  if (actor.organiserId === id && (change.disabled || (change.role && change.role !== "owner"))) {
    throw conflict(
      "You cannot disable yourself or give up your own owner role; ask another owner.",
    );
  }
  const set: Partial<OrganiserRow> = {};
  if (change.role) set.role = change.role;
  if (change.name) set.name = cleanText(change.name);
  if (change.disabled !== undefined) set.disabledAt = change.disabled ? new Date() : null;
  // A form that says nothing to change (no role, no switch) leaves the organiser as they are.
  if (Object.keys(set).length === 0) return current;
  const audits = [];
  if (change.role && change.role !== current.role) {
    audits.push(
      auditInsert(db, actor, {
        action: "organiser.role_change",
        targetType: "organiser",
        targetId: id,
        detail: { from: current.role, to: change.role },
      }),
    );
  }
  if (change.disabled !== undefined) {
    audits.push(
      auditInsert(db, actor, {
        action: change.disabled ? "organiser.disable" : "organiser.enable",
        targetType: "organiser",
        targetId: id,
      }),
    );
  }
  // Disabling someone also ends their sessions and tokens: access stops now, not at expiry.
  const revocations =
    change.disabled === true
      ? [
          db
            .update(sessions)
            .set({ revokedAt: new Date() })
            .where(and(eq(sessions.organiserId, id), isNull(sessions.revokedAt))),
          db
            .update(apiTokens)
            .set({ revokedAt: new Date() })
            .where(and(eq(apiTokens.organiserId, id), isNull(apiTokens.revokedAt))),
        ]
      : [];
  const [updated] = await runBatch(db, [
    db.update(organisers).set(set).where(eq(organisers.id, id)).returning(),
    ...audits,
    ...revocations,
  ]);
  return updated[0]!;
}
