// Rows written before the vault hold personal data in plain text. The minutely cron seals
// them, a batch at a time, until none is left: registrations and invitations under their
// workshop's key, subscribers under the subscribers' key, each with its blind index; then
// report deliveries take the sealed copy of the row they were made from. Each update is
// conditional on the row being unchanged since it was read, so an overlapping run, or a
// person editing their row meanwhile, never loses a change. Until a row is sealed, reads
// pass its plain values through (src/vault/fields.ts).
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { deliveries, invitations, registrations, subscribers } from "../db/schema";
import { isSealed } from "../lib/crypto";
import { ERASED, PURGED } from "../lib/forgotten";
import type { Services } from "../services";
import { addressIndex, sealFields } from "../vault/fields";
import { type DataKey, SUBSCRIBERS_KEY, workshopKeyName } from "../vault/keys";

const BATCH = 50;

/** SQL: the address column holds a plain address (not sealed, not a forgotten marker). */
function plain(column: SQL | typeof registrations.email): SQL {
  return sql`(${column} NOT LIKE 'v1:%' AND ${column} NOT LIKE ${`${ERASED}%`} AND ${column} NOT LIKE ${`${PURGED}%`})`;
}

type Table = typeof registrations | typeof invitations | typeof subscribers;

interface Legacy {
  table: Table;
  name: "registrations" | "invitations" | "subscribers";
  columns: readonly string[];
  keyOf: (row: Record<string, unknown>) => string;
}

const LEGACY: Legacy[] = [
  {
    table: registrations,
    name: "registrations",
    columns: ["email", "name", "affiliation", "answers", "notes"],
    keyOf: (row) => workshopKeyName(row.workshopId as string),
  },
  {
    table: invitations,
    name: "invitations",
    columns: ["email", "name", "affiliation"],
    keyOf: (row) => workshopKeyName(row.workshopId as string),
  },
  {
    table: subscribers,
    name: "subscribers",
    columns: ["email", "name"],
    keyOf: () => SUBSCRIBERS_KEY,
  },
];

async function sealBatch(svc: Services, legacy: Legacy): Promise<number> {
  const { db, vault } = svc;
  const table = legacy.table as typeof registrations;
  const rows = (await db.select().from(table).where(plain(table.email)).limit(BATCH)) as Record<
    string,
    unknown
  >[];
  let sealed = 0;
  for (const row of rows) {
    const key: DataKey | null = await vault.keyToSeal(legacy.keyOf(row) as never);
    const id = row.id as string;
    const email = row.email as string;
    // A column may be sealed already while the address is still plain: an organiser's note
    // written since the upgrade (sealColumn). Sealed twice, it would open to ciphertext.
    const values = Object.fromEntries(
      legacy.columns
        .filter((c) => !isSealed(row[c] as string | null))
        .map((c) => [c, (row[c] as string | null) ?? null]),
    ) as Record<string, string | null>;
    // Unchanged since read, every column: a note saved meanwhile is not overwritten.
    const unchanged = legacy.columns.map((c) => {
      const column = (table as unknown as Record<string, typeof table.email>)[c]!;
      const was = row[c] as string | null;
      return was === null ? isNull(column) : eq(column, was);
    });
    // A workshop whose key is gone was purged: its rows take the purge's marker instead.
    const update = key
      ? {
          ...(await sealFields(key, legacy.name, id, values)),
          emailIndex: await addressIndex(key, email),
        }
      : {
          email: `${PURGED}${id}`,
          emailIndex: null,
          name: legacy.name === "registrations" ? "" : null,
          affiliation: null,
          ...(legacy.name === "registrations" ? { answers: "{}", notes: null } : {}),
        };
    const write = (set: Record<string, unknown>) =>
      db
        .update(table)
        .set(set as never)
        .where(and(eq(table.id, id), ...unchanged))
        .returning({ id: table.id });
    try {
      sealed += (await write(update)).length;
    } catch (error) {
      // The address is registered again under the blind index (a new registration made
      // after the upgrade, before this row was sealed): seal this one all the same, without
      // an index, so it is never left plain; the newer row is the one found by address.
      if (!isUniqueViolation(error)) throw error;
      sealed += (await write({ ...update, emailIndex: null })).length;
    }
  }
  return sealed;
}

/** D1's UNIQUE failure, whether drizzle wrapped it (as the cause) or not. */
function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause)
    if (String(e).includes("UNIQUE constraint failed")) return true;
  return false;
}

/** Deliveries made from plain rows take the sealed copy once their source is sealed. */
function copySealedIntoDeliveries(db: Db) {
  const from = (
    source: "subscribers" | "registrations",
    column: "subscriber_id" | "registration_id",
  ) =>
    db.run(sql`UPDATE ${deliveries} SET email = s.email, name = s.name, email_index = s.email_index
      FROM ${sql.raw(source)} s
      WHERE s.id = ${deliveries}.${sql.raw(column)} AND s.email LIKE 'v1:%'
        AND ${plain(sql`${deliveries}.email`)}`);
  return Promise.all([
    from("subscribers", "subscriber_id"),
    from("registrations", "registration_id"),
  ]);
}

/** One step of sealing what was written before the vault; returns how many rows it sealed. */
export async function sealLegacyRows(svc: Services): Promise<number> {
  let sealed = 0;
  for (const legacy of LEGACY) sealed += await sealBatch(svc, legacy);
  await copySealedIntoDeliveries(svc.db);
  return sealed;
}
