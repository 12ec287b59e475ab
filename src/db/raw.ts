// Raw SQL inside a batch (runBatch). drizzle-orm 0.45 builds `db.all(sql)` / `db.run(sql)` items
// without the prepared statement its D1 batch binds parameters to (`stmt` is undefined and
// the batch throws "reading 'bind'"). Preparing it here keeps everything else, including
// result mapping, on drizzle's own path. Remove when drizzle fixes raw batch items.
import type { SQL } from "drizzle-orm";
import type { Db } from "./client";

function prepared<T extends ReturnType<Db["all"]> | ReturnType<Db["run"]>>(db: Db, raw: T): T {
  const { sql } = (raw as unknown as { getQuery(): { sql: string } }).getQuery();
  Object.assign(raw, { stmt: db.$client.prepare(sql) });
  return raw;
}

/** A statement returning rows (UPDATE … RETURNING), usable inside runBatch. */
export function allInBatch<Row>(db: Db, query: SQL) {
  return prepared(db, db.all<Row>(query));
}

/** A statement without rows, usable inside runBatch. */
export function runInBatch(db: Db, query: SQL) {
  return prepared(db, db.run(query));
}
