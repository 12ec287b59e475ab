// Builds the app and the baseline with wrangler (the same bundle `wrangler deploy` would
// upload) and runs each in its own Miniflare/workerd, without wrangler dev's proxy: the
// benchmarks measure the Worker and not the dev tooling, and the browser tests drive the
// real bundle, with the static assets in front of it as in production.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const WRANGLER = "node_modules/wrangler/bin/wrangler.js";

/**
 * Bundles a Worker; returns the path of its entry module (named after `main`). `root` is the
 * checkout to build from: this one, or another version of the app to compare with.
 */
function bundle(configPath, outdir, main, root = ".") {
  const out = resolve(outdir);
  const result = spawnSync(
    process.execPath,
    [WRANGLER, "deploy", "--dry-run", "--config", configPath, "--outdir", out],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    },
  );
  if (result.status !== 0)
    throw new Error(`bundling ${configPath} failed:\n${result.stdout}\n${result.stderr}`);
  return `${out}/${basename(main).replace(/\.tsx?$/, ".js")}`;
}

/**
 * Workers static assets as the config declares them ([assets], with public/_headers), in the
 * form wrangler dev gives Miniflare: requests for a file are answered before the Worker runs.
 */
function assetsOf(configPath, workerName) {
  const { assets } = unstable_getMiniflareWorkerOptions(configPath).workerOptions;
  return assets ? { assets: { ...assets, workerName } } : {};
}

export const APP_BINDINGS = {
  APP_URL: "http://127.0.0.1",
  MAIL_FROM: "Workshops <events@example.org>",
  // At least 32 characters each, or the Worker refuses to serve (src/env.ts).
  ADMIN_TOKEN: "bench-admin-token-0123456789abcdefghij",
  TOKEN_SECRET: "bench-token-secret-0123456789abcdefghij",
  // base64 of 32 bytes: the master key of the vault (src/vault/).
  DATA_KEY: "dGVzdC1kYXRhLWtleS0wMTIzNDU2Nzg5YWJjZGVmZ2g=",
  THROTTLE: "off",
};

/** SQL statements of every migration, in order. */
function migrationStatements(root = ".") {
  return readdirSync(`${root}/migrations`)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((f) =>
      readFileSync(`${root}/migrations/${f}`, "utf8")
        .split("--> statement-breakpoint")
        .map((s) => s.trim())
        .filter(Boolean),
    );
}

/** Starts the app with a fresh in-memory D1 (migrated) and its mail queue. */
/** A free loopback port, so APP_URL (used in every emailed link) can be known up front. */
export async function freePort() {
  const { createServer } = await import("node:net");
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export async function startApp({
  bindings = {},
  queueConsumer = true,
  outboundService,
  port,
  d1Persist,
  inspectorPort,
  // Another checkout of the app (bench/vault.mjs compares the version before the vault).
  root = ".",
  build = "app",
} = {}) {
  port ??= await freePort();
  const scriptPath = bundle("wrangler.toml", `bench/.build/${build}`, "index.ts", root);
  const mf = new Miniflare({
    workers: [
      {
        name: "app",
        scriptPath,
        modules: true,
        compatibilityDate: "2026-08-01",
        compatibilityFlags: ["nodejs_compat"],
        d1Databases: { DB: "bench-db" },
        queueProducers: { MAIL_QUEUE: { queueName: "workshops-mail" } },
        // Report files (wrangler.toml's FILES): an in-memory bucket, like the D1 above.
        r2Buckets: { FILES: "workshops-files" },
        queueConsumers: queueConsumer
          ? { "workshops-mail": { maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 5 } }
          : {},
        bindings: { ...APP_BINDINGS, APP_URL: `http://127.0.0.1:${port}`, ...bindings },
        ...assetsOf(`${root}/wrangler.toml`, "app"),
        ...(outboundService ? { outboundService } : {}),
      },
    ],
    port,
    host: "127.0.0.1",
    ...(d1Persist ? { d1Persist } : {}),
    ...(inspectorPort ? { inspectorPort } : {}),
  });
  const url = await mf.ready;
  const db = await mf.getD1Database("DB");
  for (const statement of migrationStatements(root)) await db.prepare(statement).run();
  return { mf, url: url.toString().replace(/\/$/, ""), db };
}

/**
 * A bare Worker from bench/baseline/, bundled and run like the app: behind the same static
 * assets router (the app's public/), so the comparison measures the Worker, not the hop.
 */
async function startBare(name, configPath, main, options = {}) {
  const scriptPath = bundle(configPath, `bench/.build/${name}`, main);
  const mf = new Miniflare({
    workers: [
      {
        name,
        scriptPath,
        modules: true,
        compatibilityDate: "2026-08-01",
        compatibilityFlags: ["nodejs_compat"],
        ...assetsOf("wrangler.toml", name),
        ...options,
      },
    ],
    port: 0,
    host: "127.0.0.1",
  });
  const url = await mf.ready;
  return { mf, url: url.toString().replace(/\/$/, "") };
}

export function startBaseline() {
  return startBare("baseline", "bench/baseline/wrangler.toml", "hello.ts");
}

/**
 * The registration baseline (bench/baseline/registration.ts): a bare Worker doing a
 * registration's minimum on the app's tables (the app's migrations, one published workshop).
 */
export async function startRegistrationBaseline() {
  const bare = await startBare(
    "baseline-registration",
    "bench/baseline/registration.toml",
    "registration.ts",
    {
      d1Databases: { DB: "bench-baseline-db" },
      queueProducers: { MAIL_QUEUE: { queueName: "bench-baseline-mail" } },
    },
  );
  const db = await bare.mf.getD1Database("DB");
  for (const statement of migrationStatements()) await db.prepare(statement).run();
  const workshopId = "wks_baseline";
  const start = Date.now() + 20 * 86_400_000;
  await db
    .prepare(
      `INSERT INTO workshops (id, slug, title, starts_at, ends_at, timezone, registration_mode, questions, invitation_reminder_days, status, capacity)
       VALUES (?, 'baseline', 'Baseline', ?, ?, 'UTC', 'open', '[]', '[]', 'published', 10)`,
    )
    .bind(workshopId, start, start + 4 * 3600_000)
    .run();
  return { ...bare, db, workshopId };
}
