// Organiser API tokens: creating, listing and revoking them, and bearer authentication.
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert, auditInsertIf } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { apiTokens, organisers } from "../db/schema";
import { notFound } from "../lib/errors";
import { cleanText } from "../lib/text";
import { newId, newSecret, secretsEqual, sha256Hex } from "../lib/tokens";
import {
  adminTokenFingerprint,
  builtInOwner,
  fingerprintFor,
  organiserActor,
  underCurrentAdminToken,
} from "./service";

const API_TOKEN_PREFIX = "wk_";

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
