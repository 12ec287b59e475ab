// Organiser sign-in: emailed single-use links, the ADMIN_TOKEN sign-in, sessions, sign-out,
// and the cron's purge of expired links and sessions.
import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import { templateEmail } from "../../emails";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import { type Db, runBatch, type Statement } from "../db/client";
import { organisers, sessions, signInLinks } from "../db/schema";
import { dictionary } from "../i18n";
import { normaliseEmail } from "../lib/text";
import { newId, newSecret, secretsEqual, sha256Hex } from "../lib/tokens";
import type { Services } from "../services";
import {
  adminTokenFingerprint,
  builtInOwner,
  fingerprintFor,
  organiserActor,
  underCurrentAdminToken,
} from "./service";

const SIGN_IN_LINK_TTL_MS = 15 * 60 * 1000;
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

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
  // In the language the organiser chose for their pages.
  const lang = organiser.language;
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
