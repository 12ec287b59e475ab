// Embargo and schedule times are entered on the organiser's clock: the report's linked
// workshop's time zone, or another chosen next to the time; stored as UTC instants.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { reports } from "../src/db/schema";
import { distributionRow, publishedReport, seedSubscribers, topic } from "./support/distribution";
import { call, db, form, ownerCookie, uniqueEmail } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

// Beirut keeps summer time (UTC+3) from the last Sunday of March to the last of October,
// and is UTC+2 in winter.
const SUMMER = { local: "2027-07-15T10:00", utc: "2027-07-15T07:00:00.000Z" };
const WINTER = { local: "2028-01-15T10:00", utc: "2028-01-15T08:00:00.000Z" };

let cookie: string;
let report: { id: string };
beforeAll(async () => {
  cookie = await ownerCookie();
  const w = await createWorkshop({ timezone: "Asia/Beirut" });
  report = await publishedReport({ workshopId: w.id });
});

const page = async (path: string) => {
  const res = await call(path, { headers: { Cookie: cookie } });
  expect(res.status).toBe(200);
  return res.text();
};
const embargo = async (id: string) =>
  (await db().query.reports.findFirst({ where: eq(reports.id, id) }))?.embargoUntil;

describe("the embargo", () => {
  it("defaults to the linked workshop's zone and says so", async () => {
    const html = await page(`/admin/reports/${report.id}`);
    expect(html).toContain("Embargo until (Beirut time, optional)");
    expect(html).toMatch(/name="embargoUntilZone"[^>]*value="Asia\/Beirut"/);
  });

  for (const season of [SUMMER, WINTER])
    it(`stores ${season.local} Beirut as ${season.utc} and shows it back`, async () => {
      const res = await form(
        `/admin/reports/${report.id}/publish`,
        { embargoUntil: season.local, embargoUntilZone: "Asia/Beirut" },
        cookie,
      );
      expect(res.status).toBe(303);
      expect((await embargo(report.id))?.toISOString()).toBe(season.utc);
      const html = await page(`/admin/reports/${report.id}`);
      expect(html).toMatch(
        new RegExp(`name="embargoUntil"[^>]*value="${season.local}"|value="${season.local}"`),
      );
      expect(html).toContain("(Asia/Beirut)");
    });

  it("takes a city for the zone, and explains a zone that names nothing", async () => {
    await form(
      `/admin/reports/${report.id}/publish`,
      { embargoUntil: SUMMER.local, embargoUntilZone: "beirut" },
      cookie,
    );
    expect((await embargo(report.id))?.toISOString()).toBe(SUMMER.utc);
    const res = await form(
      `/admin/reports/${report.id}/publish`,
      { embargoUntil: WINTER.local, embargoUntilZone: "Atlantis" },
      cookie,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("notice=");
    expect((await embargo(report.id))?.toISOString()).toBe(SUMMER.utc);
  });

  it("is in UTC, shown as such, for a report without a workshop", async () => {
    const alone = await publishedReport();
    const html = await page(`/admin/reports/${alone.id}`);
    expect(html).toContain("Embargo until (UTC, optional)");
    await form(
      `/admin/reports/${alone.id}/publish`,
      { embargoUntil: SUMMER.local, embargoUntilZone: "UTC" },
      cookie,
    );
    expect((await embargo(alone.id))?.toISOString()).toBe("2027-07-15T10:00:00.000Z");
  });
});

describe("a scheduled send", () => {
  it("is read on the chosen zone's clock, reviewed and stored as UTC", async () => {
    const t = await topic(`zoned-${Date.now()}`);
    await seedSubscribers([{ email: uniqueEmail("zoned"), topicIds: [t.id] }]);
    const html = await page(`/admin/reports/${report.id}`);
    expect(html).toContain("Send at (Beirut time, optional)");

    const query = new URLSearchParams({
      topics: t.slug,
      scheduledAt: SUMMER.local,
      scheduledAtZone: "Asia/Beirut",
    });
    const review = await page(`/admin/reports/${report.id}/distributions/review?${query}`);
    expect(review).toContain("10:00 (Asia/Beirut)");
    expect(review).toContain("2027-07-15 07:00 UTC");

    const res = await form(
      `/admin/reports/${report.id}/distributions`,
      {
        topics: t.slug,
        scheduledAt: SUMMER.local,
        scheduledAtZone: "Asia/Beirut",
        confirm: "yes",
      },
      cookie,
    );
    expect(res.status).toBe(303);
    const id = res.headers.get("location")!.split("/").pop()!;
    expect((await distributionRow(id)).scheduledAt?.toISOString()).toBe(SUMMER.utc);
    // Cancelled, so the scheduled send does not linger for other tests.
    await form(`/admin/distributions/${id}/cancel`, {}, cookie);
  });
});
