// `npm run dev`: everything a newcomer needs after `npm install`, in one command.
// 1. .dev.vars with fresh random secrets when missing (never overwritten);
// 2. local D1 migrations; 3. demo data, once (idempotent); 4. wrangler dev, then the URL
// and how to sign in once the Worker answers.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { demoDataSql } from "./demo-data.mjs";

const port = process.env.PORT ?? "8787";
const wrangler = ["node_modules/wrangler/bin/wrangler.js"];
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "1" };

function run(args) {
  const result = spawnSync(process.execPath, [...wrangler, ...args], {
    stdio: ["ignore", "inherit", "inherit"],
    env: quietEnv,
  });
  if (result.status !== 0) {
    console.error(`\nwrangler ${args.join(" ")} failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(".dev.vars")) {
  const secret = () => randomBytes(32).toString("base64url");
  writeFileSync(
    ".dev.vars",
    `# Created by npm run dev. Local only; git-ignored. See .dev.vars.example.\nADMIN_TOKEN=${secret()}\nTOKEN_SECRET=${secret()}\nDATA_KEY=${randomBytes(32).toString("base64")}\n`,
    { mode: 0o600 },
  );
  console.log("Created .dev.vars with fresh ADMIN_TOKEN, TOKEN_SECRET and DATA_KEY.");
} else if (!/^DATA_KEY=\S/m.test(readFileSync(".dev.vars", "utf8"))) {
  // A .dev.vars from before the vault: add the master key it now needs, keeping the rest.
  appendFileSync(".dev.vars", `DATA_KEY=${randomBytes(32).toString("base64")}\n`);
  console.log("Added a fresh DATA_KEY to .dev.vars.");
}
const devVars = readFileSync(".dev.vars", "utf8");
const setting = (name) => devVars.match(new RegExp(`^${name}=(.*)$`, "m"))?.[1]?.trim() ?? "";
const adminToken = setting("ADMIN_TOKEN") || undefined;
// The Worker refuses to serve with either shorter than 32 characters (src/env.ts).
for (const name of ["ADMIN_TOKEN", "TOKEN_SECRET"]) {
  if (setting(name).length < 32)
    console.warn(
      `.dev.vars: ${name} is shorter than 32 characters, so the Worker will refuse to serve. Lengthen it, or delete .dev.vars to get fresh secrets.`,
    );
}

run(["d1", "migrations", "apply", "DB", "--local"]);

writeFileSync(".wrangler/demo-data.sql", demoDataSql(new Date()));
run(["d1", "execute", "DB", "--local", "--file", ".wrangler/demo-data.sql"]);

const dev = spawn(
  process.execPath,
  [
    ...wrangler,
    "dev",
    "--port",
    port,
    "--test-scheduled",
    "--var",
    `APP_URL:http://localhost:${port}`,
  ],
  {
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

const url = `http://localhost:${port}`;
for (let i = 0; i < 120; i++) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  try {
    if ((await fetch(`${url}/healthz`)).ok) {
      console.log(`
  ┌──────────────────────────────────────────────────────────────
  │ Workshops is running at ${url}
  │
  │ Sign in:   ${url}/admin/sign-in  → "Sign in with the token"
  │ Token:     ${adminToken ?? "(ADMIN_TOKEN in .dev.vars)"}
  │ Or as the demo owner: ask for a link for owner@example.org,
  │   then open it from the dev mailbox (${url}/admin/mailbox).
  │ Cron:      ${url}/__scheduled?cron=*/5+*+*+*+*
  └──────────────────────────────────────────────────────────────
`);
      break;
    }
  } catch {
    // not up yet
  }
}
