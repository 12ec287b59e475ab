import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mailboxMessages, reportVersions } from "../src/db/schema";
import { createDistribution } from "../src/distributions/create";
import { audiencePreview, presendChecks } from "../src/distributions/presend";
import { DevMailboxTransport } from "../src/mail/dev-mailbox";
import { BUILT_IN_OWNER } from "../src/organisers/service";
import { fromForm } from "../src/reports/form";
import {
  distributionRow,
  drain,
  engine,
  RecordingQueue,
  seedAttendees,
  seedSubscribers,
  topic,
} from "./support/distribution";
import { ADMIN, call, db, json, suppress, uniqueEmail } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

interface Checks {
  counts: {
    total: number;
    byLanguage: { en: number; ar: number };
    fallback: { en: number; ar: number };
  };
  errors: { code: string; message: string }[];
  warnings: { code: string; message: string }[];
}

const EN = { language: "en", title: "What the workshop concluded", body: "Three points." };
const AR = { language: "ar", title: "خلاصات الورشة", body: "ثلاث نقاط." };

async function report(versions: unknown[], extra: Record<string, unknown> = {}, publish = true) {
  const res = await json(
    "/api/v1/reports",
    "POST",
    { defaultLanguage: "en", versions, ...extra },
    ADMIN,
  );
  expect(res.status, await res.clone().text()).toBe(201);
  const r = (await res.json()) as { id: string; versions: { language: string; state: string }[] };
  if (publish)
    expect((await json(`/api/v1/reports/${r.id}/publish`, "POST", {}, ADMIN)).status).toBe(200);
  return r;
}

async function checks(id: string, audience: Record<string, unknown>): Promise<Checks> {
  const res = await json(`/api/v1/reports/${id}/checks`, "POST", audience, ADMIN);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Checks;
}

const send = (id: string, body: Record<string, unknown>) =>
  json(`/api/v1/reports/${id}/distributions`, "POST", body, ADMIN);

const codes = (list: { code: string }[]) => list.map((c) => c.code);

/** A new topic with `n` active subscribers in a language. */
async function audienceOf(n: number, language: "en" | "ar" = "en") {
  const t = await topic(`pre-${Math.random().toString(36).slice(2, 10)}`);
  await seedSubscribers(
    Array.from({ length: n }, () => ({ email: uniqueEmail("pre"), language, topicIds: [t.id] })),
  );
  return t;
}

