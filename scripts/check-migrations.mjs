// Fails when src/db/schema.ts and migrations/ disagree: drizzle-kit generates against a
// scratch copy of migrations/, and any file it would add means a migration is missing.
// drizzle-kit wants a relative `out` and can exit 0 after an error, hence the checks below.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";

const scratch = ".wrangler/migrations-check";
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
try {
  const out = `${scratch}/migrations`;
  cpSync("migrations", out, { recursive: true });
  const config = `${scratch}/drizzle.config.mjs`;
  writeFileSync(
    config,
    `export default ${JSON.stringify({ dialect: "sqlite", schema: "./src/db/schema.ts", out: `./${out}` })};\n`,
  );
  const before = readdirSync(out).sort();
  const result = spawnSync(
    process.execPath,
    ["node_modules/drizzle-kit/bin.cjs", "generate", "--config", config],
    { encoding: "utf8" },
  );
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0 || /error/i.test(output)) {
    console.error(output);
    console.error("drizzle-kit failed; cannot compare the schema with migrations/.");
    process.exit(1);
  }
  const added = readdirSync(out).filter((f) => !before.includes(f));
  if (added.length > 0) {
    console.error(
      `src/db/schema.ts has changes with no migration (drizzle-kit would add ${added.join(", ")}). Run: npm run db:generate`,
    );
    process.exit(1);
  }
  console.log("migrations/ matches src/db/schema.ts");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
