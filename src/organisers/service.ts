// Organiser accounts, sign-in links, sessions and API tokens. No HTTP here: callers pass
// the database, the mailer and plain values, and get plain values or AppErrors back.
import { and, count, desc, eq, gt, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import { templateEmail } from "../../emails";
import type { Actor, Role } from "../access/roles";
import { auditInsert, auditInsertIf } from "../audit/service";
import { type Db, runBatch, type Statement } from "../db/client";
import { apiTokens, organisers, sessions, signInLinks } from "../db/schema";
import { DEFAULT_LANG, dictionary } from "../i18n";
import { conflict, notFound } from "../lib/errors";
import { secretFingerprint } from "../lib/signed";
import { cleanText, normaliseEmail } from "../lib/text";
import { newId, newSecret, secretsEqual, sha256Hex } from "../lib/tokens";
import type { Services } from "../services";

const SIGN_IN_LINK_TTL_MS = 15 * 60 * 1000;
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const API_TOKEN_PREFIX = "wk_";

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
function builtInOwner(adminFingerprint: string, extra: Partial<Actor> = {}): Actor {
  return { ...BUILT_IN_OWNER, adminFingerprint, ...extra };
}

/**
 * What a new session or API token of `actor` records of the ADMIN_TOKEN: its fingerprint
 * for the built-in owner, nothing for an organiser (whose account is what can be disabled).
 */
function fingerprintFor(actor: Actor): string | null {
  if (actor.organiserId) return null;
  if (!actor.adminFingerprint)
    throw new Error("The built-in owner acts without a fingerprint of its ADMIN_TOKEN.");
  return actor.adminFingerprint;
}

/** Sessions and API tokens still valid under the current ADMIN_TOKEN (organisers' always). */
function underCurrentAdminToken(
  table: typeof sessions | typeof apiTokens,
  currentFingerprint: string,
) {
  return or(isNotNull(table.organiserId), eq(table.adminTokenFingerprint, currentFingerprint));
}

function organiserActor(row: OrganiserRow, via: Actor["via"], extra: Partial<Actor> = {}): Actor {
  return { via, role: row.role, organiserId: row.id, name: row.name, email: row.email, ...extra };
}

// ---------------------------------------------------------------- accounts

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

// ---------------------------------------------------------------- sign-in links

/**
 * Emails a single-use sign-in link if the address belongs to an active organiser. Says
 * nothing either way, so the form cannot be used to find out who organises.
 */
export async function requestSignInLink(svc: Services, email: string): Promise<void> {
  const { db, mailer } = svc;
  const { appUrl } = svc.settings;
  const organiser = await db.query.organisers.findFirst({
    where: and(eq(organisers.email, normaliseEmail(email)), isNull(organisers.disabledAt)),
  });
  if (!organiser) return;
  const token = newSecret();
  const url = `${appUrl.replace(/\/$/, "")}/admin/sign-in/${token}`;
  const lang = DEFAULT_LANG;
  const outbox = mailer.outboxInsert({
    to: organiser.email,
    subject: dictionary(lang).emails.signInSubject,
    kind: "sign-in",
    ...templateEmail("sign-in", { props: { lang, name: organiser.name, url } }),
  });
  await runBatch(db, [
    db.insert(signInLinks).values({
      id: newId("sil"),
      organiserId: organiser.id,
      tokenHash: await sha256Hex(token),
      expiresAt: new Date(Date.now() + SIGN_IN_LINK_TTL_MS),
    }),
    outbox.query,
  ]);
  await mailer.enqueue([outbox.id]);
}

/** Whether a link is still usable, for the page the link opens. Reading changes nothing. */
export async function signInLinkIsUsable(
  db: Db,
  token: string,
  now = new Date(),
): Promise<boolean> {
  const link = await db.query.signInLinks.findFirst({
    where: and(
      eq(signInLinks.tokenHash, await sha256Hex(token)),
      isNull(signInLinks.usedAt),
      gt(signInLinks.expiresAt, now),
    ),
  });
  return Boolean(link);
}

/**
 * Consumes a link and opens a session. The consuming UPDATE is conditional, so two
 * simultaneous posts of one link cannot both succeed.
 */
export async function redeemSignInLink(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ sessionToken: string; actor: Actor } | null> {
  const [used] = await db
    .update(signInLinks)
    .set({ usedAt: now })
    .where(
      and(
        eq(signInLinks.tokenHash, await sha256Hex(token)),
        isNull(signInLinks.usedAt),
        gt(signInLinks.expiresAt, now),
      ),
    )
    .returning({ organiserId: signInLinks.organiserId });
  if (!used) return null;
  const organiser = await db.query.organisers.findFirst({
    where: and(eq(organisers.id, used.organiserId), isNull(organisers.disabledAt)),
  });
  if (!organiser) return null;
  const actor = organiserActor(organiser, "session");
  const sessionToken = await openSession(db, actor, now, [
    db.update(organisers).set({ lastSignInAt: now }).where(eq(organisers.id, organiser.id)),
  ]);
  return { sessionToken, actor };
}

/** Sign-in with the owner-level ADMIN_TOKEN (first sign-in, and when no mail works). */
export async function signInWithAdminToken(
  db: Db,
  adminToken: string,
  given: string,
): Promise<string | null> {
  if (!(await secretsEqual(given, adminToken))) return null;
  return openSession(db, builtInOwner(await adminTokenFingerprint(adminToken)));
}

// ---------------------------------------------------------------- sessions

async function openSession(
  db: Db,
  actor: Actor,
  now = new Date(),
  alongside: Statement[] = [],
): Promise<string> {
  const token = newSecret();
  const id = newId("ses");
  await runBatch(db, [
    db.insert(sessions).values({
      id,
      tokenHash: await sha256Hex(token),
      organiserId: actor.organiserId,
      adminTokenFingerprint: fingerprintFor(actor),
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    }),
    auditInsert(db, actor, {
      action: "session.sign_in",
      targetType: "session",
      targetId: id,
      detail: { via: actor.via },
    }),
    ...alongside,
  ]);
  return token;
}

export async function resolveSession(
  db: Db,
  adminToken: string,
  token: string,
  now = new Date(),
): Promise<Actor | null> {
  const fingerprint = await adminTokenFingerprint(adminToken);
  const session = await db.query.sessions.findFirst({
    where: and(
      eq(sessions.tokenHash, await sha256Hex(token)),
      isNull(sessions.revokedAt),
      gt(sessions.expiresAt, now),
      underCurrentAdminToken(sessions, fingerprint),
    ),
    with: { organiser: true },
  });
  if (!session) return null;
  if (!session.organiserId)
    return builtInOwner(fingerprint, { via: "session", sessionId: session.id });
  if (!session.organiser || session.organiser.disabledAt) return null;
  return organiserActor(session.organiser, "session", { sessionId: session.id });
}

export async function signOut(db: Db, actor: Actor): Promise<void> {
  if (!actor.sessionId) return;
  await runBatch(db, [
    db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, actor.sessionId)),
    auditInsert(db, actor, {
      action: "session.sign_out",
      targetType: "session",
      targetId: actor.sessionId,
    }),
  ]);
}

