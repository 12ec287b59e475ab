// Where one path's CPU goes under load: the Worker isolate's V8 CPU profile, taken through
// the inspector Miniflare exposes while autocannon loads the path, printed as the functions
// with the most time of their own and the most time with what they call (share of samples;
// "(idle)" is the isolate waiting for D1, the queue or the next request). A guide to what
// to make cheaper, not a figure to record: the profiler itself slows the isolate.
//   npm run bench:profile                  (BENCH_PROFILE=verify-seat by default)
//   BENCH_PROFILE=verify-waitlist | register | register-instant | page npm run bench:profile
//   BENCH_PROFILE_OUT=x.cpuprofile    also writes the profile (Chrome DevTools opens it)
import { writeFile } from "node:fs/promises";
import { freePort, startApp } from "../test/support/local-worker.mjs";
import { createWorkshop } from "./lib/app.mjs";
import { inspect } from "./lib/heap.mjs";
import { measure } from "./lib/load.mjs";
import { seedPendingRegistrations, seedRegistrations } from "./lib/seed.mjs";

const PATH = process.env.BENCH_PROFILE ?? "verify-seat";
const TOP = 30;

const inspectorPort = await freePort();
const app = await startApp({ queueConsumer: false, inspectorPort });

/** The load for each path, on a workshop set up for it. */
async function load(path) {
  const seats = path === "verify-waitlist" ? 10 : 100_000;
  const workshop = await createWorkshop(app, `Profile ${path}`, {
    capacity: path === "register-instant" ? null : seats,
    requireVerification: path !== "register-instant",
  });
  if (path.startsWith("verify")) {
    await seedRegistrations(app.db, workshop.id, 1_000, seats);
    const tokens = await seedPendingRegistrations(app.db, workshop.id, 8_000);
    let used = 0;
    const next = () => tokens[used++ % tokens.length];
    return {
      url: app.url,
      requests: [
        {
          method: "POST",
          setupRequest: (r) => ({ ...r, path: `/api/v1/public/registrations/${next()}/verify` }),
        },
      ],
    };
  }
  if (path === "page") return { url: `${app.url}/workshops/${workshop.slug}` };
  let n = 0;
  const body = () => JSON.stringify({ name: "Profile", email: `profile${n++}@bench.example` });
  return {
    url: `${app.url}/api/v1/public/workshops/${workshop.slug}/registrations`,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    setupClient: (client) => {
      client.setBody(body());
      client.on("response", () => client.setBody(body()));
    },
  };
}

/** Each sample's time, by function (own time), and by function and its callers (total). */
function summarise(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const name = (n) =>
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber + 1}`;
  const own = new Map();
  const total = new Map();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    all += dt;
    own.set(name(nodes.get(id)), (own.get(name(nodes.get(id))) ?? 0) + dt);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = name(nodes.get(at));
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + dt);
    }
  });
  const top = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([k, v]) => [k, ((v / all) * 100).toFixed(1)]);
  return { own: top(own), total: top(total) };
}

try {
  const options = await load(PATH);
  const inspector = await inspect(inspectorPort);
  await inspector.send("Profiler.enable");
  await inspector.send("Profiler.setSamplingInterval", { interval: 200 });
  await inspector.send("Profiler.start");
  const result = await measure(`app: ${PATH}, profiled`, options);
  const { profile } = await inspector.send("Profiler.stop");
  inspector.close();
  if (process.env.BENCH_PROFILE_OUT)
    await writeFile(process.env.BENCH_PROFILE_OUT, JSON.stringify(profile));
  const { own, total } = summarise(profile);
  console.log(`\n${PATH}: ${result.rps} req/s while profiled (bundle bench/.build/app/index.js)\n`);
  console.log("| own time % | function | | with callees % | function |\n|---:|---|---|---:|---|");
  for (let i = 0; i < TOP; i++)
    console.log(
      `| ${own[i]?.[1] ?? ""} | ${own[i]?.[0] ?? ""} | | ${total[i]?.[1] ?? ""} | ${total[i]?.[0] ?? ""} |`,
    );
} finally {
  await app.mf.dispose();
}
