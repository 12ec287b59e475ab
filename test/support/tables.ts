// Reading D1 as an attacker with a copy of the database would: every text column of every
// table, straight from storage, for traces of a person.
import { env } from "cloudflare:workers";

/** Every table's every text column, as one string per table. */
export async function textOfEveryTable(): Promise<Map<string, string>> {
  const tables = (
    await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
    ).all<{ name: string }>()
  ).results;
  const text = new Map<string, string>();
  for (const { name } of tables) {
    const columns = (
      await env.DB.prepare(`SELECT name, type FROM pragma_table_info('${name}')`).all<{
        name: string;
        type: string;
      }>()
    ).results.filter((c) => c.type.toLowerCase() === "text");
    if (columns.length === 0) continue;
    const rows = (
      await env.DB.prepare(
        `SELECT ${columns.map((c) => `"${c.name}"`).join(", ")} FROM "${name}"`,
      ).raw()
    ).flat();
    text.set(name, rows.map((v) => String(v ?? "")).join("\n"));
  }
  return text;
}

/** The tables in which any of `traces` still appears (case-insensitive), with what was found. */
export async function tablesHolding(traces: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const [table, text] of await textOfEveryTable()) {
    const lower = text.toLowerCase();
    const found = traces.filter((t) => lower.includes(t.toLowerCase()));
    if (found.length) hits.push(`${table}: ${found.join(", ")}`);
  }
  return hits;
}