describe("translation status", () => {
  it("is ready unless said otherwise, and an update without it keeps a draft a draft", async () => {
    const r = await report([EN, { ...AR, state: "draft" }], {}, false);
    expect(Object.fromEntries(r.versions.map((v) => [v.language, v.state]))).toEqual({
      en: "ready",
      ar: "draft",
    });
    const res = await json(`/api/v1/reports/${r.id}`, "PATCH", { versions: [EN, AR] }, ADMIN);
    const updated = (await res.json()) as typeof r;
    expect(updated.versions.find((v) => v.language === "ar")!.state).toBe("draft");
    // The admin form's select per language.
    expect(
      fromForm({
        "en.title": "T",
        "en.body": "B",
        "en.state": "ready",
        "ar.title": "ع",
        "ar.state": "draft",
      }).versions.map((v) => v.state),
    ).toEqual(["ready", "draft"]);
  });

  it("counts recipients per language, and those sent the fallback; a send records only ready versions", async () => {
    const r = await report([EN, { ...AR, state: "draft" }]);
    const t = await topic(`lang-${Date.now()}`);
    const suppressed = uniqueEmail("supp");
    await seedSubscribers([
      { email: uniqueEmail("en"), language: "en", topicIds: [t.id] },
      { email: uniqueEmail("en"), language: "en", topicIds: [t.id] },
      { email: uniqueEmail("ar"), language: "ar", topicIds: [t.id] },
      { email: uniqueEmail("ar"), language: "ar", topicIds: [t.id] },
      { email: uniqueEmail("ar"), language: "ar", topicIds: [t.id], status: "unsubscribed" },
      { email: suppressed, language: "ar", topicIds: [t.id] },
    ]);
    await suppress(suppressed);
    const w = await createWorkshop();
    await seedAttendees(w.id, [
      { email: uniqueEmail("att"), name: "Arabic reader", language: "ar" },
      { email: uniqueEmail("att"), name: "Declined", language: "en", receiveReport: false },
    ]);
    const audience = { topics: [t.slug], attendeesOf: { workshopId: w.id } };
    const result = await checks(r.id, audience);
    expect(result.counts).toEqual({
      total: 5,
      byLanguage: { en: 5, ar: 0 },
      fallback: { en: 0, ar: 3 },
    });
    expect(result.errors).toEqual([]);
    expect(codes(result.warnings)).toEqual(["language_not_ready"]);
    expect(result.warnings[0]!.message).toContain("3 recipient(s) chose Arabic");
    // The service function alone, subscribers only.
    const ctx = engine(new RecordingQueue());
    expect(await audiencePreview(ctx, r.id, { topics: [t.slug] })).toEqual({
      total: 4,
      byLanguage: { en: 4, ar: 0 },
      fallback: { en: 0, ar: 2 },
    });
    // Marked ready: every reader gets their own language.
    await db()
      .update(reportVersions)
      .set({ state: "ready" })
      .where(and(eq(reportVersions.reportId, r.id), eq(reportVersions.language, "ar")));
    expect((await checks(r.id, audience)).counts.byLanguage).toEqual({ en: 2, ar: 3 });
  });

  it("sends a draft language's readers the default language", async () => {
    const r = await report([EN, { ...AR, state: "draft" }]);
    const t = await topic(`draft-${Date.now()}`);
    const reader = uniqueEmail("arreader");
    await seedSubscribers([{ email: reader, language: "ar", topicIds: [t.id] }]);
    const queue = new RecordingQueue();
    const ctx = engine(queue);
    const d = await createDistribution(ctx, BUILT_IN_OWNER, r.id, { topics: [t.slug] });
    expect(d.content!.map((v) => v.language)).toEqual(["en"]);
    await drain(ctx, queue, new DevMailboxTransport(db()));
    expect((await distributionRow(d.id)).status).toBe("completed");
    const mail = await db().query.mailboxMessages.findFirst({
      where: eq(mailboxMessages.to, reader),
    });
    expect(mail!.subject).toBe(EN.title);
  });
});

describe("the audience count", () => {
  it("is exact: one per address, suppressed attendees out, each consent on its own", async () => {
    const w = await createWorkshop();
    const r = await report([EN, AR], { workshopId: w.id });
    const t = await topic(`exact-${Math.random().toString(36).slice(2, 10)}`);
    const both = uniqueEmail("both");
    const unsubscribed = uniqueEmail("unsub");
    const suppressed = uniqueEmail("listed");
    const declined = uniqueEmail("declined");
    await seedSubscribers([
      { email: both, language: "en", topicIds: [t.id] },
      { email: uniqueEmail("sub"), language: "en", topicIds: [t.id] },
      // Left the newsletter, kept the workshop's report: counted as an attendee.
      { email: unsubscribed, language: "ar", topicIds: [t.id], status: "unsubscribed" },
    ]);
    await seedAttendees(w.id, [
      // Subscribed too (in another language): one email, in the subscription's language.
      { email: both, name: "Both", language: "ar" },
      { email: unsubscribed, name: "Unsubscribed", language: "ar" },
      { email: suppressed, name: "Suppressed", language: "en" },
      { email: declined, name: "Declined", language: "en", receiveReport: false },
      { email: uniqueEmail("att"), name: "Attendee", language: "ar" },
    ]);
    await suppress(suppressed);
    const audience = {
      topics: [t.slug],
      attendeesOf: { workshopId: w.id, statuses: ["confirmed" as const] },
    };
    // The estimate said 2 subscribers + 4 attendees = 6.
    const expected = { total: 4, byLanguage: { en: 2, ar: 2 }, fallback: { en: 0, ar: 0 } };
    expect((await checks(r.id, audience)).counts).toEqual(expected);
    const queue = new RecordingQueue();
    const ctx = engine(queue);
    expect(await audiencePreview(ctx, r.id, audience)).toEqual(expected);
    // Attendees alone: the suppressed one is out, the subscribed one in.
    expect(await audiencePreview(ctx, r.id, { attendeesOf: audience.attendeesOf })).toMatchObject({
      total: 3,
      byLanguage: { en: 0, ar: 3 },
    });
    // The review page: each source alone, and the total.
    const html = await (
      await call(
        `/admin/reports/${r.id}/distributions/review?topics=${t.slug}&attendees=confirmed`,
        { headers: ADMIN },
      )
    ).text();
    expect(html).toMatch(/Subscribers of Topic [^<]+<\/th><td>2<\/td>/);
    expect(html).toMatch(/Attendees of the workshop, confirmed<\/th><td>3<\/td>/);
    expect(html).toContain('<td data-review-total="true">4</td>');
    // And the send itself reaches exactly that many.
    const d = await createDistribution(ctx, BUILT_IN_OWNER, r.id, audience);
    await drain(ctx, queue, new DevMailboxTransport(db()));
    expect(await distributionRow(d.id)).toMatchObject({ status: "completed", sent: 4 });
  });
});

