// Benchmark: public registration. (1) D1 rows read and written per registration, per
// verification and per public workshop page, with 10 and with 10,000 existing registrations
// (the cost must not grow with them); (2) throughput and latency of registration and of the
// confirm path (POST …/registrations/{token}/verify, the seat decision: a waitlist place, and
// a seat confirmed) and of a registration without verification, each next to a bare
// Worker doing a registration's minimum (one D1 batch writing a registration row and an
// outbox row, one queue send: bench/baseline/registration.ts), and the workshop page next to
// a bare Hono "hello" Worker, all in the same run.
// The minimum is measured before and after the app's rows, and each is compared with the mean.
//   npm run bench:registration     (BENCH_DURATION=10 BENCH_CONNECTIONS=32 by default;
//                                   BENCH_VERIFY_TOKENS: pending registrations to confirm)
import os from "node:os";
import {
  startApp,
  startBaseline,
  startRegistrationBaseline,
} from "../test/support/local-worker.mjs";
import { cost, createWorkshop } from "./lib/app.mjs";
import { CONNECTIONS, DURATION, measure, table } from "./lib/load.mjs";
import { seedPendingRegistrations, seedRegistrations } from "./lib/seed.mjs";

// Both scenarios are full, so every verification is the same decision: a waitlist place.
const CAPACITY = 10;
// Enough pending registrations that every verify under load confirms a new one (a reused
// token would only read its status): warm-up and run, at up to 500 a second.
const VERIFY_TOKENS = Number(process.env.BENCH_VERIFY_TOKENS ?? (DURATION + 2) * 500);