// ---------------------------------------------------------------- API tokens

export async function createApiToken(db: Db, actor: Actor, name: string) {
  const token = newSecret(API_TOKEN_PREFIX);
  const id = newId("tok");
  const row = {
    id,
    organiserId: actor.organiserId,
    name: cleanText(name),
    tokenHash: await sha256Hex(token),
    hint: token.slice(0, API_TOKEN_PREFIX.length + 4),
    adminTokenFingerprint: fingerprintFor(actor),
  };
  await runBatch(db, [
    db.insert(apiTokens).values(row),
    auditInsert(db, actor, { action: "api_token.create", targetType: "api_token", targetId: id }),
  ]);
  // The secret is returned this once and never stored.
  return { id, name: row.name, hint: row.hint, token, createdAt: new Date() };
}

export function listApiTokens(db: Db, actor: Actor, all: boolean) {
  const own = actor.organiserId
    ? eq(apiTokens.organiserId, actor.organiserId)
    : isNull(apiTokens.organiserId);
  return db.query.apiTokens.findMany({
    where: all ? undefined : own,
    orderBy: [desc(apiTokens.createdAt)],
    columns: { tokenHash: false },
    with: { organiser: { columns: { name: true, email: true } } },
  });
}

export async function revokeApiToken(
  db: Db,
  actor: Actor,
  id: string,
  all: boolean,
): Promise<void> {
  const own = actor.organiserId
    ? eq(apiTokens.organiserId, actor.organiserId)
    : isNull(apiTokens.organiserId);
  const revocable = and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt), all ? undefined : own);
  // Logged only when it is revoked: not for someone else's token, an unknown one, or twice.
  const [, revoked] = await runBatch(db, [
    auditInsertIf(
      db,
      actor,
      { action: "api_token.revoke", targetType: "api_token", targetId: id },
      sql`EXISTS (SELECT 1 FROM ${apiTokens} WHERE ${revocable})`,
    ),
    db
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(revocable)
      .returning({ id: apiTokens.id }),
  ]);
  if (revoked.length === 0) throw notFound("No such active token.");
}

/** Bearer authentication: the ADMIN_TOKEN, or an organiser's API token. */
export async function resolveBearer(
  db: Db,
  adminToken: string,
  bearer: string,
  now = new Date(),
): Promise<Actor | null> {
  const fingerprint = await adminTokenFingerprint(adminToken);
  if (!bearer.startsWith(API_TOKEN_PREFIX)) {
    return (await secretsEqual(bearer, adminToken)) ? builtInOwner(fingerprint) : null;
  }
  // Looking a token up by its hash leaks nothing useful through timing: the hash of a
  // guess says nothing about the hash of the real token.
  const [token] = await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.tokenHash, await sha256Hex(bearer)),
        isNull(apiTokens.revokedAt),
        underCurrentAdminToken(apiTokens, fingerprint),
      ),
    )
    .returning();
  if (!token) return null;
  if (!token.organiserId)
    return builtInOwner(fingerprint, { via: "api_token", tokenId: token.id, name: token.name });
  const organiser = await db.query.organisers.findFirst({
    where: and(eq(organisers.id, token.organiserId), isNull(organisers.disabledAt)),
  });
  return organiser ? organiserActor(organiser, "api_token", { tokenId: token.id }) : null;
}

/** Housekeeping for the cron: expired sign-in links and sessions serve nobody. */
export async function purgeExpiredCredentials(db: Db, now = new Date()): Promise<void> {
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  await runBatch(db, [
    db
      .delete(signInLinks)
      .where(or(lt(signInLinks.expiresAt, dayAgo), lt(signInLinks.usedAt, dayAgo))),
    db.delete(sessions).where(or(lt(sessions.expiresAt, dayAgo), lt(sessions.revokedAt, dayAgo))),
  ]);
}
