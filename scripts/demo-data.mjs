// Demo data for local development: fixed ids and INSERT OR IGNORE, so loading it again
// changes nothing. Dates are relative to the first load. All names are invented.

const q = (value) =>
  value === null
    ? "NULL"
    : typeof value === "number"
      ? String(value)
      : `'${String(value).replaceAll("'", "''")}'`;

function insert(table, row) {
  const columns = Object.keys(row);
  return `INSERT OR IGNORE INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => q(row[c])).join(", ")});`;
}

export function demoDataSql(now) {
  const at = now.getTime();
  const statements = [
    insert("organisers", {
      id: "org_demoowner",
      email: "owner@example.org",
      name: "Demo Owner",
      role: "owner",
      created_at: at,
    }),
    insert("organisers", {
      id: "org_demoorganiser",
      email: "organiser@example.org",
      name: "Samira Haddad",
      role: "organiser",
      created_at: at,
    }),
    insert("organisers", {
      id: "org_demodoor",
      email: "door@example.org",
      name: "Door Desk",
      role: "door",
      created_at: at,
    }),
  ];
  return `${statements.join("\n")}\n`;
}