/** An email's text as the queue consumer delivered it to the dev mailbox (it renders there). */
async function deliveredText(app, to, kind) {
  for (let tries = 0; tries < 200; tries++) {
    const row = await app.db
      .prepare(
        // The dev mailbox's copy: the outbox row's address is sealed once it is sent.
        "SELECT text FROM mailbox_messages WHERE to_address = ? AND kind = ?",
      )
      .bind(to, kind)
      .first();
    if (row) return row.text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${kind} email delivered to ${to}`);
}

const average = (xs, key) => xs.reduce((sum, x) => sum + x[key], 0) / xs.length;

async function costs(app, workshop, existing, decision) {
  const samples = { register: [], verify: [], page: [], warm: [] };
  for (let i = 0; i < 20; i++) {
    const email = `cost${i}.${existing}.${decision}@bench.example`;
    const reg = await fetch(`${app.url}/api/v1/public/workshops/${workshop.slug}/registrations`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Cost Probe", email }),
    });
    if (reg.status !== 202) throw new Error(`registration answered ${reg.status}`);
    samples.register.push(cost(reg));
    const text = await deliveredText(app, email, "workshop:verify");
    const token = text.match(/\/r\/([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)/)[1];
    const verify = await fetch(`${app.url}/api/v1/public/registrations/${token}/verify`, {
      method: "POST",
    });
    const { status } = await verify.json();
    if (status !== decision) throw new Error(`verify gave ${status}, not ${decision}`);
    samples.verify.push(cost(verify));
    // The seat change purged the page: this view renders it, the next one is from the cache.
    for (const key of ["page", "warm"]) {
      const page = await fetch(`${app.url}/workshops/${workshop.slug}`);
      if (page.status !== 200) throw new Error(`page answered ${page.status}`);
      await page.text();
      samples[key].push(cost(page));
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([k, xs]) => [
      k,
      {
        read: average(xs, "read"),
        written: average(xs, "written"),
        queries: average(xs, "queries"),
        trips: average(xs, "trips"),
      },
    ]),
  );
}

// 1. Rows read and written, with 10 and 10,000 existing registrations.
// The consumer renders the verification email the probe reads its link from.
const metered = await startApp({ queueConsumer: true, bindings: { D1_METRICS: "on" } });
const rows = [];
try {
  // Full workshops (each verification a waitlist place), then one with seats to spare (each
  // a seat confirmed, the email with its QR code and calendar file recorded).
  for (const [existing, capacity, decision] of [
    [10, CAPACITY, "waitlisted"],
    [10_000, CAPACITY, "waitlisted"],
    [10_000, 20_000, "confirmed"],
  ]) {
    const workshop = await createWorkshop(metered, `Cost probe ${existing} ${decision}`, {
      capacity,
    });
    await seedRegistrations(metered.db, workshop.id, existing, capacity);
    const c = await costs(metered, workshop, existing, decision);
    for (const [what, v] of Object.entries(c)) rows.push({ existing, decision, what, ...v });
  }
} finally {
  await metered.mf.dispose();
}
const label = {
  register: "POST registration",
  verify: "POST verify (seat decision: {decision})",
  page: "GET workshop page, after the seat change (purged only when its wording changed)",
  warm: "GET workshop page, warm (page cache)",
};
console.log("\nD1 cost per request (average of 20)\n");
console.log(
  "| request | existing registrations | D1 round trips | queries | rows read | rows written |\n|---|---:|---:|---:|---:|---:|",
);
for (const r of rows)
  console.log(
    `| ${label[r.what].replace("{decision}", r.decision === "confirmed" ? "a seat confirmed" : "a waitlist place")} | ${r.existing.toLocaleString("en")} | ${r.trips.toFixed(1)} | ${r.queries.toFixed(1)} | ${r.read.toFixed(1)} | ${r.written.toFixed(1)} |`,
  );

// 2. Throughput and latency of registrations and confirmations, next to the bare Workers.
const baseline = await startBaseline();
const minimum = await startRegistrationBaseline();
const app = await startApp({ queueConsumer: false });
try {
  const workshop = await createWorkshop(app, "Throughput probe", { capacity: CAPACITY });
  await seedRegistrations(app.db, workshop.id, 10_000, CAPACITY);
  const tokens = await seedPendingRegistrations(app.db, workshop.id, VERIFY_TOKENS);
  // Seats to spare for every verification of the run: each one confirms a seat.
  const roomy = await createWorkshop(app, "Throughput probe, seats to spare", {
    capacity: 10_000 + 2 * VERIFY_TOKENS,
  });
  await seedRegistrations(app.db, roomy.id, 10_000, 10_000 + 2 * VERIFY_TOKENS);
  const seatTokens = await seedPendingRegistrations(app.db, roomy.id, VERIFY_TOKENS);
  // Without verification: each registration takes its seat and records its confirmation.
  const instant = await createWorkshop(app, "Throughput probe, no verification", {
    capacity: null,
    requireVerification: false,
  });
  const newcomer = (prefix) => {
    let n = 0;
    const body = () => JSON.stringify({ name: "Load", email: `${prefix}${n++}@bench.example` });
    return (client) => {
      client.setBody(body());
      client.on("response", () => client.setBody(body()));
    };
  };
  /** New people registering, one address each, at `url`. */
  const posting = (url, prefix) => ({
    url,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    setupClient: newcomer(prefix),
  });
  const results = [];
  const hello = await measure("baseline: bare Hono hello (GET)", { url: `${baseline.url}/` });
  results.push(hello);
  const least = await measure(
    "baseline: bare Worker, a registration's minimum (1 D1 batch of 2 rows, 1 queue send)",
    posting(`${minimum.url}/workshops/${minimum.workshopId}/registrations`, "minimum"),
  );
  results.push({ ...least, vs: hello });
  const register = await measure(
    "app: POST registration (verification email recorded and enqueued)",
    posting(`${app.url}/api/v1/public/workshops/${workshop.slug}/registrations`, "load"),
  );
  results.push({ ...register, vs: least });
  const instantRegister = await measure(
    "app: POST registration, no verification (seat and confirmation recorded and enqueued)",
    posting(`${app.url}/api/v1/public/workshops/${instant.slug}/registrations`, "instant"),
  );
  results.push({ ...instantRegister, vs: least });
  let used = 0;
  const verifying = (list) => ({
    url: app.url,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => ({
          ...request,
          path: `/api/v1/public/registrations/${list[used++ % list.length]}/verify`,
        }),
      },
    ],
  });
  const verify = await measure(
    "app: POST verify, a waitlist place (the seat decision, its email enqueued)",
    verifying(tokens),
  );
  results.push({ ...verify, vs: least });
  const overused = used > tokens.length;
  used = 0;
  const seat = await measure(
    "app: POST verify, a seat confirmed (the seat decision, its email enqueued)",
    verifying(seatTokens),
  );
  results.push({ ...seat, vs: least });
  // The minimum again, after the app's rows: on this machine the same Worker moves by up to
  // 15 % between runs, so each POST row is compared with the mean of the two.
  const again = await measure(
    "baseline: the registration's minimum again, after the app's rows",
    posting(`${minimum.url}/workshops/${minimum.workshopId}/registrations`, "again"),
  );
  results.push({ ...again, vs: hello });
  const bothMinimums = { rps: (least.rps + again.rps) / 2 };
  for (const row of results) if (row.vs === least) row.vs = bothMinimums;
  const page = await measure("app: GET workshop page, warm (page cache)", {
    url: `${app.url}/workshops/${workshop.slug}`,
  });
  results.push({ ...page, vs: hello });
  const { count } = await app.db
    .prepare("SELECT count(*) AS count FROM registrations WHERE workshop_id = ?")
    .bind(workshop.id)
    .first();
  console.log(
    `\n${os.cpus().length} cores, ${CONNECTIONS} connections, ${DURATION} s per target; workshop holds ${count.toLocaleString("en")} registrations after the run\n`,
  );
  console.log(table(results, hello));
  console.log(
    `\nPOST registration and POST verify are compared with the bare Worker doing a registration's minimum, measured before and after them (their mean: ${bothMinimums.rps.toFixed(0)} req/s); that Worker and the page with the bare hello Worker.`,
  );
  if (overused || used > seatTokens.length)
    console.log(
      `\nWarning: more verifications than pending registrations; the last ones only read a status (raise BENCH_VERIFY_TOKENS).`,
    );
} finally {
  await app.mf.dispose();
  await minimum.mf.dispose();
  await baseline.mf.dispose();
}
