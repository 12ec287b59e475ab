// HTTP load with autocannon, and a Markdown table of the results.
import autocannon from "autocannon";

export const DURATION = Number(process.env.BENCH_DURATION ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

/** Runs load against one URL and returns requests/s and latency percentiles (ms). */
export async function measure(name, options) {
  await autocannon({ ...options, duration: 2, connections: CONNECTIONS }); // warm-up
  const r = await autocannon({ ...options, duration: DURATION, connections: CONNECTIONS });
  const bad = r.non2xx + r.errors + r.timeouts;
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    requests: r.requests.total,
    bad,
    // What the bad ones were: status codes other than 2xx, connection errors, timeouts.
    why: bad
      ? {
          codes: Object.fromEntries(
            Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !code.startsWith("2")),
          ),
          errors: r.errors,
          timeouts: r.timeouts,
        }
      : undefined,
  };
}

/**
 * The results as a Markdown table. Each row is compared with `baseline`, or with its own
 * `vs` row when it has one (a write against the bare Worker doing the same writes).
 */
export function table(rows, baseline) {
  const head =
    "| target | req/s | p50 ms | p90 ms | p99 ms | req/s vs baseline | non-2xx+errors |\n|---|---:|---:|---:|---:|---:|---:|";
  const lines = rows.map((r) => {
    const base = r.vs ?? baseline;
    const ratio = base && base !== r ? `${((r.rps / base.rps) * 100).toFixed(0)} %` : "100 %";
    return `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p90} | ${r.p99} | ${base ? ratio : "—"} | ${r.bad} |`;
  });
  // What the bad answers were, under the table: a status code, or a connection error.
  const notes = rows.filter((r) => r.why).map((r) => `- ${r.name}: ${JSON.stringify(r.why)}`);
  return [head, ...lines, ...(notes.length ? ["", ...notes] : [])].join("\n");
}

export const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 200);

/**
 * Single-request latency: `send(i)` run `n` times one after another (after 20 that are not
 * measured), timed from the request to the end of the body. Median and p99 in ms.
 */
export async function sequential(name, send, n = LATENCY_REQUESTS) {
  for (let i = 0; i < 20; i++) await send(i);
  const times = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await send(20 + i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { name, n, median: at(0.5), p99: at(0.99) };
}

export function latencyTable(rows) {
  const head = "| endpoint | requests | median ms | p99 ms |\n|---|---:|---:|---:|";
  const lines = rows.map(
    (r) => `| ${r.name} | ${r.n} | ${r.median.toFixed(1)} | ${r.p99.toFixed(1)} |`,
  );
  return [head, ...lines].join("\n");
}
