// Link tokens (registration pages, check-in codes, RSVP links): minted per email, stored
// hashed in access_tokens, each with an expiry.
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "../db/client";
import { accessTokens } from "../db/schema";
import { newSecret, sha256Hex } from "../lib/tokens";

export type TokenPurpose = (typeof accessTokens.$inferSelect)["purpose"];

export async function mintToken(db: Db, purpose: TokenPurpose, subjectId: string, expiresAt: Date) {
  const token = newSecret();
  const query = db
    .insert(accessTokens)
    .values({ tokenHash: await sha256Hex(token), purpose, subjectId, expiresAt });
  return { token, query };
}

/** The subject a token grants access to, if the token exists, fits the purpose and has not expired. */
export async function resolveToken(
  db: Db,
  purpose: TokenPurpose,
  token: string,
  now = new Date(),
): Promise<string | null> {
  if (!token || token.length > 100) return null;
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
