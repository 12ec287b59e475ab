// Link tokens (registration pages, check-in codes, RSVP links). Each is signed with
// TOKEN_SECRET (src/lib/signed.ts): it names the registration or invitation, its purpose and
// its expiry, so minting one writes nothing. A registration used to write three rows for its
// link alone (the token, its key, its subject index), D1 bills each, and a registration is the
// platform's busiest write (issue 10). Tokens minted before that were stored hashed in
// access_tokens; they keep working until they expire.
//
// A signed token cannot be deleted, so what used to be revoked by deleting the token is
// refused where it is resolved: a person erased, or a workshop whose data was purged, has no
// link any more (findByToken and its kin check the row they find).
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "../db/client";
import { accessTokens } from "../db/schema";
import { signToken, verifyToken } from "../lib/signed";
import { sha256Hex } from "../lib/tokens";

/** Purposes that tokens stored before signing (access_tokens) may have. */
type StoredPurpose = (typeof accessTokens.$inferSelect)["purpose"];
/** `feedback`: the survey link after a workshop (src/feedback/), only ever signed. */
export type TokenPurpose = StoredPurpose | "feedback";

/** The purpose as signed into a token; other signed links use other names (`sub`, `u`). */
const SIGNED_PURPOSE: Record<TokenPurpose, string> = {
  registration: "reg",
  checkin: "chk",
  invitation: "inv",
  feedback: "fbk",
};

/** A link token for `subjectId` (a registration or an invitation), valid until `expiresAt`. */
export function linkToken(
  secret: string,
  purpose: TokenPurpose,
  subjectId: string,
  expiresAt: Date,
): Promise<string> {
  return signToken(secret, SIGNED_PURPOSE[purpose], subjectId, expiresAt);
}

/**
 * The subject a token grants access to, if the token is genuine (signed, or stored before
 * signing), fits the purpose and has not expired. The caller still checks that the subject
 * exists and was not erased.
 */
export async function resolveToken(
  db: Db,
  secret: string,
  purpose: TokenPurpose,
  token: string,
  now = new Date(),
): Promise<string | null> {
  if (!token || token.length > 200) return null;
  if (token.includes(".")) return verifyToken(secret, SIGNED_PURPOSE[purpose], token, now);
  if (purpose === "feedback") return null;
  const row = await db.query.accessTokens.findFirst({
    where: and(
      eq(accessTokens.tokenHash, await sha256Hex(token)),
      eq(accessTokens.purpose, purpose),
      gt(accessTokens.expiresAt, now),
    ),
    columns: { subjectId: true },
  });
  return row?.subjectId ?? null;
}

const DAY = 24 * 60 * 60 * 1000;

/** Registration links work until 30 days after the workshop ends. */
export function registrationTokenExpiry(endsAt: Date, now = new Date()): Date {
  return new Date(Math.max(endsAt.getTime() + 30 * DAY, now.getTime() + 7 * DAY));
}

/** Check-in codes work until a day after the workshop ends. */
export function checkinTokenExpiry(endsAt: Date): Date {
  return new Date(endsAt.getTime() + DAY);
}
