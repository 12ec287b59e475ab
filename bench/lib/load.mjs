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
  };
}

export function table(rows, baseline) {
  const head =
    "| target | req/s | p50 ms | p90 ms | p99 ms | req/s vs baseline | non-2xx+errors |\n|---|---:|---:|---:|---:|---:|---:|";
  const lines = rows.map(
    (r) =>
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p90} | ${r.p99} | ${baseline ? `${((r.rps / baseline.rps) * 100).toFixed(0)} %` : "—"} | ${r.bad} |`,
  );
  return [head, ...lines].join("\n");
}
