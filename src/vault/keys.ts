// Data keys: one per workshop (everything personal about its people), one for subscribers
// (their fields, and the address index that suppressions and subscriber lookups share).
// A data key is 32 random bytes, stored in D1 only sealed under the master key (DATA_KEY)
// and bound to its own name, with the fingerprint of the master key that sealed it.
// Destroying a key is one UPDATE that clears the sealed bytes: from then on nothing sealed
// under it opens anywhere, including in copies of the database taken afterwards.
import { and, eq, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { dataKeys } from "../db/schema";
import {
  blindIndex,
  importAesKey,
  indexKey,
  open,
  openText,
  randomKeyBytes,
  seal,
  sealText,
} from "../lib/crypto";
import { type MasterKey, type MasterKeys, VaultError } from "./master";

export type KeyName = `workshop:${string}` | "subscribers";

export const workshopKeyName = (workshopId: string): KeyName => `workshop:${workshopId}`;

/** The query for a workshop's key row, given SQL for the workshop's id (see Vault.adopt). */
export function workshopKeyRowQuery(db: Db, workshopId: SQL) {
  return db
    .select()
    .from(dataKeys)
    .where(eq(dataKeys.name, sql`'workshop:' || ${workshopId}`));
}
export const SUBSCRIBERS_KEY: KeyName = "subscribers";

/** What a data key does: seal and open values bound to a place, and blind-index them. */
export interface DataKey {
  name: KeyName;
  seal(value: string, place: string): Promise<string>;
  open(sealed: string, place: string): Promise<string>;
  /** HMAC-SHA-256 under a key derived from this data key: dies with it. */
  index(value: string): Promise<string>;
}

const wrapPlace = (name: string) => `data_keys/${name}`;

async function dataKeyFrom(name: KeyName, raw: Uint8Array): Promise<DataKey> {
  const aes = await importAesKey(raw);
  // Derived on first use: most reads only open values and never need an index.
  let hmac: Promise<CryptoKey> | undefined;
  return {
    name,
    seal: (value, place) => sealText(aes, value, place),
    open: (sealed, place) => openText(aes, sealed, place),
    index: async (value) => {
      hmac ??= indexKey(raw, "address-index");
      return blindIndex(await hmac, value);
    },
  };
}

type KeyRow = typeof dataKeys.$inferSelect;

/** The master key a row was sealed under, or the reason it cannot be opened here. */
function masterFor(masters: MasterKeys, row: KeyRow): MasterKey {
  if (row.masterFingerprint === masters.current.fingerprint) return masters.current;
  if (masters.previous && row.masterFingerprint === masters.previous.fingerprint)
    return masters.previous;
  throw new VaultError(
    `DATA_KEY does not match the master key this database's data keys were sealed with (${row.masterFingerprint}). Set DATA_KEY back to that key; to change it, rotate (README, "Rotating DATA_KEY").`,
  );
}

async function unwrap(masters: MasterKeys, row: KeyRow): Promise<Uint8Array> {
  const master = masterFor(masters, row);
  try {
    return await open(master.key, row.wrapped!, wrapPlace(row.name));
  } catch {
    throw new VaultError(`The data key ${row.name} does not open with DATA_KEY: it was altered.`);
  }
}

async function wrap(master: MasterKey, name: string, raw: Uint8Array) {
  return {
    wrapped: await seal(master.key, raw, wrapPlace(name)),
    masterFingerprint: master.fingerprint,
  };
}

/**
 * The data keys a request, queue batch or cron run uses, unsealed at most once each.
 * Nothing is kept across requests: a key destroyed now is unusable from the next request on.
 */
export class Vault {
  private readonly cache = new Map<KeyName, Promise<DataKey | null>>();

  constructor(
    private readonly db: Db,
    private readonly masters: () => Promise<MasterKeys>,
  ) {}

  /** The key, or null if it was destroyed or never made (then nothing was sealed under it). */
  key(name: KeyName): Promise<DataKey | null> {
    let found = this.cache.get(name);
    if (!found) {
      found = this.load(name);
      this.cache.set(name, found);
      found.catch(() => this.cache.delete(name));
    }
    return found;
  }

  /** The key to seal with, made on first use; null once destroyed (nothing new is sealed). */
  async keyToSeal(name: KeyName): Promise<DataKey | null> {
    const existing = await this.key(name);
    if (existing) return existing;
    const row = await this.db.query.dataKeys.findFirst({ where: eq(dataKeys.name, name) });
    if (row) return null; // a tombstone: destroyed
    const masters = await this.masters();
    const raw = randomKeyBytes();
    // Two requests may race to make it: the first insert wins, and both use the winner.
    await this.db
      .insert(dataKeys)
      .values({ name, ...(await wrap(masters.current, name, raw)) })
      .onConflictDoNothing();
    this.cache.delete(name);
    return this.key(name);
  }

  workshop(workshopId: string) {
    return this.key(workshopKeyName(workshopId));
  }

  workshopToSeal(workshopId: string) {
    return this.keyToSeal(workshopKeyName(workshopId));
  }

  /** The subscribers' key: made on first use, never destroyed. */
  async subscribers(): Promise<DataKey> {
    const key = await this.keyToSeal(SUBSCRIBERS_KEY);
    if (!key) throw new VaultError("The subscribers' data key was destroyed.");
    return key;
  }

  /** Loads many keys in one query (a person search across every workshop). */
  async preload(names: KeyName[]): Promise<void> {
    const missing = names.filter((n) => !this.cache.has(n));
    if (missing.length === 0) return;
    const masters = await this.masters();
    const rows: KeyRow[] = [];
    for (let i = 0; i < missing.length; i += 90)
      rows.push(
        ...(await this.db
          .select()
          .from(dataKeys)
          .where(inArray(dataKeys.name, missing.slice(i, i + 90)))),
      );
    const byName = new Map(rows.map((r) => [r.name, r]));
    for (const name of missing) {
      const row = byName.get(name);
      this.cache.set(
        name,
        row?.wrapped
          ? unwrap(masters, row).then((raw) => dataKeyFrom(name, raw))
          : Promise.resolve(null),
      );
    }
  }

  /**
   * The query for a workshop's key row, given SQL for the workshop's id, for a caller to run
   * in one batch with the read that finds the workshop; hand its result to `adopt`.
   */
  workshopKeyRow(workshopId: SQL) {
    return workshopKeyRowQuery(this.db, workshopId);
  }

  /** Takes a key row read in the caller's batch, so `key(name)` needs no query of its own. */
  adopt(name: KeyName, row: KeyRow | undefined): void {
    if (this.cache.has(name)) return;
    const masters = this.masters;
    this.cache.set(
      name,
      row?.wrapped
        ? masters().then(async (m) => dataKeyFrom(name, await unwrap(m, row)))
        : Promise.resolve(null),
    );
  }

  /** Drops what this request holds of a key, so the next use reads or adopts it again. */
  forget(name: KeyName): void {
    this.cache.delete(name);
  }

  private async load(name: KeyName): Promise<DataKey | null> {
    const row = await this.db.query.dataKeys.findFirst({ where: eq(dataKeys.name, name) });
    if (!row?.wrapped) return null;
    return dataKeyFrom(name, await unwrap(await this.masters(), row));
  }

  /**
   * Destroys a key in one statement (a tombstone row stays, so it is never made again).
   * Returns the statement, for the caller's batch (with its audit row).
   */
  destroy(name: KeyName, now: Date) {
    this.cache.set(name, Promise.resolve(null));
    return this.db
      .insert(dataKeys)
      .values({ name, wrapped: null, masterFingerprint: null, destroyedAt: now })
      .onConflictDoUpdate({
        target: dataKeys.name,
        set: {
          wrapped: null,
          masterFingerprint: null,
          destroyedAt: sql`COALESCE(${dataKeys.destroyedAt}, excluded.destroyed_at)`,
        },
      });
  }

  /**
   * Re-seals up to `limit` data keys still sealed under DATA_KEY_PREVIOUS with DATA_KEY.
   * Resumable: each row is updated only if it is still under the old key, so a second run
   * (or two at once) finishes the work without doing any of it twice. Keys under a master
   * key that is neither (`status().unknown`) are left alone: they cannot be opened here.
   */
  async rotate(limit = 200): Promise<{ rewrapped: number; remaining: number }> {
    const { previous, current } = await this.masters();
    if (!previous) {
      const { other } = await this.status();
      if (other > 0)
        throw new VaultError(
          "Set DATA_KEY_PREVIOUS to the old DATA_KEY to re-wrap the keys still sealed under it.",
        );
      return { rewrapped: 0, remaining: 0 };
    }
    const underPrevious = and(
      isNotNull(dataKeys.wrapped),
      eq(dataKeys.masterFingerprint, previous.fingerprint),
    );
    const rows = await this.db.select().from(dataKeys).where(underPrevious).limit(limit);
    let rewrapped = 0;
    for (const row of rows) {
      const raw = await open(previous.key, row.wrapped!, wrapPlace(row.name));
      const [done] = await this.db
        .update(dataKeys)
        .set(await wrap(current, row.name, raw))
        .where(
          and(eq(dataKeys.name, row.name), eq(dataKeys.masterFingerprint, previous.fingerprint)),
        )
        .returning({ name: dataKeys.name });
      if (done) rewrapped++;
    }
    const [left] = await this.db
      .select({ n: sql<number>`count(*)` })
      .from(dataKeys)
      .where(underPrevious);
    return { rewrapped, remaining: left?.n ?? 0 };
  }

  /**
   * How many data keys each master key seals: what the owners' page shows during a rotation.
   * `other`: under another master key (DATA_KEY_PREVIOUS, or one neither setting holds);
   * `unknown`: of those, under one neither setting holds, which nothing here can open.
   */
  async status(): Promise<{
    current: number;
    other: number;
    unknown: number;
    destroyed: number;
    previousSet: boolean;
  }> {
    const { current, previous } = await this.masters();
    const known = previous ? [current.fingerprint, previous.fingerprint] : [current.fingerprint];
    const [row] = await this.db
      .select({
        current: sql<number>`coalesce(sum(${dataKeys.masterFingerprint} = ${current.fingerprint}), 0)`,
        other: sql<number>`coalesce(sum(${dataKeys.wrapped} IS NOT NULL AND ${dataKeys.masterFingerprint} <> ${current.fingerprint}), 0)`,
        unknown: sql<number>`coalesce(sum(${dataKeys.wrapped} IS NOT NULL AND ${dataKeys.masterFingerprint} NOT IN (${sql.join(
          known.map((k) => sql`${k}`),
          sql`, `,
        )})), 0)`,
        destroyed: sql<number>`coalesce(sum(${dataKeys.wrapped} IS NULL), 0)`,
      })
      .from(dataKeys);
    return {
      ...(row ?? { current: 0, other: 0, unknown: 0, destroyed: 0 }),
      previousSet: previous !== null,
    };
  }
}
