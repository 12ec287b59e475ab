// The suppression list: addresses no report may go to (bounces, complaints, manual blocks,
// erased people). It holds only the SHA-256 of each normalised address, so the table never
// lists who bounced, complained or asked to be forgotten; every lookup hashes the address
// it is asked about. SQLite cannot hash, so no statement joins an address to this table:
// callers hash first and pass the hashes in.
import { eq, inArray, type SQL, sql } from "drizzle-orm";
import { type Db, runBatch } from "../db/client";
import { type SUPPRESSION_REASONS, suppressions, suppressionsUnhashed } from "../db/schema";
import { normaliseEmail } from "../lib/text";
import { sha256Hex } from "../lib/tokens";

export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** The key of an address on the list. */
export function suppressionHash(email: string): Promise<string> {
  return sha256Hex(normaliseEmail(email));
}

/** The entry of an address, if it is on the list. */
export async function findSuppression(db: Db, email: string) {
  return db.query.suppressions.findFirst({
    where: eq(suppressions.emailHash, await suppressionHash(email)),
  });
}

/** SQL: the address with this hash is on the list, for a statement that depends on it. */
export function suppressedHash(hash: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${suppressions} WHERE ${suppressions.emailHash} = ${hash})`;
}

/** Hashes per lookup: far below D1's 100 bound parameters. */
const PER_LOOKUP = 50;

/** Which of these addresses are on the list. */
export async function suppressedAmong(db: Db, addresses: string[]): Promise<Set<string>> {
  const byHash = new Map<string, string[]>();
  for (const address of addresses) {
    const hash = await suppressionHash(address);
    byHash.set(hash, [...(byHash.get(hash) ?? []), address]);
  }
  const hashes = [...byHash.keys()];
  const found = await Promise.all(
    Array.from({ length: Math.ceil(hashes.length / PER_LOOKUP) }, (_, i) =>
      db
        .select({ hash: suppressions.emailHash })
        .from(suppressions)
        .where(inArray(suppressions.emailHash, hashes.slice(i * PER_LOOKUP, (i + 1) * PER_LOOKUP))),
    ),
  );
  return new Set(found.flat().flatMap((row) => byHash.get(row.hash) ?? []));
}

/**
 * The insert that puts the address with this hash on the list (nothing when it is there
 * already, whatever the reason), only while `onlyIf` holds when the batch reaches it.
 * Takes the hash, not the address: a query builder is a thenable, and an async helper
 * returning one would run it.
 */
export function suppressInsert(db: Db, hash: string, reason: SuppressionReason, onlyIf = sql`1`) {
  return db
    .insert(suppressions)
    .select(sql`SELECT ${hash}, ${reason}, ${Date.now()} WHERE ${onlyIf}`)
    .onConflictDoNothing();
}

/** Rows hashed per batch (two statements each). */
const HASH_PAGE = 25;

/**
 * Hashes the suppressions recorded before the list held only hashes (migration
 * 0008_hash_suppressions moved them to `suppressions_unhashed`), keeping reason and date,
 * and deletes them there. Run by the minutely cron; a no-op read of an empty table once done.
 * Two runs at once insert nothing twice (the hash is the key) and delete the same rows.
 */
export async function hashUnhashedSuppressions(db: Db, pages = 20): Promise<number> {
  let hashed = 0;
  for (let page = 0; page < pages; page++) {
    const rows = await db.select().from(suppressionsUnhashed).limit(HASH_PAGE);
    if (rows.length === 0) break;
    const statements = await Promise.all(
      rows.map(async (row) => [
        db
          .insert(suppressions)
          .values({
            emailHash: await suppressionHash(row.email),
            reason: row.reason,
            createdAt: row.createdAt,
          })
          .onConflictDoNothing(),
        db.delete(suppressionsUnhashed).where(eq(suppressionsUnhashed.email, row.email)),
      ]),
    );
    await runBatch(db, statements.flat());
    hashed += rows.length;
  }
  return hashed;
}
