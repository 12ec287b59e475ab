// The feedback survey after a workshop: sent once after the end to those who attended, answered
// through a personal link whose GET changes nothing, one answer per person, kept apart from
// the person, shown to organisers as aggregates only from five answers on, purged with the
// workshop's data.
import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  emails,
  feedbackAnswers,
  feedbackRecipients,
  registrations,
  workshops,
} from "../src/db/schema";
import { DAILY, FREQUENT } from "../src/jobs/scheduled";
import { isSealed } from "../src/lib/crypto";
import { runCron } from "./support/cron";
import {
  ADMIN,
  call,
  db,
  emailsTo,
  form,
  json,
  latestEmail,
  ownerCookie,
  suppress,
  uniqueEmail,
} from "./support/helpers";
import { textOfEveryTable } from "./support/tables";
import { addPerson, createWorkshop } from "./support/workshops";

const HOUR = 3600_000;

async function workshopWithPeople(
  n: number,
  options: { checkIn?: number; overrides?: Record<string, unknown>; survey?: unknown } = {},
) {
  const w = await createWorkshop({ capacity: 20, ...options.overrides });
  const people = [];
  for (let i = 0; i < n; i++)
    people.push(
      await addPerson(w.id, {
        name: `Person ${i}`,
        email: uniqueEmail(`fb${i}`),
        language: i % 2 ? "ar" : "en",
      }),
    );
  for (const p of people.slice(0, options.checkIn ?? 0))
    expect((await json(`/api/v1/registrations/${p.id}/check-in`, "POST", {}, ADMIN)).status).toBe(
      200,
    );
  const res = await json(
    `/api/v1/workshops/${w.id}/feedback`,
    "PUT",
    options.survey ?? { enabled: true },
    ADMIN,
  );
  expect(res.status, await res.clone().text()).toBe(200);
  const row = (await db().query.workshops.findFirst({ where: eq(workshops.id, w.id) }))!;
  return { ...w, endsAt: row.endsAt, people };
}

const feedbackEmails = async (address: string) =>
  db()
    .select({ id: emails.id, props: emails.props })
    .from(emails)
    .where(and(emailsTo(address), eq(emails.kind, "workshop:feedback")));

/** The survey link in the outbox row (the consumer puts it where the placeholder stands). */
async function surveyToken(address: string): Promise<string> {
  const [row] = await feedbackEmails(address);
  expect(row, `a survey email to ${address}`).toBeDefined();
  const slots = Object.values(row!.props!.slots ?? {});
  const url = slots.find((s): s is string => typeof s === "string" && s.includes("/f/"));
  return url!.split("/f/")[1]!;
}

const answerRows = (workshopId: string) =>
  db().select().from(feedbackAnswers).where(eq(feedbackAnswers.workshopId, workshopId));

async function answeredFlags(workshopId: string) {
  const rows = await db()
    .select({ answered: feedbackRecipients.answered })
    .from(feedbackRecipients)
    .where(eq(feedbackRecipients.workshopId, workshopId));
  return rows.filter((r) => r.answered).length;
}

const answer = (token: string, fields: Record<string, string>, lang = "en") =>
  form(`/f/${token}?lang=${lang}`, fields);

