// Benchmark: requests/s and latency of /healthz and the public pages (home, a workshop, a
// report), each warm (from the page cache, as anonymous visitors get them) and cold (a
// cookie makes every request skip the cache and render from D1), next to a bare Hono
// "hello" Worker run the same way (Miniflare/workerd on loopback) in the same run. Then the
// D1 queries of one view of each, warm and cold, from a second app with D1_METRICS=on. The
// bare Worker is measured first and again last, and the app's rows compared with the mean.
//   npm run bench:http            (BENCH_DURATION=10 BENCH_CONNECTIONS=32 by default)
import os from "node:os";
import { startApp, startBaseline } from "../test/support/local-worker.mjs";
import { COLD, cost, createWorkshop, publishedReport } from "./lib/app.mjs";
import { CONNECTIONS, DURATION, measure, table } from "./lib/load.mjs";

/** The public pages, each warm and cold. */
async function pages(app) {
  const workshop = await createWorkshop(app, "Page probe", { capacity: 40 });
  const report = await publishedReport(app);
  return [
    ["home page", "/"],
    ["workshop page", `/workshops/${workshop.slug}`],
    ["report page", `/reports/${report.slug}`],
  ];
}

async function pageCacheState(url, headers = {}) {
  const res = await fetch(url, { headers });
  await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return { cache: res.headers.get("x-page-cache"), ...cost(res) };
}

const baseline = await startBaseline();
const app = await startApp({ queueConsumer: false });
let rows;
try {
  const targets = await pages(app);
  rows = [await measure("baseline: bare Hono hello", { url: `${baseline.url}/` })];
  rows.push(await measure("app: GET /healthz", { url: `${app.url}/healthz` }));
  for (const [name, path] of targets) {
    rows.push(await measure(`app: GET ${name}, warm (page cache)`, { url: `${app.url}${path}` }));
    const warm = await pageCacheState(`${app.url}${path}`);
    if (warm.cache !== "hit") throw new Error(`${path} was not served from the cache`);
    rows.push(
      await measure(`app: GET ${name}, cold (rendered from D1)`, {
        url: `${app.url}${path}`,
        headers: COLD,
      }),
    );
  }
  // The bare Worker again, after the app's rows: this machine drifts within a run (the
  // report page, measured last, read 65–70 % against the first measure alone), so each app
  // row is compared with the mean of the two, and both are shown.
  rows.push(
    await measure("baseline: bare Hono hello again, after the app's rows", {
      url: `${baseline.url}/`,
    }),
  );
} finally {
  await app.mf.dispose();
  await baseline.mf.dispose();
}
console.log(
  `\n${os.cpus().length} cores, ${CONNECTIONS} connections, ${DURATION} s per target, Node ${process.version}\n`,
);
const [first, again] = [rows[0], rows.at(-1)];
const bothHellos = { rps: (first.rps + again.rps) / 2 };
for (const row of rows) if (row !== first && row !== again) row.vs = bothHellos;
again.vs = first;
console.log(table(rows, first));
console.log(
  `\nThe app's rows are compared with the mean of the two bare Worker rows (${bothHellos.rps.toFixed(0)} req/s).`,
);

// D1 queries of one view, warm and cold (the second view of a page is the warm one).
const metered = await startApp({ queueConsumer: false, bindings: { D1_METRICS: "on" } });
try {
  const targets = await pages(metered);
  console.log(
    "\nD1 per view\n\n| page | warm: page cache | warm: D1 queries | cold: D1 queries | cold: rows read |\n|---|---|---:|---:|---:|",
  );
  for (const [name, path] of targets) {
    await pageCacheState(`${metered.url}${path}`);
    const warm = await pageCacheState(`${metered.url}${path}`);
    const cold = await pageCacheState(`${metered.url}${path}`, COLD);
    console.log(`| ${name} | ${warm.cache} | ${warm.queries} | ${cold.queries} | ${cold.read} |`);
  }
} finally {
  await metered.mf.dispose();
}
