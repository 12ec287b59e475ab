// Statements built once and bound on every use, for the busiest paths.
//
// drizzle builds a statement's SQL on every run: it walks the columns of every table the
// statement names, checks each piece's kind and escapes each name. For a relational query
// over two wide tables (the verification's read of a registration with its workshop) that
// was about a tenth of the request's CPU in `npm run bench:profile`, for SQL that never
// changes. A compiled statement is built by drizzle once per database object (the
// isolate's, for env.DB) with `sql.placeholder`s, and each use binds the values: the SQL,
// the D1 statement and the result mapping are drizzle's own.
//
// The bound statement is a batch item (runBatch, db.batch), not a thenable: run it in a
// batch, alone or with others.
import { fillPlaceholders } from "drizzle-orm";
import type { Db } from "./client";

/** What drizzle's D1 batch asks of each item's prepared form (drizzle-orm/d1 session.js). */
interface PreparedForBatch {
  getQuery(): { sql: string; params: unknown[] };
  stmt: D1PreparedStatement;
  executeMethod: "all" | "get" | "run";
  mapResult(result: unknown, isFromBatch?: boolean): unknown;
}

/**
 * A statement compiled once per database object: `build` returns a drizzle query (select,
 * relational query, insert…) written with `sql.placeholder(name)` where values go; the
 * result binds `values` to it and has the query's own type, for the batch's result types.
 */
export function compiled<Q extends { prepare(): unknown }>(build: (db: Db) => Q) {
  const made = new WeakMap<Db, PreparedForBatch>();
  return (db: Db, values: Record<string, unknown>): Q => {
    let prepared = made.get(db);
    if (!prepared) {
      prepared = build(db).prepare() as PreparedForBatch;
      made.set(db, prepared);
    }
    const { sql, params } = prepared.getQuery();
    const bound = fillPlaceholders(params, values);
    const { stmt } = prepared;
    const item = {
      _prepare: () => ({
        getQuery: () => ({ sql, params: bound }),
        stmt,
        mapResult: (result: unknown, isFromBatch?: boolean) =>
          // A relational findFirst that finds nothing: drizzle's batch would hand its row
          // mapper an undefined row (a TypeError), where run alone it answers undefined.
          prepared.executeMethod === "get" && (result as D1Result).results.length === 0
            ? undefined
            : prepared.mapResult(result, isFromBatch),
      }),
      // Typed as the query it was built from, but not one: awaiting it would quietly give
      // the item itself.
      // biome-ignore lint/suspicious/noThenProperty: refuses to be awaited, on purpose
      then() {
        throw new Error("A compiled statement runs in a batch (runBatch or db.batch).");
      },
    };
    return item as unknown as Q;
  };
}
