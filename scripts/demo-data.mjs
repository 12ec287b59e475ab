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
    // Workshop teams: the demo organiser runs two workshops, the door desk staffs one. The
    // owner sees everything without being on a team.
    ...[
      ["wks_demowater", "org_demoorganiser", "organiser"],
      ["wks_demolocal", "org_demoorganiser", "organiser"],
      ["wks_demowater", "org_demodoor", "door"],
    ].map(([workshop_id, organiser_id, role]) =>
      insert("workshop_members", { workshop_id, organiser_id, role, created_at: at }),
    ),
  ];
  statements.push(
    insert("topics", {
      id: "top_demowater",
      slug: "water",
      name: "Water and environment",
      name_ar: "المياه والبيئة",
      created_at: at,
    }),
    insert("topics", {
      id: "top_demogov",
      slug: "local-governance",
      name: "Local governance",
      name_ar: "الحوكمة المحلية",
      created_at: at,
    }),
    insert("subscribers", {
      id: "sub_demoone",
      email: "reader@example.org",
      name: "Hana Reader",
      language: "ar",
      status: "active",
      consent_source: "form",
      consent_at: at,
      confirmed_at: at,
      created_at: at,
    }),
    insert("subscribers", {
      id: "sub_demotwo",
      email: "analyst@example.org",
      name: "Tom Analyst",
      language: "en",
      status: "active",
      consent_source: "import",
      consent_at: at,
      created_at: at,
    }),
    insert("subscriber_topics", { subscriber_id: "sub_demoone", topic_id: "top_demogov" }),
    insert("subscriber_topics", { subscriber_id: "sub_demotwo", topic_id: "top_demowater" }),
    insert("reports", {
      id: "rep_demo",
      slug: "river-basin-after-the-drought",
      default_language: "en",
      status: "published",
      published_at: at - 3 * DAY,
      created_at: at - 4 * DAY,
    }),
    insert("report_versions", {
      report_id: "rep_demo",
      language: "en",
      title: "Sharing a river after the drought: notes from a closed workshop",
      summary:
        "Researchers and practitioners looked for a first step the riparian states could take together.",
      body:
        "Participants from research centres and local water boards met for a day to compare what the last three dry years have done to the basin.\n\n" +
        "## What they agreed on\n\n1. Shared, public measurements come before any allocation talks.\n2. Small technical agreements have outlasted grand ones.\n3. Local users need a seat at the table from the start.\n\n" +
        "The discussion followed the Chatham House rule; no participant is named.",
    }),
    insert("report_versions", {
      report_id: "rep_demo",
      language: "ar",
      title: "تقاسم النهر بعد الجفاف: ملاحظات من ورشة مغلقة",
      summary: "بحث باحثون وعاملون في الميدان عن خطوة أولى يمكن لدول الحوض اتخاذها معاً.",
      body:
        "اجتمع مشاركون من مراكز أبحاث ومجالس مياه محلية ليوم واحد لمقارنة ما فعلته السنوات الثلاث الجافة بالحوض.\n\n" +
        "## ما اتفقوا عليه\n\n1. القياسات المشتركة والعلنية تسبق أي حديث عن الحصص.\n2. الاتفاقات التقنية الصغيرة صمدت أكثر من الكبيرة.\n3. يحتاج المستخدمون المحليون إلى مقعد على الطاولة منذ البداية.\n\n" +
        "جرى النقاش وفق قاعدة تشاتام هاوس؛ ولا يُذكر اسم أي مشارك.",
    }),
  );
  return `${statements.join("\n")}\n`;
}
