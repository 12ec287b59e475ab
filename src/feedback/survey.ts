// A workshop's feedback survey: a few questions, each a 1–5 rating or free text, worded per
// language by the organiser; a default one so an organiser can simply turn it on. Once the
// survey has gone out to anyone, its questions are fixed (answers are keyed by question), and
// only switching it on or off remains. Every change is audited.
import { z } from "@hono/zod-openapi";
import { count, eq } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { type FeedbackQuestion, feedbackRecipients, feedbackSurveys } from "../db/schema";
import { dictionary, LANGS, type Lang } from "../i18n";
import { conflict } from "../lib/errors";
import { cleanText } from "../lib/text";
import { getWorkshop } from "../workshops/service";

export type { FeedbackQuestion };

export const QUESTION_TYPES = ["rating", "text"] as const;
export const MAX_QUESTIONS = 10;
export const LABEL_MAX = 300;

const Label = z
  .partialRecord(
    z.enum(LANGS),
    z.string().max(LABEL_MAX, `Keep each wording under ${LABEL_MAX} characters.`),
  )
  .openapi({ description: 'The question per language: `{ "en": "…", "ar": "…" }`.' });

export const QuestionInputSchema = z
  .object({
    type: z.enum(QUESTION_TYPES).openapi({ description: "rating: 1 to 5; text: free text" }),
    required: z.boolean().default(false),
    label: Label,
  })
  .superRefine((q, ctx) => {
    if (!LANGS.some((l) => cleanText(q.label[l] ?? "")))
      ctx.addIssue({
        code: "custom",
        path: ["label"],
        message: "Word the question in at least one language.",
      });
  });

export const SurveyInputSchema = z
  .object({
    enabled: z.boolean().openapi({
      description: "true: emailed once, after the workshop ends, to those who attended",
    }),
    questions: z
      .array(QuestionInputSchema)
      .min(1, "Ask at least one question.")
      .max(MAX_QUESTIONS, `Ask at most ${MAX_QUESTIONS} questions.`)
      .optional()
      .openapi({
        description:
          "The questions, in order. Left out: the questions saved before, or the default survey (overall rating, usefulness, comments).",
      }),
  })
  .openapi("FeedbackSurveyInput");

export type SurveyInput = z.infer<typeof SurveyInputSchema>;

export interface Survey {
  workshopId: string;
  enabled: boolean;
  questions: FeedbackQuestion[];
  /** How many people it was sent to: once any, its questions are fixed. */
  sent: number;
  /** Saved by the organiser; false: the default survey, not yet saved. */
  saved: boolean;
}

/** The default survey: overall rating, usefulness (both required), a comment (optional). */
export function defaultQuestions(): FeedbackQuestion[] {
  const label = (key: "defaultOverall" | "defaultUseful" | "defaultComments") =>
    Object.fromEntries(LANGS.map((l) => [l, dictionary(l).feedback[key]])) as Record<Lang, string>;
  return [
    { id: "q1", type: "rating", required: true, label: label("defaultOverall") },
    { id: "q2", type: "rating", required: true, label: label("defaultUseful") },
    { id: "q3", type: "text", required: false, label: label("defaultComments") },
  ];
}

/** Questions as stored: wording cleaned, empty languages dropped, ids by position. */
export function cleanQuestions(input: z.infer<typeof QuestionInputSchema>[]): FeedbackQuestion[] {
  return input.map((q, i) => {
    const label: Partial<Record<Lang, string>> = {};
    for (const l of LANGS) {
      const text = cleanText(q.label[l] ?? "").replace(/\s+/g, " ");
      if (text) label[l] = text;
    }
    return { id: `q${i + 1}`, type: q.type, required: q.required, label };
  });
}

/** The wording for a reader of `lang`, else another language's, with that language. */
export function questionLabel(q: FeedbackQuestion, lang: Lang): { text: string; lang: Lang } {
  for (const l of [lang, ...LANGS.filter((x) => x !== lang)]) {
    const text = q.label[l];
    if (text) return { text, lang: l };
  }
  return { text: q.id, lang };
}

async function sentCount(db: Db, workshopId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(feedbackRecipients)
    .where(eq(feedbackRecipients.workshopId, workshopId));
  return row?.n ?? 0;
}

/** The workshop's survey: the saved one, else the default (off). */
export async function getSurvey(db: Db, workshopId: string): Promise<Survey> {
  const [row, sent] = await Promise.all([
    db.query.feedbackSurveys.findFirst({ where: eq(feedbackSurveys.workshopId, workshopId) }),
    sentCount(db, workshopId),
  ]);
  return {
    workshopId,
    enabled: row?.enabled ?? false,
    questions: row?.questions ?? defaultQuestions(),
    sent,
    saved: Boolean(row),
  };
}

const sameQuestions = (a: FeedbackQuestion[], b: FeedbackQuestion[]) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * Saves the survey (turning it on or off, new questions). A workshop whose data was erased
 * has no one left to ask; a survey already sent keeps its questions (409).
 */
export async function setSurvey(
  db: Db,
  actor: Actor,
  workshopId: string,
  input: SurveyInput,
  now: Date,
): Promise<Survey> {
  const workshop = await getWorkshop(db, workshopId);
  if (workshop.purgedAt) throw conflict("This workshop's data was erased: there is nobody to ask.");
  const current = await getSurvey(db, workshopId);
  const questions = input.questions ? cleanQuestions(input.questions) : current.questions;
  if (current.sent > 0 && !sameQuestions(questions, current.questions))
    throw conflict("The survey went out already: its questions can no longer change.", [
      { path: "questions", message: "The survey went out already: its questions are fixed." },
    ]);
  await runBatch(db, [
    db
      .insert(feedbackSurveys)
      .values({ workshopId, enabled: input.enabled, questions, updatedAt: now })
      .onConflictDoUpdate({
        target: feedbackSurveys.workshopId,
        set: { enabled: input.enabled, questions, updatedAt: now },
      }),
    auditInsert(db, actor, {
      action: "feedback.survey.set",
      targetType: "workshop",
      targetId: workshopId,
      detail: {
        enabled: input.enabled,
        questions: questions.length,
        changed: !sameQuestions(questions, current.questions),
      },
    }),
  ]);
  return getSurvey(db, workshopId);
}

export function surveyJson(s: Survey) {
  return {
    enabled: s.enabled,
    questions: s.questions,
    sent: s.sent,
    saved: s.saved,
  };
}
