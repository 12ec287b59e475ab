// Benchmark: what sealing personal data costs (src/vault/). The app as it is and the app as
// it was before the vault (BENCH_BEFORE_REF, built from a git worktree of that commit) run
// side by side in the same run, each measured in turn on the same machine:
//   1. POST registration, workshop without verification (seat + confirmation recorded);
//   2. POST registration, workshop with verification (the verification email recorded);
//   3. the organiser's attendee list, first page of 50, at 2,000 registrations;
//   4. the same list searched by name at 2,000 registrations: before, a LIKE in SQL; now,
//      every registration opened in the Worker and matched there;
// then the single-request latency (median, p99) of 3 and 4.
//   npm run bench:vault    (BENCH_DURATION=10 BENCH_CONNECTIONS=32 BENCH_BEFORE_REF=629c2ec
//                           BENCH_PEOPLE=2000 BENCH_ONLY=registration|list)
import { spawnSync } from "node:child_process";
import { existsSync, symlinkSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { startApp } from "../test/support/local-worker.mjs";
import { ADMIN, createWorkshop } from "./lib/app.mjs";
import { CONNECTIONS, DURATION, latencyTable, measure, sequential, table } from "./lib/load.mjs";

/** The last commit before the vault: the same app, storing personal data in plain text. */
const BEFORE_REF = process.env.BENCH_BEFORE_REF ?? "629c2ec";
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 2_000);

/** A checkout of BEFORE_REF beside this one, sharing its node_modules. */
function checkoutBefore() {
  const dir = resolve(`bench/.build/before-${BEFORE_REF}`);
  if (!existsSync(dir)) {
    const added = spawnSync("git", ["worktree", "add", "--detach", dir, BEFORE_REF], {
      encoding: "utf8",
    });
    if (added.status !== 0) throw new Error(`git worktree add failed: ${added.stderr}`);
    symlinkSync(resolve("node_modules"), `${dir}/node_modules`);
  }
  return dir;
}

/** Registers `count` people through the public API, 16 at a time, so the app seals them. */
async function register(app, workshop, count) {
  let next = 0;
  const one = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${app.url}/api/v1/public/workshops/${workshop.slug}/registrations`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          name: `Participant ${i} ${i % 7 === 0 ? "Haddad" : "Smith"}`,
          email: `person${i}@list.example`,
          affiliation: `Institute ${i % 40}`,
        }),
      });
      if (res.status !== 201) throw new Error(`seeding answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, one));
}

function newcomers(prefix) {
  let n = 0;
  const body = () =>
    JSON.stringify({ name: "Load Person", email: `${prefix}${n++}@bench.example` });
  return (client) => {
    client.setBody(body());
    client.on("response", () => client.setBody(body()));
  };
}

const versions = [
  {
    label: "before",
    app: await startApp({ queueConsumer: false, root: checkoutBefore(), build: "before" }),
  },
  { label: "now", app: await startApp({ queueConsumer: false }) },
];
try {
  for (const v of versions) {
    v.open = await createWorkshop(v.app, "Open, no verification", {
      capacity: null,
      requireVerification: false,
    });
    v.verified = await createWorkshop(v.app, "Open, with verification", { capacity: null });
    v.listed = await createWorkshop(v.app, "Listed", {
      capacity: null,
      requireVerification: false,
    });
    await register(v.app, v.listed, PEOPLE);
  }
  const results = [];
  // One at a time: the two Workers never compete for the two cores.
  const scenarios = [
    [
      "POST registration, no verification",
      (v) =>
        measure("", {
          url: `${v.app.url}/api/v1/public/workshops/${v.open.slug}/registrations`,
          method: "POST",
          headers: { "Content-Type": "application/json" },
          setupClient: newcomers(`open-${v.label}-`),
        }),
    ],
    [
      "POST registration, with verification",
      (v) =>
        measure("", {
          url: `${v.app.url}/api/v1/public/workshops/${v.verified.slug}/registrations`,
          method: "POST",
          headers: { "Content-Type": "application/json" },
          setupClient: newcomers(`verified-${v.label}-`),
        }),
    ],
    [
      `GET attendee list (50 of ${PEOPLE.toLocaleString("en")})`,
      (v) =>
        measure("", {
          url: `${v.app.url}/api/v1/workshops/${v.listed.id}/registrations?limit=50`,
          headers: ADMIN,
        }),
    ],
    [
      `GET attendee list searched by name (${PEOPLE.toLocaleString("en")})`,
      (v) =>
        measure("", {
          url: `${v.app.url}/api/v1/workshops/${v.listed.id}/registrations?limit=50&q=haddad`,
          headers: ADMIN,
        }),
    ],
  ];
  // BENCH_ONLY=registration (or list): one group of scenarios, for a quicker comparison.
  const only = process.env.BENCH_ONLY;
  for (const [name, run] of scenarios.filter(([n]) => !only || n.toLowerCase().includes(only))) {
    const before = { ...(await run(versions[0])), name: `${name}: before the vault` };
    const now = { ...(await run(versions[1])), name: `${name}: sealed`, vs: before };
    results.push(before, now);
  }
  console.log(
    `\n${os.cpus().length} cores, ${CONNECTIONS} connections, ${DURATION} s per target; "before" is ${BEFORE_REF}\n`,
  );
  console.log(table(results));
  for (const r of results) if (r.why) console.log(`${r.name}: ${JSON.stringify(r.why)}`);
  console.log("\nEach sealed row is compared with the same request before the vault.\n");

  const latency = [];
  for (const v of versions) {
    const get = (q) => () =>
      fetch(`${v.app.url}/api/v1/workshops/${v.listed.id}/registrations?limit=50${q}`, {
        headers: ADMIN,
      }).then((r) => r.text());
    latency.push(await sequential(`attendee list, ${v.label}`, get("")));
    latency.push(await sequential(`attendee list searched, ${v.label}`, get("&q=haddad")));
  }
  console.log(latencyTable(latency));
} finally {
  for (const v of versions) await v.app.mf.dispose();
}