describe("sending", () => {
  it("goes once, after the end, to the people checked in only, however often the cron runs", async () => {
    const w = await workshopWithPeople(4, { checkIn: 2 });
    await runCron(FREQUENT, w.endsAt.getTime() - HOUR);
    for (const p of w.people) expect(await feedbackEmails(p.email)).toHaveLength(0);

    // Two overlapping runs, then a third: one email each, to the two checked in.
    const after = w.endsAt.getTime() + 10 * 60_000;
    await Promise.all([runCron(FREQUENT, after), runCron(FREQUENT, after)]);
    await runCron(FREQUENT, after + 5 * 60_000);
    const counts = await Promise.all(
      w.people.map(async (p) => (await feedbackEmails(p.email)).length),
    );
    expect(counts).toEqual([1, 1, 0, 0]);

    // Someone checked in late is picked up by the next run; nobody gets a second one.
    expect(
      (await json(`/api/v1/registrations/${w.people[2]!.id}/check-in`, "POST", {}, ADMIN)).status,
    ).toBe(200);
    await runCron(FREQUENT, after + 10 * 60_000);
    const later = await Promise.all(
      w.people.map(async (p) => (await feedbackEmails(p.email)).length),
    );
    expect(later).toEqual([1, 1, 1, 0]);

    // The email itself: in the person's language, with the personal link and the reason.
    const mail = (await latestEmail(w.people[1]!.email, "workshop:feedback"))!;
    expect(mail.html).toContain('dir="rtl"');
    expect(mail.text).toMatch(/\/f\/fbk\./);
    expect(mail.text).toContain("لأنك شاركت في");
  });

  it("goes to the confirmed people when the workshop never used check-in", async () => {
    const w = await workshopWithPeople(2);
    await runCron(FREQUENT, w.endsAt.getTime() + 10 * 60_000);
    for (const p of w.people) expect(await feedbackEmails(p.email)).toHaveLength(1);
  });

  it("goes nowhere when it is off, and not to a suppressed address", async () => {
    const off = await workshopWithPeople(1, { survey: { enabled: false } });
    await runCron(FREQUENT, off.endsAt.getTime() + 10 * 60_000);
    expect(await feedbackEmails(off.people[0]!.email)).toHaveLength(0);

    const w = await workshopWithPeople(2);
    await suppress(w.people[0]!.email, "complaint");
    await runCron(FREQUENT, w.endsAt.getTime() + 10 * 60_000);
    expect(await feedbackEmails(w.people[0]!.email)).toHaveLength(0);
    expect(await feedbackEmails(w.people[1]!.email)).toHaveLength(1);
  });
});

