// D1 cost metering for benchmarks and investigations (D1_METRICS=on, never in production).
// D1 bills rows read and written; this wraps the binding so one request's statements add up
// their `meta.rows_read` / `meta.rows_written`, reported in X-D1-* response headers, with
// the statements run and the round trips made (a batch is one, however many it holds).
//
// `raw()` results carry no meta in the D1 API, so the wrapper runs them as `all()` and turns
// the row objects back into arrays in column order. That is exact for our queries (no
// duplicate column names), which the benchmarks check by validating every answer.

export interface D1Meter {
  /** Calls to D1: each batch, and each statement run on its own. */
  roundTrips: number;
  /** Statements, inside batches or not. */
  queries: number;
  rowsRead: number;
  rowsWritten: number;
}

/** A statement run on its own: a round trip of its own. */
function count(meter: D1Meter, meta: { rows_read?: number; rows_written?: number } | undefined) {
  meter.roundTrips += 1;
  countIn(meter, meta);
}

function countIn(meter: D1Meter, meta: { rows_read?: number; rows_written?: number } | undefined) {
  meter.queries += 1;
  meter.rowsRead += meta?.rows_read ?? 0;
  meter.rowsWritten += meta?.rows_written ?? 0;
}

const INNER = Symbol("inner statement");

function meteredStatement(statement: D1PreparedStatement, meter: D1Meter): D1PreparedStatement {
  const wrapped = {
    [INNER]: statement,
    bind: (...values: unknown[]) => meteredStatement(statement.bind(...values), meter),
    async all<T>() {
      const result = await statement.all<T>();
      count(meter, result.meta);
      return result;
    },
    async run<T>() {
      const result = await statement.run<T>();
      count(meter, result.meta);
      return result;
    },
    async first(column?: string) {
      const result = await statement.all<Record<string, unknown>>();
      count(meter, result.meta);
      const row = result.results[0];
      if (!row) return null;
      return column ? row[column] : row;
    },
    async raw(options?: { columnNames?: boolean }) {
      const result = await statement.all<Record<string, unknown>>();
      count(meter, result.meta);
      const rows = result.results.map((row) => Object.values(row));
      if (options?.columnNames) return [Object.keys(result.results[0] ?? {}), ...rows];
      return rows;
    },
  };
  return wrapped as unknown as D1PreparedStatement;
}

export const newMeter = (): D1Meter => ({ roundTrips: 0, queries: 0, rowsRead: 0, rowsWritten: 0 });

/** Totals across every request, queue batch and cron run of this isolate (benchmarks). */
export const isolateMeter: D1Meter = newMeter();

/** The DB binding, metered into the isolate totals (and a request's own meter) when on. */
export function meteredIfOn(
  env: { DB: D1Database; D1_METRICS?: string },
  meter?: D1Meter,
): D1Database {
  if (env.D1_METRICS !== "on") return env.DB;
  return meteredD1(meteredD1(env.DB, isolateMeter), meter ?? newMeter());
}

export function meteredD1(d1: D1Database, meter: D1Meter): D1Database {
  return new Proxy(d1, {
    get(target, property) {
      // A D1 session (read replicas) is metered like the binding it came from.
      if (property === "withSession")
        return (constraint?: string) =>
          meteredD1(target.withSession(constraint) as unknown as D1Database, meter);
      if (property === "prepare")
        return (query: string) => meteredStatement(target.prepare(query), meter);
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const inner = statements.map(
            (s) => (s as unknown as { [INNER]?: D1PreparedStatement })[INNER] ?? s,
          );
          const results = await target.batch(inner);
          meter.roundTrips += 1;
          for (const r of results) countIn(meter, r.meta);
          return results;
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
