// Benchmark: public registration. (1) D1 rows read and written per registration, per
// verification and per public workshop page, with 10 and with 10,000 existing registrations
// (the cost must not grow with them); (2) registration throughput and latency next to a bare
// Hono Worker, in the same run.
//   npm run bench:registration     (BENCH_DURATION=10 BENCH_CONNECTIONS=16 by default)
import os from "node:os";
import { APP_BINDINGS, startApp, startBaseline } from "../test/support/local-worker.mjs";
import { CONNECTIONS, DURATION, measure, table } from "./lib/load.mjs";
import { seedRegistrations } from "./lib/seed.mjs";

const ADMIN = {
  Authorization: `Bearer ${APP_BINDINGS.ADMIN_TOKEN}`,
  "Content-Type": "application/json",
};
// Both scenarios are full, so every verification is the same decision: a waitlist place.
const CAPACITY = 10;

async function createWorkshop(app, title) {
  const start = new Date(Date.now() + 20 * 86_400_000);
  const res = await fetch(`${app.url}/api/v1/workshops`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({
      title,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 4 * 3600_000).toISOString(),
      timezone: "Europe/Istanbul",
      capacity: CAPACITY,
      registrationMode: "open",
    }),
  });
  const workshop = await res.json();
  await fetch(`${app.url}/api/v1/workshops/${workshop.id}/publish`, {
    method: "POST",
    headers: ADMIN,
  });
  return workshop;
}

function cost(res) {
  return {
    read: Number(res.headers.get("x-d1-rows-read")),
    written: Number(res.headers.get("x-d1-rows-written")),
    queries: Number(res.headers.get("x-d1-queries")),
  };
}

/** An email's text as the queue consumer delivered it to the dev mailbox (it renders there). */
async function deliveredText(app, to, kind) {
  for (let tries = 0; tries < 200; tries++) {
    const row = await app.db
      .prepare(
        "SELECT m.text FROM emails e JOIN mailbox_messages m ON m.idempotency_key = 'email/' || e.id WHERE e.to_address = ? AND e.kind = ?",
      )
      .bind(to, kind)
      .first();
    if (row) return row.text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${kind} email delivered to ${to}`);
}

const average = (xs, key) => xs.reduce((sum, x) => sum + x[key], 0) / xs.length;

async function costs(app, workshop, existing) {
  const samples = { register: [], verify: [], page: [] };
  for (let i = 0; i < 20; i++) {
    const email = `cost${i}.${existing}@bench.example`;
    const reg = await fetch(`${app.url}/api/v1/public/workshops/${workshop.slug}/registrations`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Cost Probe", email }),
    });
    if (reg.status !== 202) throw new Error(`registration answered ${reg.status}`);
    samples.register.push(cost(reg));
    const text = await deliveredText(app, email, "workshop:verify");
    const token = text.match(/\/r\/([A-Za-z0-9_-]{43})/)[1];
    const verify = await fetch(`${app.url}/api/v1/public/registrations/${token}/verify`, {
      method: "POST",
    });
    const { status } = await verify.json();
    if (status !== "waitlisted") throw new Error(`verify gave ${status}`);
    samples.verify.push(cost(verify));
    const page = await fetch(`${app.url}/workshops/${workshop.slug}`);
    if (page.status !== 200) throw new Error(`page answered ${page.status}`);
    await page.text();
    samples.page.push(cost(page));
  }
  return Object.fromEntries(
    Object.entries(samples).map(([k, xs]) => [
      k,
      {
        read: average(xs, "read"),
        written: average(xs, "written"),
        queries: average(xs, "queries"),
      },
    ]),
  );
}

// 1. Rows read and written, with 10 and 10,000 existing registrations.
const metered = await startApp({ queueConsumer: false, bindings: { D1_METRICS: "on" } });
const rows = [];
try {
  for (const existing of [10, 10_000]) {
    const workshop = await createWorkshop(metered, `Cost probe ${existing}`);
    await seedRegistrations(metered.db, workshop.id, existing, CAPACITY);
    const c = await costs(metered, workshop, existing);
    for (const [what, v] of Object.entries(c)) rows.push({ existing, what, ...v });
  }
} finally {
  await metered.mf.dispose();
}
const label = {
  register: "POST registration",
  verify: "POST verify (seat decision)",
  page: "GET workshop page",
};
console.log("\nD1 cost per request (average of 20)\n");
console.log(
  "| request | existing registrations | queries | rows read | rows written |\n|---|---:|---:|---:|---:|",
);
for (const r of rows)
  console.log(
    `| ${label[r.what]} | ${r.existing.toLocaleString("en")} | ${r.queries.toFixed(1)} | ${r.read.toFixed(1)} | ${r.written.toFixed(1)} |`,
  );

// 2. Throughput and latency of registrations, next to the bare Worker.
const baseline = await startBaseline();
const app = await startApp({ queueConsumer: false });
try {
  const workshop = await createWorkshop(app, "Throughput probe");
  await seedRegistrations(app.db, workshop.id, 10_000, CAPACITY);
  let n = 0;
  const results = [];
  results.push(await measure("baseline: bare Hono hello (GET)", { url: `${baseline.url}/` }));
  results.push(
    await measure("app: POST registration (verification email recorded and enqueued)", {
      url: `${app.url}/api/v1/public/workshops/${workshop.slug}/registrations`,
      method: "POST",
      headers: { "Content-Type": "application/json" },
      setupClient: (client) => {
        client.setBody(JSON.stringify({ name: "Load", email: `load${n++}@bench.example` }));
        client.on("response", () =>
          client.setBody(JSON.stringify({ name: "Load", email: `load${n++}@bench.example` })),
        );
      },
    }),
  );
  results.push(
    await measure("app: GET workshop page", { url: `${app.url}/workshops/${workshop.slug}` }),
  );
  const { count } = await app.db
    .prepare("SELECT count(*) AS count FROM registrations WHERE workshop_id = ?")
    .bind(workshop.id)
    .first();
  console.log(
    `\n${os.cpus().length} cores, ${CONNECTIONS} connections, ${DURATION} s per target; workshop holds ${count.toLocaleString("en")} registrations after the run\n`,
  );
  console.log(table(results, results[0]));
} finally {
  await app.mf.dispose();
  await baseline.mf.dispose();
}
