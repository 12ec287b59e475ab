// Addresses that are gone. Erasure and the retention purge keep a row where its status or
// counts matter (a registration, a delivery), but replace its address with a marker made
// from the row's own id: `erased:<id>` or `purged:<id>`. No email may go to a marker, no
// audience may include one, and no search matches one.
import { type SQL, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";

export const ERASED = "erased:";
export const PURGED = "purged:";

export function isForgotten(address: string): boolean {
  return address.startsWith(ERASED) || address.startsWith(PURGED);
}

/** The marker that replaces the address of the row whose id is in `id`. */
export function forgottenAddress(marker: typeof ERASED | typeof PURGED, id: AnySQLiteColumn): SQL {
  return sql`${marker} || ${id}`;
}

/** SQL: the column still holds an address someone can be reached at. */
export function reachable(address: AnySQLiteColumn | SQL): SQL {
  return sql`(${address} NOT LIKE ${`${ERASED}%`} AND ${address} NOT LIKE ${`${PURGED}%`})`;
}
