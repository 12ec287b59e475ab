// Benchmark: a report distribution end to end, locally. N active subscribers, the app in
// Miniflare/workerd with its real queue consumer, Resend replaced by a fake HTTP server on
// loopback (bench/fake-resend-server.mjs) that records every batch call and can inject
// 429, 5xx, lost answers and hangs, or enforce a request rate.
//   npm run bench:distribution            (BENCH_SIZES=10000,100000 BENCH_FAULT_SIZE=10000
//                                          BENCH_THROTTLED_SIZE=100000 BENCH_THROTTLED_RATE=5)
// The unthrottled runs let the app call as fast as it can (RESEND_RATE=1000); the throttled
// run gives the fake a limit of BENCH_THROTTLED_RATE requests/s and the app the same
// RESEND_RATE, and compares its wall time with the floor ⌈N/100⌉ / rate. 0 skips a run.
import { execSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startApp } from "../test/support/local-worker.mjs";
import { startFakeResend } from "./fake-resend-server.mjs";
import { ADMIN, publishedReport } from "./lib/app.mjs";
import { heapSampler, V8_FLAGS_ENV } from "./lib/heap.mjs";
import { seedSubscribers } from "./lib/seed.mjs";

// workerd reads its V8 flags from the environment when Miniflare starts it.
Object.assign(process.env, V8_FLAGS_ENV);

const SIZES = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const FAULT_SIZE = Number(process.env.BENCH_FAULT_SIZE ?? 10_000);
const THROTTLED_SIZE = Number(process.env.BENCH_THROTTLED_SIZE ?? 100_000);
const THROTTLED_RATE = Number(process.env.BENCH_THROTTLED_RATE ?? 5);
/** RESEND_RATE for the unthrottled runs: a slot every millisecond, so pacing never waits. */
const UNTHROTTLED_RATE = 1000;
const FAULTS = {
  probability: 0.05,
  faults: [
    { status: 429, retryAfter: 1 },
    { status: 500 },
    { sendThenStatus: 503 },
    { delayMs: 16_000 },
  ],
};

/** Resident memory of the workerd processes Miniflare started (kB), from /proc. */
function workerdRssKb() {
  const pids = execSync(`ps -o pid=,comm= --ppid ${process.pid}`)
    .toString()
    .trim()
    .split("\n")
    .filter((l) => l.includes("workerd"))
    .map((l) => l.trim().split(/\s+/)[0]);
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(
        readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1] ?? 0,
      );
    } catch {}
  }
  return total;
}

async function run(n, { faults = false, rate = 0 } = {}) {
  const fake = await startFakeResend({ rateLimitPerSecond: rate });
  const ns = `n${n}${faults ? "f" : ""}${rate ? `r${rate}` : ""}`;
  const persist = mkdtempSync(join(tmpdir(), "bench-d1-"));
  const inspectorPort = await freePort();
  const app = await startApp({
    bindings: {
      RESEND_API_KEY: "re_bench",
      RESEND_BASE_URL: `${fake.url}/${ns}`,
      RESEND_RATE: String(rate || UNTHROTTLED_RATE),
      D1_METRICS: "on",
    },
    d1Persist: persist,
    inspectorPort,
  });
  try {
    const log = (step) =>
      process.stderr.write(
        `[${n}${faults ? " faults" : ""}${rate ? ` at ${rate}/s` : ""}] ${step}\n`,
      );
    log("seeding");
    await seedSubscribers(app.db, n);
    if (faults) await fake.control(ns).faults({ randomFaults: FAULTS });
    const api = async (path, init = {}) =>
      (
        await fetch(`${app.url}${path}`, {
          ...init,
          headers: { ...ADMIN, ...(init.headers ?? {}) },
        })
      ).json();
    const report = await publishedReport(app);
    const before = await api("/__metrics/d1");
    // Not in the throttled run: each sample's gc() pauses the isolate, which shifts provider
    // calls off their slots, and that run is about when the calls arrive.
    const heap = rate ? null : await heapSampler(inspectorPort);
    if (heap) log("sampling the heap through the inspector");
    await heap?.start();
    log("sending");
    const baseline = workerdRssKb();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, workerdRssKb());
    }, 250);
    const started = Date.now();
    const distribution = await api(`/api/v1/reports/${report.id}/distributions`, {
      method: "POST",
      body: "{}",
    });
    let state = distribution;
    while (
      state.status !== "completed" &&
      state.status !== "failed" &&
      Date.now() - started < 20 * 60_000
    ) {
      await new Promise((r) => setTimeout(r, 500));
      state = await api(`/api/v1/distributions/${distribution.id}`);
    }
    const wall = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const heapPeak = heap ? await heap.stop() : { peak: Number.NaN, start: Number.NaN };
    const after = await api("/__metrics/d1");
    const s = await fake.control(ns).summary();
    const received = new Set(s.addresses);
    let missing = 0;
    for (let i = 0; i < n; i++) if (!received.has(`reader${i}@bench.example`)) missing++;
    return {
      n,
      rate,
      rateLimited: s.rateLimited,
      gaps: s.largestGapsMs,
      span: s.firstCallAt === null ? 0 : (s.lastCallAt - s.firstCallAt) / 1000,
      faults: faults ? `${s.injected} injected` : "none",
      status: state.status,
      wall,
      calls: s.calls,
      accepted: s.acceptedCalls,
      expectedCalls: Math.ceil(n / 100),
      duplicates: s.duplicates,
      missing,
      sent: state.sent,
      failed: state.failed,
      readPer: (after.rowsRead - before.rowsRead) / n,
      writtenPer: (after.rowsWritten - before.rowsWritten) / n,
      heapMb: heapPeak.peak / 1024 / 1024,
      heapStartMb: heapPeak.start / 1024 / 1024,
      peakMb: peak / 1024,
      growthMb: (peak - baseline) / 1024,
      throughput: n / wall,
    };
  } finally {
    await app.mf.dispose();
    await fake.close();
    rmSync(persist, { recursive: true, force: true });
  }
}

