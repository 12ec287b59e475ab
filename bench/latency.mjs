// Benchmark: single-request latency. Each endpoint gets BENCH_LATENCY_REQUESTS (200)
// requests one after another, after 20 unmeasured ones: the time one person waits, with
// nobody else on the machine's Worker. Next to the two bare Workers (hello, and a
// registration's minimum), in the same run.
//   npm run bench:latency          (BENCH_LATENCY_REQUESTS=200 by default)
import os from "node:os";
import {
  startApp,
  startBaseline,
  startRegistrationBaseline,
} from "../test/support/local-worker.mjs";
import { COLD, createWorkshop, publishedReport } from "./lib/app.mjs";
import { LATENCY_REQUESTS, latencyTable, sequential } from "./lib/load.mjs";
import { seedPendingRegistrations, seedRegistrations } from "./lib/seed.mjs";

/** One request; throws unless it answers `expected`. */
async function send(url, init, expected = 200) {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (res.status !== expected) throw new Error(`${url} answered ${res.status}, not ${expected}`);
}

const post = (body) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

const baseline = await startBaseline();
const minimum = await startRegistrationBaseline();
const app = await startApp({ queueConsumer: false });
const rows = [];
try {
  const full = await createWorkshop(app, "Latency probe", { capacity: 10 });
  await seedRegistrations(app.db, full.id, 1_000, 10);
  // Without verification, a registration takes its seat and records its confirmation
  // (QR code, calendar file) on the request.
  const instant = await createWorkshop(app, "Latency probe, no verification", {
    capacity: null,
    requireVerification: false,
  });
  const report = await publishedReport(app);
  const tokens = await seedPendingRegistrations(app.db, full.id, LATENCY_REQUESTS + 20);
  // Seats to spare: each verification there confirms a seat (its email with QR code and .ics).
  const roomy = await createWorkshop(app, "Latency probe, seats to spare", { capacity: 10_000 });
  await seedRegistrations(app.db, roomy.id, 1_000, 10_000);
  const seatTokens = await seedPendingRegistrations(app.db, roomy.id, LATENCY_REQUESTS + 20);

  rows.push(await sequential("baseline: bare Hono hello", () => send(`${baseline.url}/`)));
  rows.push(
    await sequential("baseline: bare Worker, a registration's minimum (POST)", (i) =>
      send(
        `${minimum.url}/workshops/${minimum.workshopId}/registrations`,
        post({ name: "Alone", email: `alone${i}@bench.example` }),
        202,
      ),
    ),
  );
  rows.push(await sequential("app: GET /healthz", () => send(`${app.url}/healthz`)));
  const register = (workshop, expected) => (i) =>
    send(
      `${app.url}/api/v1/public/workshops/${workshop.slug}/registrations`,
      post({ name: "Alone", email: `alone${i}@bench.example` }),
      expected,
    );
  rows.push(await sequential("app: POST registration, with verification", register(full, 202)));
  rows.push(
    await sequential(
      "app: POST registration, no verification (seat and confirmation)",
      register(instant, 201),
    ),
  );
  const verify = (list) => (i) =>
    send(`${app.url}/api/v1/public/registrations/${list[i]}/verify`, { method: "POST" });
  rows.push(await sequential("app: POST verify, a waitlist place", verify(tokens)));
  rows.push(await sequential("app: POST verify, a seat confirmed", verify(seatTokens)));
  for (const [name, path] of [
    ["home page", "/"],
    ["workshop page", `/workshops/${full.slug}`],
    ["report page", `/reports/${report.slug}`],
  ]) {
    rows.push(
      await sequential(`app: GET ${name}, warm (page cache)`, () => send(`${app.url}${path}`)),
    );
    rows.push(
      await sequential(`app: GET ${name}, cold (rendered from D1)`, () =>
        send(`${app.url}${path}`, { headers: COLD }),
      ),
    );
  }
} finally {
  await app.mf.dispose();
  await minimum.mf.dispose();
  await baseline.mf.dispose();
}
console.log(
  `\n${os.cpus().length} cores, ${LATENCY_REQUESTS} sequential requests per endpoint, Node ${process.version}\n`,
);
console.log(latencyTable(rows));
