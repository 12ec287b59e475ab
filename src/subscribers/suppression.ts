// The suppression list: addresses no report may go to (bounces, complaints, manual blocks,
// erased people). It holds no address. Each entry is the address's index under the
// subscribers' data key, the same value as `subscribers.email_index`, so a statement can test
// a subscriber against the list; entries made before the vault hold the unkeyed SHA-256 of
// the address instead, and stay recognised: every lookup asks for both values, every new
// entry is the keyed index. SQLite can compute neither, so no statement joins an address to
// this table: callers compute the values first and pass them in.
import { eq, inArray, isNotNull, or, type SQL, sql } from "drizzle-orm";
import { type Db, runBatch } from "../db/client";
import {
  type SUPPRESSION_REASONS,
  suppressionLifts,
  suppressions,
  suppressionsUnhashed,
} from "../db/schema";
import { normaliseEmail } from "../lib/text";
import { sha256Hex } from "../lib/tokens";
import type { DataKey, Vault } from "../vault/keys";
import { subscriberIndex } from "./sealed";

export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** The values an address may be listed under: what is written now, and what was before. */
export interface SuppressionKeys {
  /** The address index under the subscribers' key: every entry made now. */
  index: string;
  /** The unkeyed SHA-256 of the normalised address: entries made before the vault. */
  legacy: string;
}

export async function suppressionKeys(key: DataKey, email: string): Promise<SuppressionKeys> {
  const [index, legacy] = await Promise.all([
    subscriberIndex(key, email),
    sha256Hex(normaliseEmail(email)),
  ]);
  return { index, legacy };
}

const listedUnder = (keys: SuppressionKeys) =>
  inArray(suppressions.emailHash, [keys.index, keys.legacy]);

/** The entry of the address with these keys, if it is on the list. */
export function findSuppression(db: Db, keys: SuppressionKeys) {
  return db.query.suppressions.findFirst({ where: listedUnder(keys) });
}

/** SQL: the address with these keys is on the list, for a statement that depends on it. */
export function suppressedSql(keys: SuppressionKeys): SQL {
  return sql`EXISTS (SELECT 1 FROM ${suppressions} WHERE ${listedUnder(keys)})`;
}

/** Values per lookup: far below D1's 100 bound parameters. */
const PER_LOOKUP = 50;

/** Which of these values (indexes or legacy hashes) are on the list. */
export async function listedValues(db: Db, values: string[]): Promise<Set<string>> {
  const unique = [...new Set(values)];
  const found = await Promise.all(
    Array.from({ length: Math.ceil(unique.length / PER_LOOKUP) }, (_, i) =>
      db
        .select({ hash: suppressions.emailHash })
        .from(suppressions)
        .where(inArray(suppressions.emailHash, unique.slice(i * PER_LOOKUP, (i + 1) * PER_LOOKUP))),
    ),
  );
  return new Set(found.flat().map((row) => row.hash));
}

/** Whether an address with these keys is among the listed values, under either value. */
export const isListed = (listed: Set<string>, keys: SuppressionKeys) =>
  listed.has(keys.index) || listed.has(keys.legacy);

/** Which of these addresses are on the list (under either value). */
export async function suppressedAmong(
  db: Db,
  key: DataKey,
  addresses: string[],
): Promise<Set<string>> {
  const keys = await Promise.all(addresses.map((address) => suppressionKeys(key, address)));
  const listed = await listedValues(
    db,
    keys.flatMap((k) => [k.index, k.legacy]),
  );
  return new Set(addresses.filter((_, i) => isListed(listed, keys[i]!)));
}

/** What made an entry, when known: kept with it for the owners' list. */
export interface SuppressionOrigin {
  /** The provider's webhook event (svix-id) that reported a bounce or complaint. */
  eventId?: string | null;
  /** The distribution whose email it was. */
  distributionId?: string | null;
  /** An owner's note on an entry added by hand. */
  note?: string | null;
}

/**
 * The insert that puts the address with this index (`SuppressionKeys.index`) on the list,
 * only while `onlyIf` holds when the batch reaches it. An address listed already keeps its
 * entry, whatever the reason; an erasure still marks it erased (`erased_at`) and clears an
 * owner's note, so the entry cannot be lifted and holds nothing typed about the person.
 * Takes the index, not the address: a query builder is a thenable, and an async helper
 * returning one would run it.
 */
export function suppressInsert(
  db: Db,
  index: string,
  reason: SuppressionReason,
  {
    onlyIf = sql`1`,
    eventId = null,
    distributionId = null,
    note = null,
  }: SuppressionOrigin & {
    onlyIf?: SQL;
  } = {},
) {
  const now = Date.now();
  const erasedAt = reason === "erased" ? now : null;
  // drizzle lists every column of suppressions, in the schema's order: keep this in step.
  const insert = db
    .insert(suppressions)
    .select(
      sql`SELECT ${index}, ${reason}, ${now}, ${eventId}, ${distributionId}, ${note}, ${erasedAt} WHERE ${onlyIf}`,
    );
  if (reason !== "erased") return insert.onConflictDoNothing();
  return insert.onConflictDoUpdate({
    target: suppressions.emailHash,
    set: { erasedAt: sql`COALESCE(${suppressions.erasedAt}, ${now})`, note: null },
  });
}

/** SQL: the entry records an erasure (its reason, or an erasure after a bounce or complaint). */
export const erasedEntry = or(eq(suppressions.reason, "erased"), isNotNull(suppressions.erasedAt))!;

/**
 * The statements that forget what owners typed about an address (an entry's note, the
 * notes of entries lifted before), for an erasure: dates, reasons and the index stay.
 */
export function forgetSuppressionNotes(db: Db, keys: SuppressionKeys) {
  const values = [keys.index, keys.legacy];
  return [
    db.update(suppressions).set({ note: null }).where(inArray(suppressions.emailHash, values)),
    db
      .update(suppressionLifts)
      .set({ note: null, entryNote: null })
      .where(inArray(suppressionLifts.emailHash, values)),
  ];
}

/** Rows hashed per batch (two statements each). */
const HASH_PAGE = 25;

/**
 * Moves the suppressions recorded before the list held no addresses (migration
 * 0008_hash_suppressions put them in `suppressions_unhashed`) onto the list as keyed
 * indexes, keeping reason and date, and deletes them there. Run by the minutely cron; a
 * no-op read of an empty table once done (the key is only loaded when there is work). Two
 * runs at once insert nothing twice (the index is the key) and delete the same rows.
 */
export async function hashUnhashedSuppressions(db: Db, vault: Vault, pages = 20): Promise<number> {
  let hashed = 0;
  for (let page = 0; page < pages; page++) {
    const rows = await db.select().from(suppressionsUnhashed).limit(HASH_PAGE);
    if (rows.length === 0) break;
    const key = await vault.subscribers();
    const indexes = await Promise.all(rows.map((row) => subscriberIndex(key, row.email)));
    await runBatch(
      db,
      rows.flatMap((row, i) => [
        db
          .insert(suppressions)
          .values({ emailHash: indexes[i]!, reason: row.reason, createdAt: row.createdAt })
          .onConflictDoNothing(),
        db.delete(suppressionsUnhashed).where(eq(suppressionsUnhashed.email, row.email)),
      ]),
    );
    hashed += rows.length;
  }
  return hashed;
}
