// Sealing and opening the personal columns of a row. Each value is bound to its place,
// `<table>/<row id>/<column>`, so a ciphertext copied to another row or column does not
// open. What is not sealed passes through as it is: a forgotten-address marker, an empty
// value, or a row written before the vault (sealed by src/people/seal-legacy.ts).
import { isSealed } from "../lib/crypto";
import { normaliseEmail } from "../lib/text";
import type { DataKey } from "./keys";

export const placeOf = (table: string, id: string, column: string) => `${table}/${id}/${column}`;

type Values<C extends string> = Record<C, string | null>;

/** Seals each non-empty value of `values` for row `id` of `table`. */
export async function sealFields<C extends string>(
  key: DataKey,
  table: string,
  id: string,
  values: Values<C>,
): Promise<Values<C>> {
  const entries = await Promise.all(
    Object.entries<string | null>(values).map(async ([column, value]) => [
      column,
      value ? await key.seal(value, placeOf(table, id, column)) : value,
    ]),
  );
  return Object.fromEntries(entries) as Values<C>;
}

/**
 * Opens the sealed columns of a row. With no key (destroyed: the workshop was purged or
 * erased early) a sealed value cannot open, and the row reads as erased: `erased` says
 * what each column shows then, the same as a row whose data was deleted.
 */
export async function openFields<R extends { id: string }, C extends keyof R & string>(
  key: DataKey | null,
  table: string,
  row: R,
  erased: Pick<R, C>,
): Promise<R> {
  const columns = Object.keys(erased) as C[];
  const opened = await Promise.all(
    columns.map(async (column) => {
      const stored = row[column];
      if (!isSealed(stored as string | null)) return stored;
      if (!key) return erased[column];
      return (await key.open(stored as string, placeOf(table, row.id, column))) as R[C];
    }),
  );
  const out = { ...row };
  columns.forEach((column, i) => {
    out[column] = opened[i] as R[C];
  });
  return out;
}

/** The blind index of an address under a key: equal addresses, equal index, under that key only. */
export const addressIndex = (key: DataKey, email: string) => key.index(normaliseEmail(email));
