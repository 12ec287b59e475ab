// Demo data for local development: fixed ids and INSERT OR IGNORE, so loading it again
// changes nothing. Dates are relative to the first load. Everything here is invented.

const q = (value) =>
  value === null || value === undefined
    ? "NULL"
    : typeof value === "number"
      ? String(value)
      : typeof value === "boolean"
        ? value
          ? "1"
          : "0"
        : `'${String(value).replaceAll("'", "''")}'`;

function insert(table, row) {
  const columns = Object.keys(row);
  return `INSERT OR IGNORE INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => q(row[c])).join(", ")});`;
}

const DAY = 86_400_000;

export function demoDataSql(now) {
  const at = now.getTime();
  const day = (n, hourUtc) => {
    const d = new Date(at + n * DAY);
    d.setUTCHours(hourUtc, 0, 0, 0);
    return d.getTime();
  };
  const workshop = (row) =>
    insert("workshops", {
      description: "",
      venue_name: null,
      venue_address: null,
      venue_city: null,
      online_url: null,
      location_private: false,
      capacity: 30,
      waitlist: true,
      registration_mode: "open",
      require_verification: true,
      language: "en",
      questions: "[]",
      retention_days: 365,
      reminder_hours: 24,
      invitation_reminder_days: "[3]",
      status: "published",
      confirmed_count: 0,
      waitlist_seq: 0,
      calendar_sequence: 0,
      created_at: at,
      ...row,
    });
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
    workshop({
      id: "wks_demowater",
      slug: "water-sharing-upper-basin",
      title: "Water sharing in the upper basin: options after the drought",
      description:
        "A one-day closed workshop for researchers and practitioners on how the riparian states could share water after three dry years.\n\n" +
        "**Sessions**\n\n1. What the data shows\n2. Agreements that worked elsewhere\n3. A realistic first step\n\nParticipation is by name only in the report; no attendee list is published.",
      starts_at: day(12, 7),
      ends_at: day(12, 14),
      timezone: "Europe/Istanbul",
      venue_name: "Conference room 2",
      venue_address: "Example Street 14",
      venue_city: "Istanbul",
      location_private: true,
      capacity: 24,
      questions: JSON.stringify([
        {
          id: "q1",
          label: "Which session interests you most?",
          type: "choice",
          required: true,
          options: ["Data", "Agreements", "First steps"],
        },
        { id: "q2", label: "Dietary needs", type: "text", required: false },
      ]),
    }),
    workshop({
      id: "wks_demolocal",
      slug: "local-councils-services",
      title: "المجالس المحلية وتقديم الخدمات",
      description:
        "ورشة عمل مغلقة تناقش تجارب المجالس المحلية في إدارة الخدمات العامة، وسبل تحسين الشفافية والمشاركة.\n\nتُعقد الجلسات باللغة العربية.",
      starts_at: day(20, 8),
      ends_at: day(20, 13),
      timezone: "Europe/Istanbul",
      venue_name: "قاعة الندوات",
      venue_city: "غازي عنتاب",
      capacity: 40,
      registration_mode: "approval",
      language: "ar",
    }),
    workshop({
      id: "wks_demoonline",
      slug: "sanctions-and-recovery-online",
      title: "Sanctions and early recovery: an online briefing",
      description:
        "An online briefing on how humanitarian exemptions work in practice, followed by questions.",
      starts_at: day(30, 12),
      ends_at: day(30, 14),
      timezone: "Europe/Berlin",
      online_url: "https://meet.example.org/briefing",
      capacity: null,
    }),
  ];
  return `${statements.join("\n")}\n`;
}