describe("pre-send checks", () => {
  it("block a send when no version is ready (422, listed)", async () => {
    const r = await report([{ ...EN, state: "draft" }]);
    const t = await audienceOf(1);
    expect(codes((await checks(r.id, { topics: [t.slug] })).errors)).toContain("no_version_ready");
    const res = await send(r.id, { topics: [t.slug], confirm: true });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toContain("no_version_ready");
  });

  it("need confirmation when a chosen language is missing (409 without confirm, 201 with)", async () => {
    const r = await report([EN]);
    const t = await audienceOf(2, "ar");
    const result = await checks(r.id, { topics: [t.slug] });
    expect(result.counts.fallback).toEqual({ en: 0, ar: 2 });
    expect(result.warnings[0]!.message).toContain("missing");
    const refused = await send(r.id, { topics: [t.slug] });
    expect(refused.status).toBe(409);
    const problem = (await refused.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(["language_not_ready"]);
    expect((await send(r.id, { topics: [t.slug], confirm: true })).status).toBe(201);
  });

  it("refuse an empty subject and warn about one over 100 characters", async () => {
    const long = await report([{ ...EN, title: "A".repeat(101) }]);
    const t = await audienceOf(1);
    expect(codes((await checks(long.id, { topics: [t.slug] })).warnings)).toEqual(["subject_long"]);
    expect((await send(long.id, { topics: [t.slug] })).status).toBe(409);
    const empty = await report([EN]);
    // The API and the form refuse an empty title; a row written otherwise is still caught.
    await db()
      .update(reportVersions)
      .set({ title: "  " })
      .where(eq(reportVersions.reportId, empty.id));
    expect(codes((await checks(empty.id, { topics: [t.slug] })).errors)).toEqual(["subject_empty"]);
  });

  it("warn when the email is over Gmail's 102 KB clipping size", async () => {
    const paragraph = `${"Findings of the regional dialogue on water. ".repeat(20)}\n\n`;
    const r = await report([{ ...EN, body: paragraph.repeat(130) }]);
    const t = await audienceOf(1);
    const result = await checks(r.id, { topics: [t.slug] });
    expect(codes(result.warnings)).toEqual(["email_clipped"]);
    expect(result.errors).toEqual([]);
  });

  it("warn about links in the body that do not answer, and not about those that do", async () => {
    const r = await report([
      {
        ...EN,
        body: [
          "Read [the brief](https://links.test/ok) and <https://links.test/no-head>.",
          "The old page https://links.test/missing, and [a slow one](https://links.test/slow).",
        ].join("\n\n"),
      },
    ]);
    const t = await audienceOf(1);
    const started = Date.now();
    const result = await checks(r.id, { topics: [t.slug] });
    // Each link is asked at most for the timeout, all at once.
    expect(Date.now() - started).toBeLessThan(15_000);
    const broken = result.warnings.filter((w) => w.code === "link_broken").map((w) => w.message);
    expect(broken).toHaveLength(2);
    expect(broken.join(" ")).toContain("https://links.test/missing (English) answers 404");
    expect(broken.join(" ")).toContain(
      "https://links.test/slow (English) did not answer within 4 s",
    );
    expect(broken.join(" ")).not.toContain("/ok");
    expect(broken.join(" ")).not.toContain("no-head");
  });

  it("refuse a send with no sender address configured", async () => {
    const r = await report([EN]);
    const t = await audienceOf(1);
    const ctx = engine(new RecordingQueue());
    const noSender = { ...ctx, settings: { ...ctx.settings, mailFrom: "" } };
    const result = await presendChecks(noSender, BUILT_IN_OWNER, r.id, { topics: [t.slug] });
    expect(codes(result.errors)).toEqual(["sender_missing"]);
    expect(
      codes((await presendChecks(ctx, BUILT_IN_OWNER, r.id, { topics: [t.slug] })).errors),
    ).toEqual([]);
  });

  it("refuse a scheduled time in the past, accept one ahead", async () => {
    const r = await report([EN]);
    const t = await audienceOf(1);
    const past = new Date(Date.now() - 3600_000).toISOString();
    expect(codes((await checks(r.id, { topics: [t.slug], scheduledAt: past })).errors)).toEqual([
      "scheduled_in_past",
    ]);
    expect((await send(r.id, { topics: [t.slug], scheduledAt: past })).status).toBe(422);
    const ahead = new Date(Date.now() + 3600_000).toISOString();
    const res = await send(r.id, { topics: [t.slug], scheduledAt: ahead });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { status: string }).status).toBe("scheduled");
  });

  it("refuse an audience of nobody", async () => {
    const r = await report([EN]);
    const t = await audienceOf(0);
    const result = await checks(r.id, { topics: [t.slug] });
    expect(result.counts.total).toBe(0);
    expect(codes(result.errors)).toEqual(["audience_empty"]);
    expect((await send(r.id, { topics: [t.slug], confirm: true })).status).toBe(422);
  });

  it("warn when the audience is much larger than the last send to it (a wrong list?)", async () => {
    const first = await report([EN]);
    const t = await audienceOf(2);
    const queue = new RecordingQueue();
    const ctx = engine(queue);
    const d = await createDistribution(ctx, BUILT_IN_OWNER, first.id, { topics: [t.slug] });
    await drain(ctx, queue, new DevMailboxTransport(db()));
    expect((await distributionRow(d.id)).status).toBe("completed");
    const second = await report([EN]);
    await seedSubscribers(
      Array.from({ length: 3 }, () => ({ email: uniqueEmail("grow"), topicIds: [t.id] })),
    );
    // 5 is more than twice 2, but not 50 more: no warning.
    expect((await checks(second.id, { topics: [t.slug] })).warnings).toEqual([]);
    await seedSubscribers(
      Array.from({ length: 60 }, () => ({ email: uniqueEmail("grow"), topicIds: [t.id] })),
    );
    const result = await checks(second.id, { topics: [t.slug] });
    expect(codes(result.warnings)).toEqual(["audience_grown"]);
    expect(result.warnings[0]!.message).toContain("reached 2");
    expect((await send(second.id, { topics: [t.slug] })).status).toBe(409);
  });

  it("say an unpublished report cannot be sent, and still count its audience", async () => {
    const r = await report([EN], {}, false);
    const t = await audienceOf(1);
    const result = await checks(r.id, { topics: [t.slug] });
    expect(codes(result.errors)).toEqual(["not_published"]);
    expect(result.counts.total).toBe(1);
    expect((await send(r.id, { topics: [t.slug] })).status).toBe(409);
  });
});
