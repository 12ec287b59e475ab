// Benchmark: requests/s and latency of /healthz and the home page, next to a bare Hono
// "hello" Worker run the same way (Miniflare/workerd on loopback) in the same run.
//   npm run bench:http            (BENCH_DURATION=10 BENCH_CONNECTIONS=32 by default)
import os from "node:os";
import { startApp, startBaseline } from "../test/support/local-worker.mjs";
import { CONNECTIONS, DURATION, measure, table } from "./lib/load.mjs";

const baseline = await startBaseline();
const app = await startApp({ queueConsumer: false });
try {
  const rows = [];
  rows.push(await measure("baseline: bare Hono hello", { url: `${baseline.url}/` }));
  rows.push(await measure("app: GET /healthz", { url: `${app.url}/healthz` }));
  rows.push(await measure("app: GET / (home page)", { url: `${app.url}/` }));
  console.log(
    `\n${os.cpus().length} cores, ${CONNECTIONS} connections, ${DURATION} s per target, Node ${process.version}\n`,
  );
  console.log(table(rows, rows[0]));
} finally {
  await app.mf.dispose();
  await baseline.mf.dispose();
}