const results = [];
for (const n of SIZES.filter((x) => x > 0)) results.push(await run(n));
if (FAULT_SIZE > 0) results.push(await run(FAULT_SIZE, { faults: true }));
const throttled = THROTTLED_SIZE > 0 ? await run(THROTTLED_SIZE, { rate: THROTTLED_RATE }) : null;

console.log(
  "\n| recipients | faults | status | wall s | provider calls (accepted / all) | ⌈N/100⌉ | duplicates | missing | sent / failed | D1 rows read / written per recipient | Worker live heap after GC: before / peak during send MB | workerd process RSS peak (growth) MB |",
);
console.log("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of results) {
  console.log(
    `| ${r.n.toLocaleString("en")} | ${r.faults} | ${r.status} | ${r.wall.toFixed(1)} | ${r.accepted} / ${r.calls} | ${r.expectedCalls} | ${r.duplicates} | ${r.missing} | ${r.sent} / ${r.failed} | ${r.readPer.toFixed(1)} / ${r.writtenPer.toFixed(1)} | ${r.heapStartMb.toFixed(1)} / ${r.heapMb.toFixed(1)} | ${r.peakMb.toFixed(0)} (+${r.growthMb.toFixed(0)}) |`,
  );
}
const best = results.filter((r) => r.faults === "none").at(-1);
if (best) {
  console.log(
    `\nPipeline throughput with an unthrottled fake: ${best.throughput.toFixed(0)} recipients/s (${best.n.toLocaleString("en")} recipients).\n`,
  );
  console.log(
    "| provider limit | ceiling (100 emails per batch call) | time for 100,000 recipients |\n|---|---:|---:|",
  );
  console.log(
    `| none (this run) | ${best.throughput.toFixed(0)} recipients/s | ${(100_000 / best.throughput / 60).toFixed(1)} min |`,
  );
  for (const rps of [2, 5])
    console.log(
      `| ${rps} requests/s | ${rps * 100} recipients/s | ${(100_000 / (rps * 100) / 60).toFixed(1)} min |`,
    );
}

if (throttled) {
  const t = throttled;
  const floor = Math.ceil(t.n / 100) / t.rate;
  console.log(
    `\nPaced to the provider: the fake refuses more than ${t.rate} requests/s (429 with retry-after), RESEND_RATE=${t.rate}. Floor = ⌈N/100⌉ / ${t.rate} s; target: wall ≤ 1.05 × floor, under 1 % of calls answered 429.\n`,
  );
  console.log(
    "| recipients | provider limit | status | wall s | floor s | wall / floor | first → last call s | (first → last) / floor | provider calls (accepted / all) | answered 429 | duplicates | missing | sent / failed |",
  );
  console.log("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  console.log(
    `| ${t.n.toLocaleString("en")} | ${t.rate}/s | ${t.status} | ${t.wall.toFixed(1)} | ${floor.toFixed(1)} | ${(t.wall / floor).toFixed(3)} | ${t.span.toFixed(1)} | ${(t.span / floor).toFixed(3)} | ${t.accepted} / ${t.calls} | ${t.rateLimited} (${((t.rateLimited / Math.max(1, t.calls)) * 100).toFixed(2)} %) | ${t.duplicates} | ${t.missing} | ${t.sent} / ${t.failed} |`,
  );
  console.log(
    "\nWall time runs from the distribution's creation to its completion, so it includes collecting and numbering the audience before the first call; first → last call is the sending alone.",
  );
  console.log(`Widest gaps between successive calls (ms): ${t.gaps.join(", ")}.`);
}
