// `npm run api:lint`: lints the OpenAPI document the Worker serves (not a copy kept in the
// repository, which could drift) with Redocly's recommended rules and the project's
// redocly.yaml. The document is built at request time from the routes, so the app is
// started the way the benchmarks and browser tests start it (test/support/local-worker.mjs:
// the deploy bundle in Miniflare, on loopback) and asked for it once.
//
// Exit status: Redocly's (non-zero on any error; warnings are printed, not fatal).
// `--out FILE` keeps the fetched document, to read or to feed other tools.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "../test/support/local-worker.mjs";

const SPEC_PATH = "/api/v1/openapi.json";
const REDOCLY = "node_modules/@redocly/cli/bin/cli.js";

async function servedDocument() {
  const app = await startApp({ queueConsumer: false, build: "openapi-lint" });
  try {
    const res = await fetch(`${app.url}${SPEC_PATH}`);
    if (!res.ok) throw new Error(`GET ${SPEC_PATH} answered ${res.status}`);
    // Indented, so Redocly's line numbers and code frames point somewhere readable.
    return JSON.stringify(await res.json(), null, 2);
  } finally {
    await app.mf.dispose();
  }
}

function lint(file) {
  const result = spawnSync(process.execPath, [REDOCLY, "lint", "--config", "redocly.yaml", file], {
    stdio: "inherit",
    // No usage reports from a test run.
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
  return result.status ?? 1;
}

const outIndex = process.argv.indexOf("--out");
const keep = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
const dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
const file = keep ?? join(dir, "openapi.json");
try {
  writeFileSync(file, await servedDocument());
  process.exitCode = lint(file);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
