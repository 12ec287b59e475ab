// What the benchmarks do to the app through its API, as an organiser or a visitor would.
import { APP_BINDINGS } from "../../test/support/local-worker.mjs";

export const ADMIN = {
  Authorization: `Bearer ${APP_BINDINGS.ADMIN_TOKEN}`,
  "Content-Type": "application/json",
};

/** A request that skips the page cache (any cookie does): the page rendered from D1. */
export const COLD = { Cookie: "bench=cold" };

/** A published workshop, open, 20 days ahead. */
export async function createWorkshop(app, title, fields = {}) {
  const start = new Date(Date.now() + 20 * 86_400_000);
  const res = await fetch(`${app.url}/api/v1/workshops`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({
      title,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 4 * 3600_000).toISOString(),
      timezone: "Europe/Istanbul",
      registrationMode: "open",
      capacity: 10,
      ...fields,
    }),
  });
  if (res.status !== 201) throw new Error(`creating a workshop answered ${res.status}`);
  const workshop = await res.json();
  await fetch(`${app.url}/api/v1/workshops/${workshop.id}/publish`, {
    method: "POST",
    headers: ADMIN,
  });
  return workshop;
}

/** A published bilingual report. */
export async function publishedReport(app, title = "Benchmark report") {
  const res = await fetch(`${app.url}/api/v1/reports`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({
      defaultLanguage: "en",
      versions: [
        {
          language: "en",
          title,
          summary: "A summary.",
          body: "## Findings\n\nThe participants agreed on **three** points.\n\n1. One\n2. Two\n3. Three",
        },
        {
          language: "ar",
          title: "تقرير القياس",
          summary: "ملخص.",
          body: "## النتائج\n\nاتفق المشاركون على **ثلاث** نقاط.",
        },
      ],
    }),
  });
  if (res.status !== 201) throw new Error(`creating a report answered ${res.status}`);
  const report = await res.json();
  await fetch(`${app.url}/api/v1/reports/${report.id}/publish`, {
    method: "POST",
    headers: { Authorization: ADMIN.Authorization },
  });
  return report;
}

/** What one answer cost in D1, from the X-D1-* headers (D1_METRICS=on). */
export function cost(res) {
  return {
    read: Number(res.headers.get("x-d1-rows-read")),
    written: Number(res.headers.get("x-d1-rows-written")),
    queries: Number(res.headers.get("x-d1-queries")),
    trips: Number(res.headers.get("x-d1-round-trips")),
  };
}
