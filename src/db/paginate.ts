// Keyset pagination, the one way every list pages (`?limit=&cursor=`). The cursor is the id
// of the last row of the previous page; the next page is what comes after that row in the
// list's order, ties broken by id, so pages neither skip nor repeat rows while rows are
// added. One row past the limit is read to know whether there is a next page, instead of
// counting.
import { and, asc, desc, eq, gt, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";

interface PageQuery {
  limit: number;
  /** The id of the last row of the previous page. */
  cursor?: string;
}

export interface Page<Row> {
  data: Row[];
  nextCursor: string | null;
}

/** How a list is ordered: by `by` (when given), then by the unique `id`. */
export interface Keyset {
  id: SQLiteColumn;
  by?: SQLiteColumn;
  direction: "asc" | "desc";
}

/** The order and size of one page's query (one row past the limit), to spread into it. */
interface PageWindow {
  orderBy: SQL[];
  limit: number;
}

/** Where the cursor row was: rows after it come next. An unknown cursor starts over. */
async function afterCursor(db: Db, keyset: Keyset, cursor: string | undefined) {
  if (!cursor) return undefined;
  const past = keyset.direction === "desc" ? lt : gt;
  if (!keyset.by) return past(keyset.id, cursor);
  const [row] = await db
    .select({ by: keyset.by })
    .from(keyset.id.table)
    .where(eq(keyset.id, cursor))
    .limit(1);
  if (!row) return undefined;
  return or(past(keyset.by, row.by), and(eq(keyset.by, row.by), past(keyset.id, cursor)));
}

/**
 * One page of a list. `read` runs the list's own query with its own filters, adding `after`
 * (the rows past the cursor, when there is one) and the window's order and limit.
 */
export async function paginate<Row extends { id: string }>(
  db: Db,
  keyset: Keyset,
  query: PageQuery,
  read: (after: SQL | undefined, window: PageWindow) => Promise<Row[]>,
): Promise<Page<Row>> {
  const order = keyset.direction === "desc" ? desc : asc;
  const rows = await read(await afterCursor(db, keyset, query.cursor), {
    orderBy: [...(keyset.by ? [order(keyset.by)] : []), order(keyset.id)],
    limit: query.limit + 1,
  });
  const data = rows.slice(0, query.limit);
  return { data, nextCursor: rows.length > query.limit ? (data.at(-1)?.id ?? null) : null };
}
