// Answering the survey through the personal link (/f/{token}). The link names the
// registration (a signed token, purpose `feedback`); the answer does not. An answer is
// written as a row with a random id, the ratings and the free text (sealed under the
// workshop's key), and nothing else: no registration, no time. On the person's side only a
// flag, `answered`, is set, in the same batch, so each person answers once. An answer cannot
// be changed afterwards: finding it again would need exactly the link to the person that
// the design leaves out.
import { and, eq, sql } from "drizzle-orm";
import { runBatch } from "../db/client";
import { allInBatch } from "../db/raw";
import { feedbackAnswers, feedbackRecipients, feedbackSurveys, registrations } from "../db/schema";
import { dictionary, fill, type Lang } from "../i18n";
import { isForgotten } from "../lib/forgotten";
import { cleanText } from "../lib/text";
import { newId } from "../lib/tokens";
import { openRecipients, RECIPIENT_COLUMNS } from "../registrations/sealed";
import { resolveToken } from "../registrations/tokens";
import type { Services } from "../services";
import { sealFields } from "../vault/fields";
import { getWorkshop } from "../workshops/service";
import type { Workshop } from "../workshops/types";
import type { FeedbackQuestion } from "./survey";

export const TEXT_MAX = 2_000;
export const ANSWERS_TABLE = "feedback_answers";

export interface SurveyLink {
  registrationId: string;
  language: Lang;
  workshop: Workshop;
  questions: FeedbackQuestion[];
  answered: boolean;
  /** Switched off by the organiser since it was sent: no answers taken. */
  closed: boolean;
}

/**
 * What a survey link opens, or null when it does not (not genuine, expired, never sent, the
 * person erased, the workshop's data purged). Reads only: a GET shows it.
 */
export async function findSurveyLink(
  svc: Pick<Services, "db" | "vault" | "settings" | "now">,
  token: string,
): Promise<SurveyLink | null> {
  const { db } = svc;
  const id = await resolveToken(db, svc.settings.tokenSecret, "feedback", token, svc.now());
  if (!id) return null;
  const [row] = await db
    .select({
      person: RECIPIENT_COLUMNS,
      workshopId: feedbackRecipients.workshopId,
      answered: feedbackRecipients.answered,
    })
    .from(feedbackRecipients)
    .innerJoin(registrations, eq(registrations.id, feedbackRecipients.registrationId))
    .where(eq(feedbackRecipients.registrationId, id));
  if (!row) return null;
  const workshop = await getWorkshop(db, row.workshopId);
  if (workshop.purgedAt) return null;
  const [person] = await openRecipients(await svc.vault.workshop(workshop.id), [row.person]);
  if (!person || isForgotten(person.email)) return null;
  const survey = await db.query.feedbackSurveys.findFirst({
    where: eq(feedbackSurveys.workshopId, workshop.id),
  });
  return {
    registrationId: id,
    language: person.language,
    workshop,
    questions: survey?.questions ?? [],
    answered: row.answered,
    closed: !survey?.enabled,
  };
}

export interface ParsedAnswers {
  ratings: Record<string, number>;
  texts: Record<string, string>;
}

/**
 * The answers as posted (form fields or JSON, one per question id), checked against the
 * questions: every error at once, by question id, in the reader's language.
 */
export function parseAnswers(
  questions: FeedbackQuestion[],
  posted: Record<string, unknown>,
  lang: Lang,
): { ok: true; answers: ParsedAnswers } | { ok: false; errors: Record<string, string> } {
  const t = dictionary(lang).feedback;
  const ratings: Record<string, number> = {};
  const texts: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const q of questions) {
    const value = posted[q.id];
    const raw = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
    const given = cleanText(raw);
    if (q.type === "rating") {
      if (!given) {
        if (q.required) errors[q.id] = t.chooseRating;
      } else if (!/^[1-5]$/.test(given)) errors[q.id] = t.chooseRating;
      else ratings[q.id] = Number(given);
    } else if (!given) {
      if (q.required) errors[q.id] = t.answerRequired;
    } else if (given.length > TEXT_MAX)
      errors[q.id] = fill(t.tooLong, { max: TEXT_MAX.toLocaleString(lang) });
    else texts[q.id] = given.replace(/\r\n?/g, "\n");
  }
  return Object.keys(errors).length
    ? { ok: false, errors }
    : { ok: true, answers: { ratings, texts } };
}

/**
 * Records an answer, once per person: the answer row is inserted only while the person's
 * flag is unset, and the flag set, in one batch (one transaction), so two submissions at
 * once record one. Returns false when the person had answered already.
 */
export async function submitAnswers(
  svc: Pick<Services, "db" | "vault">,
  link: SurveyLink,
  answers: ParsedAnswers,
): Promise<boolean> {
  const { db } = svc;
  const id = newId("fba");
  const workshopId = link.workshop.id;
  let comments: string | null = null;
  if (Object.keys(answers.texts).length) {
    const key = await svc.vault.workshopToSeal(workshopId);
    // No key: the workshop's data was erased meanwhile; the text is not kept in the clear.
    if (!key) return false;
    comments = (
      await sealFields(key, ANSWERS_TABLE, id, { comments: JSON.stringify(answers.texts) })
    ).comments;
  }
  const pending = sql`EXISTS (SELECT 1 FROM ${feedbackRecipients} WHERE ${feedbackRecipients.registrationId} = ${link.registrationId} AND ${feedbackRecipients.answered} = 0)`;
  const [inserted] = await runBatch(db, [
    allInBatch<{ id: string }>(
      db,
      sql`INSERT INTO ${feedbackAnswers} (id, workshop_id, ratings, comments)
          SELECT ${id}, ${workshopId}, ${JSON.stringify(answers.ratings)}, ${comments}
          WHERE ${pending} RETURNING id`,
    ),
    db
      .update(feedbackRecipients)
      .set({ answered: true })
      .where(
        and(
          eq(feedbackRecipients.registrationId, link.registrationId),
          eq(feedbackRecipients.answered, false),
        ),
      ),
  ]);
  return inserted.length > 0;
}