describe("answering", () => {
  it("a GET changes nothing; one answer per person; bad input writes nothing", async () => {
    const w = await workshopWithPeople(2);
    await runCron(FREQUENT, w.endsAt.getTime() + 10 * 60_000);
    const [en, ar] = await Promise.all(w.people.map((p) => surveyToken(p.email)));

    const before = await textOfEveryTable();
    const page = await call(`/f/${en}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Overall, how would you rate the workshop?");
    expect(html).toContain('type="radio"');
    const arabic = await (await call(`/f/${ar}`)).text();
    expect(arabic).toContain('dir="rtl"');
    expect(arabic).toContain("بشكل عام");
    expect(await textOfEveryTable()).toEqual(before);

    // Missing required rating and an out-of-range one: the form again, nothing written.
    const bad = await answer(en!, { q1: "7", q3: "x" });
    expect(bad.status).toBe(422);
    const again = await bad.text();
    expect(again).toContain("Choose a number from 1 to 5.");
    expect(again).toContain(">x</textarea>");
    expect(await answerRows(w.id)).toHaveLength(0);
    expect(await answeredFlags(w.id)).toBe(0);

    const ok = await answer(en!, { q1: "4", q2: "5", q3: "Private remark by Person 0" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toContain("done=1");
    expect(await (await call(ok.headers.get("location")!)).text()).toContain("Thank you");
    const rows = await answerRows(w.id);
    expect(rows).toHaveLength(1);
    // No person, no time: the columns are the answer and nothing else.
    expect(Object.keys(rows[0]!).sort()).toEqual(["comments", "id", "ratings", "workshopId"]);
    expect(rows[0]!.ratings).toEqual({ q1: 4, q2: 5 });
    expect(isSealed(rows[0]!.comments)).toBe(true);
    expect(JSON.stringify(rows[0])).not.toContain(w.people[0]!.id);

    // Answering again is refused, and changes nothing.
    const twice = await answer(en!, { q1: "1", q2: "1" });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("already answered");
    expect(await answerRows(w.id)).toHaveLength(1);
    expect((await call(`/f/${en}`)).status).toBe(200);

    // Arabic errors in Arabic.
    const arBad = await answer(ar!, {}, "ar");
    expect(arBad.status).toBe(422);
    expect(await arBad.text()).toContain("اختر رقماً من 1 إلى 5.");
  });

  it("two submissions at once record one answer", async () => {
    const w = await workshopWithPeople(1);
    await runCron(FREQUENT, w.endsAt.getTime() + 10 * 60_000);
    const token = await surveyToken(w.people[0]!.email);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => answer(token, { q1: "3", q2: "3" })),
    );
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(await answerRows(w.id)).toHaveLength(1);
  });

  it("a link that is not genuine, or of another purpose, opens nothing", async () => {
    const w = await workshopWithPeople(1);
    await runCron(FREQUENT, w.endsAt.getTime() + 10 * 60_000);
    const token = await surveyToken(w.people[0]!.email);
    expect((await call(`/f/${token.slice(0, -2)}xx`)).status).toBe(404);
    expect((await call(`/f/${token.replace(/^fbk\./, "reg.")}`)).status).toBe(404);
    expect((await call(`/r/${token}`)).status).toBe(404);
    expect((await answer(`${token.slice(0, -2)}xx`, { q1: "3", q2: "3" })).status).toBe(404);
  });
});

describe("results", () => {
  it("show nothing under five answers, then aggregates, comments and a CSV", async () => {
    const w = await workshopWithPeople(6);
    await runCron(FREQUENT, w.endsAt.getTime() + 10 * 60_000);
    const tokens = await Promise.all(w.people.map((p) => surveyToken(p.email)));
    const marks = [5, 4, 4, 3, 5, 1];
    for (const [i, token] of tokens.slice(0, 4).entries())
      expect(
        (await answer(token, { q1: String(marks[i]), q2: "3", q3: i === 0 ? "" : `Comment ${i}` }))
          .status,
      ).toBe(303);

    const cookie = await ownerCookie();
    const early = (await (
      await call(`/api/v1/workshops/${w.id}/feedback/results`, { headers: ADMIN })
    ).json()) as Record<string, unknown>;
    expect(early).toEqual({ shown: false, sent: 6, minimum: 5 });
    expect(
      (await call(`/api/v1/workshops/${w.id}/feedback/results.csv`, { headers: ADMIN })).status,
    ).toBe(409);
    const pageEarly = await (
      await call(`/admin/workshops/${w.id}`, { headers: { Cookie: cookie } })
    ).text();
    expect(pageEarly).toContain("No results yet");
    expect(pageEarly).not.toContain("Comment 1");

    for (const [i, token] of tokens.slice(4).entries())
      expect(
        (await answer(token, { q1: String(marks[4 + i]), q2: "4", q3: `Comment ${4 + i}` })).status,
      ).toBe(303);

    const res = await call(`/api/v1/workshops/${w.id}/feedback/results`, { headers: ADMIN });
    const results = (await res.json()) as {
      shown: boolean;
      answers: number;
      questions: { id: string; average?: number; distribution?: number[]; comments?: string[] }[];
    };
    expect(results).toMatchObject({ shown: true, answers: 6 });
    const [overall, useful, comments] = results.questions;
    expect(overall).toMatchObject({ id: "q1", average: 3.67, distribution: [1, 0, 1, 2, 2] });
    expect(useful).toMatchObject({ average: 3.33, distribution: [0, 0, 4, 2, 0] });
    expect([...comments!.comments!].sort()).toEqual([
      "Comment 1",
      "Comment 2",
      "Comment 3",
      "Comment 4",
      "Comment 5",
    ]);
    // Nothing in what organisers read ties an answer to anyone.
    const text = JSON.stringify(results);
    for (const p of w.people) {
      expect(text).not.toContain(p.id);
      expect(text).not.toContain(p.email);
    }

    const csv = await call(`/api/v1/workshops/${w.id}/feedback/results.csv?excel=true`, {
      headers: ADMIN,
    });
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const body = new TextDecoder().decode(bytes);
    expect(body).toContain("question_id,type,question_en,question_ar,answered,average");
    expect(body).toContain("q1,rating,");
    expect(body).toContain("Comment 4");
    const audit = await db().query.auditLog.findFirst({
      where: (a, { eq }) => eq(a.action, "feedback.export"),
    });
    expect(audit).toBeDefined();

    const page = await (
      await call(`/admin/workshops/${w.id}`, { headers: { Cookie: cookie } })
    ).text();
    expect(page).toContain("6 answers from 6 people asked.");
    expect(page).toContain("Comment 5");
    expect(page).toContain("3.67");

    // The registrations organisers read say nothing of who answered.
    const list = await (
      await call(`/api/v1/workshops/${w.id}/registrations`, { headers: ADMIN })
    ).text();
    expect(list).not.toMatch(/answered|feedback/i);
  });

  it("are purged with the workshop's data", async () => {
    const w = await workshopWithPeople(1, { overrides: { retentionDays: 1 } });
    await runCron(FREQUENT, w.endsAt.getTime() + 10 * 60_000);
    const token = await surveyToken(w.people[0]!.email);
    expect((await answer(token, { q1: "2", q2: "2", q3: "Remark to purge" })).status).toBe(303);
    expect(await answerRows(w.id)).toHaveLength(1);
    await runCron(DAILY, w.endsAt.getTime() + 2 * 86_400_000);
    expect(await answerRows(w.id)).toHaveLength(0);
    // The link opens nothing once the workshop's data is gone.
    expect((await call(`/f/${token}`)).status).toBe(404);
  });
});

describe("the organiser's survey", () => {
  it("has a default, refuses bad questions with field errors, and fixes them once sent", async () => {
    const w = await createWorkshop();
    const read = await call(`/api/v1/workshops/${w.id}/feedback`, { headers: ADMIN });
    expect(await read.json()).toMatchObject({ enabled: false, saved: false, sent: 0 });

    const bad = await json(
      `/api/v1/workshops/${w.id}/feedback`,
      "PUT",
      {
        enabled: true,
        questions: [
          { type: "rating", label: { en: " " } },
          { type: "grade", label: {} },
        ],
      },
      ADMIN,
    );
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await bad.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(["questions.0.label", "questions.1.type"]),
    );

    const saved = await json(
      `/api/v1/workshops/${w.id}/feedback`,
      "PUT",
      {
        enabled: true,
        questions: [
          {
            type: "rating",
            required: true,
            label: { en: "How was the venue?", ar: "كيف كان المكان؟" },
          },
          { type: "text", label: { ar: "ملاحظات" } },
        ],
      },
      ADMIN,
    );
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({
      enabled: true,
      questions: [
        { id: "q1", type: "rating", required: true },
        { id: "q2", type: "text", required: false, label: { ar: "ملاحظات" } },
      ],
    });
    const audit = await db().query.auditLog.findFirst({
      where: (a, { and, eq }) => and(eq(a.action, "feedback.survey.set"), eq(a.targetId, w.id)),
    });
    expect(audit).toBeDefined();

    // The admin form: an unworded question is explained next to its fields.
    const cookie = await ownerCookie();
    const page = await form(
      `/admin/workshops/${w.id}/feedback`,
      { enabled: "true", q0_type: "rating", q0_en: "x".repeat(400) },
      cookie,
    );
    expect(page.status).toBe(422);
    expect(await page.text()).toContain("Keep each wording under 300 characters.");

    // Once sent, the questions are fixed; switching it off still works.
    await addPerson(w.id);
    const row = (await db().query.workshops.findFirst({ where: eq(workshops.id, w.id) }))!;
    await runCron(FREQUENT, row.endsAt.getTime() + 10 * 60_000);
    const [sent] = await db()
      .select({ n: count() })
      .from(feedbackRecipients)
      .where(eq(feedbackRecipients.workshopId, w.id));
    expect(sent?.n).toBe(1);
    const change = await json(
      `/api/v1/workshops/${w.id}/feedback`,
      "PUT",
      { enabled: true, questions: [{ type: "text", label: { en: "New?" } }] },
      ADMIN,
    );
    expect(change.status).toBe(409);
    const off = await json(`/api/v1/workshops/${w.id}/feedback`, "PUT", { enabled: false }, ADMIN);
    expect(off.status).toBe(200);
    expect(
      (await db().query.registrations.findMany({ where: eq(registrations.workshopId, w.id) }))
        .length,
    ).toBe(1);
  });
});
