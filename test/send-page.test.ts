// The send screen: an audience picker with nothing chosen, a review step with the counts and
// the checks, a confirmation naming the number of people, and a progress page that tells
// the truth about a finished distribution.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { distributions } from "../src/db/schema";
import { createDistribution } from "../src/distributions/create";
import { BUILT_IN_OWNER } from "../src/organisers/service";
import {
  engine,
  publishedReport,
  RecordingQueue,
  seedAttendees,
  seedSubscribers,
  topic,
} from "./support/distribution";
import { ADMIN, call, db, form, ownerCookie, uniqueEmail } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

const page = async (path: string) => {
  const res = await call(path, { headers: ADMIN });
  expect(res.status, path).toBe(200);
  return res.text();
};

const review = (id: string, query: string) =>
  call(`/admin/reports/${id}/distributions/review?${query}`, { headers: ADMIN });

const notice = (res: Response) =>
  new URL(res.headers.get("Location") ?? "", "https://x").searchParams.get("notice");

/** A published report of a workshop with 1 confirmed attendee, and a topic with 2 subscribers. */
async function scene() {
  const slug = `send-${crypto.randomUUID().slice(0, 8)}`;
  const t = await topic(slug);
  const other = await topic(`${slug}-other`);
  await seedSubscribers([
    { email: uniqueEmail("s"), topicIds: [t.id] },
    { email: uniqueEmail("s"), topicIds: [t.id, other.id] },
    { email: uniqueEmail("s"), topicIds: [other.id] },
  ]);
  const w = await createWorkshop();
  await seedAttendees(w.id, [{ email: uniqueEmail("a"), name: "Attendee" }]);
  const report = await publishedReport({ workshopId: w.id });
  return { report, t, other, w };
}

describe("the send screen", () => {
  it("preselects nothing, and asks for an audience when nothing is chosen", async () => {
    const { report } = await scene();
    const html = await page(`/admin/reports/${report.id}`);
    const picker = html.slice(html.indexOf("data-audience-picker"));
    const formHtml = picker.slice(0, picker.indexOf("</form>"));
    expect(formHtml).toContain('name="topics"');
    expect(formHtml).toContain('name="attendees" value="confirmed"');
    expect(formHtml).toContain('name="subscribers" value="all"');
    expect(formHtml).not.toContain("checked");
    expect(html).toContain(
      `method="get" action="/admin/reports/${report.id}/distributions/review"`,
    );

    const empty = await review(report.id, "");
    expect(empty.status).toBe(303);
    expect(notice(empty)).toContain("Choose an audience");
    const posted = await form(`/admin/reports/${report.id}/distributions`, {}, await ownerCookie());
    expect(posted.status).toBe(303);
    expect(notice(posted)).toContain("Choose an audience");
    expect(
      await db().select().from(distributions).where(eq(distributions.reportId, report.id)),
    ).toEqual([]);
  });

  it("reviews the counts per source and in total, then sends to that many on confirmation", async () => {
    const { report, t, other, w } = await scene();
    const res = await review(
      report.id,
      `topics=${t.slug}&topics=${other.slug}&attendees=confirmed`,
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/Subscribers of Topic [^<]+<\/th><td>2<\/td>/);
    expect(html).toMatch(/Attendees of the workshop, confirmed<\/th><td>1<\/td>/);
    // 3 subscribers (one in both topics, counted once) and 1 attendee.
    expect(html).toContain('<td data-review-total="true">4</td>');
    expect(html).toContain("counts once in the total");
    expect(html).toContain("Send to 4 people");
    expect(html).not.toContain("data-review-errors");
    expect(html).not.toContain("I have read the warnings");

    const sent = await form(
      `/admin/reports/${report.id}/distributions`,
      { topics: t.slug, attendees: "confirmed", confirm: "yes" },
      await ownerCookie(),
    );
    expect(sent.status, notice(sent) ?? "").toBe(303);
    expect(sent.headers.get("Location")).toMatch(/^\/admin\/distributions\/dst_/);
    const [row] = await db()
      .select()
      .from(distributions)
      .where(eq(distributions.reportId, report.id));
    expect(row!.audience).toEqual({
      topics: [t.slug],
      attendeesOf: { workshopId: w.id, statuses: ["confirmed"] },
    });
  });

  it("every subscriber is a choice of its own, with the attendees too", async () => {
    const { report } = await scene();
    const html = await (await review(report.id, "subscribers=all&attendees=confirmed")).text();
    expect(html).toContain("Every active subscriber");
    expect(html).toContain('name="subscribers" value="all"');
    expect(html).toMatch(/Send to \d+ people/);
  });

  it("hides the send button when a check fails", async () => {
    const empty = await topic(`empty-${crypto.randomUUID().slice(0, 8)}`);
    const report = await publishedReport();
    const html = await (await review(report.id, `topics=${empty.slug}`)).text();
    expect(html).toContain("data-review-errors");
    expect(html).toContain("Nobody is in this audience.");
    expect(html).not.toContain("Send to");
    expect(html).not.toContain(`action="/admin/reports/${report.id}/distributions"`);
  });

  it("needs the warnings read before sending, and a refused send returns to the review", async () => {
    const t = await topic(`warn-${crypto.randomUUID().slice(0, 8)}`);
    await seedSubscribers([{ email: uniqueEmail("ar"), language: "ar", topicIds: [t.id] }]);
    const report = await publishedReport({
      versions: [{ language: "en", title: "Only English", summary: "S.", body: "Body." }],
    });
    const html = await (await review(report.id, `topics=${t.slug}`)).text();
    expect(html).toContain("data-review-warnings");
    expect(html).toContain('name="confirm" value="yes" required=""');
    expect(html).toContain("I have read the warnings");
    expect(html).toContain("Send to 1 person");

    const refused = await form(
      `/admin/reports/${report.id}/distributions`,
      { topics: t.slug },
      await ownerCookie(),
    );
    expect(refused.status).toBe(303);
    expect(refused.headers.get("Location")).toContain(
      `/admin/reports/${report.id}/distributions/review?topics=${t.slug}`,
    );
    expect(notice(refused)).toContain("after reading the warnings");
  });
});

describe("the progress page", () => {
  it("says a finished distribution is completed and offers no cancel", async () => {
    const t = await topic(`done-${crypto.randomUUID().slice(0, 8)}`);
    await seedSubscribers([{ email: uniqueEmail("s"), topicIds: [t.id] }]);
    const report = await publishedReport();
    const ctx = engine(new RecordingQueue());
    const d = await createDistribution(ctx, BUILT_IN_OWNER, report.id, { topics: [t.slug] });
    const running = await page(`/admin/distributions/${d.id}`);
    expect(running).toContain("Preparing: rendering the email");
    expect(running).toContain(`/admin/distributions/${d.id}/cancel`);
    // Left in the "audience" stage, as distributions made before the render stage are.
    await db()
      .update(distributions)
      .set({ status: "completed", stage: "audience", completedAt: new Date() })
      .where(eq(distributions.id, d.id));
    const done = await page(`/admin/distributions/${d.id}`);
    expect(done).toContain('<strong data-state="true">Completed</strong>');
    expect(done).not.toContain("Preparing");
    expect(done).not.toContain("/cancel");
    expect(done).not.toContain("data-progress=");
  });
});
