// Keeps the dependency graph of src/ what the README says it is.
//
// - Every import between two folders of src/ must be an edge the table below allows.
// - No two modules may import each other, directly or through others (a module cycle).
// - The README's "Dependencies" block must be this table, rendered (`--write` updates it).
//
// Imports are read with a regular expression, not a parser: every import in this code base
// is a static `import … from "./…"` or `export … from "./…"` on its own statement.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/**
 * Which folder (or top-level file) of src/ may import which. Infrastructure first: it
 * imports no feature. Then the features, each above what it uses. Then the entry points.
 */
// biome-ignore format: one line per folder reads as the table it is
export const ALLOWED = {
  // infrastructure: imports no feature
  i18n: [],
  lib: ["i18n"],
  // the actor carries the organiser's language for the admin pages
  access: ["db", "i18n"],
  db: ["brand", "i18n"],
  // the data keys that seal everything personal (src/vault/)
  vault: ["db", "lib"],
  // the organisation the platform speaks for: name, logo, postal address (src/brand/)
  brand: ["i18n"],
  mail: ["brand", "db", "i18n", "lib", "vault"],
  cache: ["i18n"],
  env: ["mail", "vault"],
  services: ["brand", "cache", "db", "env", "i18n", "mail", "vault"],
  ui: ["access", "brand", "i18n"],
  http: ["access", "brand", "cache", "db", "env", "i18n", "lib", "services", "ui", "vault"],
  // the log every feature writes to, and its owners' API and page (which import no feature)
  audit: ["access", "db", "http", "i18n", "lib", "ui"],
  // features, each above what it uses
  organisers: ["access", "audit", "db", "http", "i18n", "lib", "mail", "services", "ui", "vault"],
  // the one named cycle (README, "Dependencies"): a workshop change re-seats and notifies
  // its people through the registrations' seat engine and notices
  workshops: ["access", "audit", "brand", "db", "http", "i18n", "lib", "mail", "organisers", "services", "ui", "registrations", "vault"],
  subscribers: ["access", "audit", "db", "http", "i18n", "lib", "mail", "services", "ui", "vault"],
  registrations: ["access", "audit", "db", "http", "i18n", "lib", "mail", "services", "subscribers", "ui", "workshops", "vault"],
  invitations: ["access", "audit", "db", "http", "i18n", "lib", "registrations", "services", "ui", "workshops", "vault"],
  attendees: ["access", "audit", "db", "http", "i18n", "lib", "mail", "registrations", "services", "ui", "workshops", "vault"],
  reports: ["access", "audit", "brand", "db", "http", "i18n", "lib", "mail", "services", "ui", "workshops", "vault"],
  distributions: ["access", "audit", "db", "http", "i18n", "lib", "mail", "reports", "services", "subscribers", "ui", "vault"],
  webhooks: ["db", "http", "lib", "subscribers", "vault"],
  // the survey after a workshop: reads its attendees (registrations) and emails them
  feedback: ["access", "audit", "db", "http", "i18n", "lib", "mail", "registrations", "services", "subscribers", "ui", "vault", "workshops"],
  // one module per cross-feature use case: finding and forgetting a person everywhere
  people: [
    "access",
    "audit",
    "db",
    "distributions",
    "feedback",
    "http",
    "i18n",
    "invitations",
    "lib",
    "registrations",
    "services",
    "subscribers",
    "ui",
    "vault",
    "workshops",
  ],
  mailbox: ["access", "audit", "db", "http", "i18n", "lib", "mail", "ui"],
  home: ["http", "i18n", "reports", "ui", "workshops"],
  // entry points
  app: ["attendees", "audit", "db", "distributions", "feedback", "home", "http", "invitations", "mailbox", "organisers", "people", "registrations", "reports", "subscribers", "webhooks", "workshops"],
  queue: ["distributions", "env", "mail", "registrations", "services"],
  jobs: ["attendees", "distributions", "env", "feedback", "invitations", "mail", "organisers", "people", "registrations", "reports", "services", "subscribers"],
  index: ["app", "env", "jobs", "mail", "queue"],
};

const SRC = "src";
const README = "README.md";
const BEGIN = "<!-- dependencies:begin (scripts/check-imports.mjs --write) -->";
const END = "<!-- dependencies:end -->";

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The folder a module belongs to: its first path segment under src/, without extension. */
function owner(path) {
  const [first, second] = relative(SRC, path).split("/");
  return second === undefined ? first.replace(/\.(ts|tsx)$/, "") : first;
}

function resolve(from, spec) {
  const base = normalize(join(dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return null;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"/g;

export function graph() {
  const modules = new Map();
  for (const file of files(SRC)) {
    const deps = [];
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const target = resolve(file, match[1]);
      if (target?.startsWith(`${SRC}/`)) deps.push(target);
    }
    modules.set(file, deps);
  }
  return modules;
}

function folderEdges(modules) {
  const edges = new Map();
  for (const [file, deps] of modules) {
    for (const dep of deps) {
      const [a, b] = [owner(file), owner(dep)];
      if (a === b) continue;
      const key = `${a} -> ${b}`;
      if (!edges.has(key)) edges.set(key, `${file} imports ${dep}`);
    }
  }
  return edges;
}

function moduleCycles(modules) {
  const state = new Map();
  const stack = [];
  const cycles = [];
  const visit = (file) => {
    state.set(file, "open");
    stack.push(file);
    for (const dep of modules.get(file) ?? []) {
      if (state.get(dep) === "open") cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of modules.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

export function rendered() {
  const width = Math.max(...Object.keys(ALLOWED).map((k) => k.length));
  const lines = Object.entries(ALLOWED).map(
    ([folder, deps]) => `${folder.padEnd(width)}  → ${deps.length ? deps.join(", ") : "(nothing)"}`,
  );
  return `${BEGIN}\n\`\`\`\n${lines.join("\n")}\n\`\`\`\n${END}`;
}

function main() {
  const modules = graph();
  const problems = [];
  for (const [edge, example] of folderEdges(modules)) {
    const [a, b] = edge.split(" -> ");
    if (!(a in ALLOWED)) problems.push(`${a}: not in the table of scripts/check-imports.mjs`);
    else if (!ALLOWED[a].includes(b)) problems.push(`forbidden: ${edge} (${example})`);
  }
  for (const cycle of moduleCycles(modules)) problems.push(`module cycle: ${cycle.join(" → ")}`);

  const readme = readFileSync(README, "utf8");
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  const block = rendered();
  if (start < 0 || end < 0) problems.push(`${README} has no dependencies block (${BEGIN})`);
  else if (readme.slice(start, end + END.length) !== block) {
    if (process.argv.includes("--write")) {
      writeFileSync(README, readme.slice(0, start) + block + readme.slice(end + END.length));
      console.log(`${README}: dependencies block updated`);
    } else problems.push(`${README}: the dependencies block is stale (run with --write)`);
  }

  for (const problem of [...new Set(problems)]) console.error(problem);
  if (problems.length) process.exit(1);
  console.log(`imports: ${modules.size} modules, no forbidden edge, no cycle`);
}

main();
