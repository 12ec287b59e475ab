import {
  createTableRelationsHelpers,
  type ExtractTablesWithRelations,
  extractTablesRelationalConfig,
  type RelationalSchemaConfig,
} from "drizzle-orm";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import { DrizzleD1Database, SQLiteD1Session } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

type Tables = ExtractTablesWithRelations<typeof schema>;

// What drizzle(d1, { schema }) works out from the schema on every call, worked out once per
// isolate: a request makes its own database object (its D1 binding may be a session or a
// metered one), and walking every table's relations took about 6 % of a verification's CPU.
const tables = extractTablesRelationalConfig<Tables>(schema, createTableRelationsHelpers);
const relational: RelationalSchemaConfig<Tables> = {
  fullSchema: schema,
  schema: tables.tables,
  tableNamesMap: tables.tableNamesMap,
};
const dialect = new SQLiteAsyncDialect();

function drizzleOver(d1: D1Database) {
  const session = new SQLiteD1Session<typeof schema, Tables>(d1, dialect, relational);
  return Object.assign(
    new DrizzleD1Database<typeof schema>("async", dialect, session, relational),
    { $client: d1 },
  );
}

// The database object holds nothing of a request (its session only sends statements to
// the binding), and making one builds a query helper per table: one per binding, for as
// long as the binding lives (env.DB: the isolate's life; a D1 session: its request).
const made = new WeakMap<D1Database, ReturnType<typeof drizzleOver>>();

/** The database as drizzle(d1, { schema }) makes it, from the schema's relations worked out once. */
export function createDb(d1: D1Database) {
  let db = made.get(d1);
  if (!db) {
    db = drizzleOver(d1);
    made.set(d1, db);
  }
  return db;
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
