import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export function createDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Db = ReturnType<typeof createDb>;

/** One statement of a batch: a drizzle query, or raw SQL prepared by `./raw`. */
export type Statement = BatchItem<"sqlite">;

/**
 * The one way to run a batch: the statements in order, as one transaction, all or nothing.
 * Takes a list built at run time (an empty one runs nothing) and gives each statement's
 * result, typed when the list is written out.
 */
export async function runBatch<const T extends readonly Statement[]>(
  db: Db,
  statements: T,
): Promise<BatchResponse<T>> {
  if (statements.length === 0) return [] as BatchResponse<T>;
  return (await db.batch(statements as unknown as [Statement, ...Statement[]])) as BatchResponse<T>;
}

export { schema };
