// What organisers see of the answers: aggregates only, and nothing at all until at least
// MIN_ANSWERS people have answered (a handful of answers in a small room would tell who
// said what). Per rating question the average and how many gave each mark; the free text of
// each text question in a fresh random order on every view, so the order says nothing about
// who answered when. The same as CSV. Nothing here reads who answered: answers carry no link
// to a person (./answers.ts).
import { count, eq } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import type { Db, Statement } from "../db/client";
import { feedbackAnswers } from "../db/schema";
import { LANGS } from "../i18n";
import { toCsv } from "../lib/csv";
import type { Services } from "../services";
import { openFields } from "../vault/fields";
import { ANSWERS_TABLE } from "./answers";
import { type FeedbackQuestion, getSurvey } from "./survey";

/** Fewer answers than this, and organisers see nothing of them. */
export const MIN_ANSWERS = 5;

export type QuestionResult =
  | {
      question: FeedbackQuestion;
      /** How many gave a mark. */
      answered: number;
      average: number | null;
      /** How many gave 1, 2, 3, 4, 5. */
      distribution: [number, number, number, number, number];
    }
  | { question: FeedbackQuestion; comments: string[] };

export type Results =
  | { shown: false; sent: number; minimum: number }
  | { shown: true; sent: number; answers: number; questions: QuestionResult[] };

async function answerCount(db: Db, workshopId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(feedbackAnswers)
    .where(eq(feedbackAnswers.workshopId, workshopId));
  return row?.n ?? 0;
}

/** A uniformly random order (Fisher–Yates with crypto randomness). */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  const random = crypto.getRandomValues(new Uint32Array(out.length));
  for (let i = out.length - 1; i > 0; i--) {
    const j = random[i]! % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export async function feedbackResults(
  svc: Pick<Services, "db" | "vault">,
  workshopId: string,
): Promise<Results> {
  const { db } = svc;
  const [survey, n] = await Promise.all([getSurvey(db, workshopId), answerCount(db, workshopId)]);
  if (n < MIN_ANSWERS) return { shown: false, sent: survey.sent, minimum: MIN_ANSWERS };
  const rows = await db
    .select()
    .from(feedbackAnswers)
    .where(eq(feedbackAnswers.workshopId, workshopId));
  const key = await svc.vault.workshop(workshopId);
  const opened = await Promise.all(
    rows.map((row) => openFields(key, ANSWERS_TABLE, row, { comments: null })),
  );
  const texts = opened.map((row) => {
    if (!row.comments) return {} as Record<string, string>;
    try {
      return JSON.parse(row.comments) as Record<string, string>;
    } catch {
      return {};
    }
  });
  const questions: QuestionResult[] = survey.questions.map((question) => {
    if (question.type === "text")
      return {
        question,
        comments: shuffled(texts.map((t) => t[question.id]).filter((c): c is string => !!c)),
      };
    const marks = rows
      .map((row) => row.ratings[question.id])
      .filter((m): m is number => typeof m === "number" && m >= 1 && m <= 5);
    const distribution = [0, 0, 0, 0, 0] as [number, number, number, number, number];
    for (const m of marks) distribution[m - 1] = (distribution[m - 1] ?? 0) + 1;
    const average = marks.length
      ? Math.round((marks.reduce((a, b) => a + b, 0) / marks.length) * 100) / 100
      : null;
    return { question, answered: marks.length, average, distribution };
  });
  return { shown: true, sent: survey.sent, answers: n, questions };
}

export function resultsJson(r: Results) {
  if (!r.shown) return { shown: false, sent: r.sent, minimum: r.minimum };
  return {
    shown: true,
    sent: r.sent,
    answers: r.answers,
    questions: r.questions.map((q) =>
      "comments" in q
        ? { id: q.question.id, type: "text", label: q.question.label, comments: q.comments }
        : {
            id: q.question.id,
            type: "rating",
            label: q.question.label,
            answered: q.answered,
            average: q.average,
            distribution: q.distribution,
          },
    ),
  };
}

/** The results as CSV: a row per rating question, then a row per comment. Null under the minimum. */
export async function resultsCsv(
  svc: Pick<Services, "db" | "vault">,
  actor: Actor,
  workshopId: string,
): Promise<string | null> {
  const results = await feedbackResults(svc, workshopId);
  if (!results.shown) return null;
  const header = [
    "question_id",
    "type",
    ...LANGS.map((l) => `question_${l}`),
    "answered",
    "average",
    "rated_1",
    "rated_2",
    "rated_3",
    "rated_4",
    "rated_5",
    "comment",
  ];
  const labels = (q: FeedbackQuestion) => LANGS.map((l) => q.label[l] ?? "");
  const rows: (string | number | null)[][] = [];
  for (const r of results.questions)
    if (!("comments" in r))
      rows.push([
        r.question.id,
        "rating",
        ...labels(r.question),
        r.answered,
        r.average,
        ...r.distribution,
        null,
      ]);
  for (const r of results.questions)
    if ("comments" in r)
      for (const comment of r.comments)
        rows.push([
          r.question.id,
          "text",
          ...labels(r.question),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          comment,
        ]);
  await auditInsert(svc.db, actor, {
    action: "feedback.export",
    targetType: "workshop",
    targetId: workshopId,
    detail: { answers: results.answers },
  });
  return toCsv(header, rows);
}

/** The purge's part (src/people/retention.ts): the workshop's answers go, sealed text and all. */
export function forgetFeedback(db: Db, workshopId: string): Statement[] {
  return [db.delete(feedbackAnswers).where(eq(feedbackAnswers.workshopId, workshopId))];
}
