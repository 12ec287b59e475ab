// The survey goes out once, after the workshop's end (the 5-minute cron). Who gets it: the
// people checked in (`attended`); when nobody at all was checked in, the workshop did not use
// check-in, and its confirmed people are taken as its attendees. A hybrid workshop's online
// participants never pass the door: confirmed online counts as attended. Cron triggers overlap and
// repeat, so each person is claimed by one conditional insert (feedback_recipients, whose key
// is the registration) before their email is written: a cron that fires twice sends nothing
// twice, and someone checked in late is picked up by the next run. An address on the
// suppression list (bounces, complaints, erasures) is claimed but not emailed.
import { and, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import { templateEmail } from "../../emails";
import { type Db, runBatch } from "../db/client";
import { feedbackRecipients, feedbackSurveys, registrations, workshops } from "../db/schema";
import { dictionary, fill, type Lang } from "../i18n";
import { isForgotten } from "../lib/forgotten";
import type { EmailToSend } from "../mail/outbox";
import { placeholder } from "../mail/render";
import { openRecipients, RECIPIENT_COLUMNS } from "../registrations/sealed";
import { linkToken } from "../registrations/tokens";
import type { Services } from "../services";
import { suppressedAmong } from "../subscribers/suppression";
import { workshopKeyName } from "../vault/keys";
import type { Workshop } from "../workshops/types";

const DAY = 24 * 60 * 60 * 1000;

/** A survey turned on later than this after the end is not sent: memories have faded. */
export const SEND_WITHIN_DAYS = 30;
/** How long a survey link works once sent. */
export const LINK_DAYS = 30;

const PER_BATCH = 50;

const NAME = placeholder("NAME");
const LINK = placeholder("LINK");

/** The workshops whose survey is due: on, ended, not long ago, not cancelled or erased. */
function dueWorkshops(db: Db, now: Date) {
  return db
    .select({ workshop: workshops })
    .from(feedbackSurveys)
    .innerJoin(workshops, eq(workshops.id, feedbackSurveys.workshopId))
    .where(
      and(
        eq(feedbackSurveys.enabled, true),
        eq(workshops.status, "published"),
        isNull(workshops.purgedAt),
        lte(workshops.endsAt, now),
        gt(workshops.endsAt, new Date(now.getTime() - SEND_WITHIN_DAYS * DAY)),
      ),
    );
}

/**
 * Claims, in one statement, everyone of the workshop owed the survey and not yet sent it:
 * those checked in, or, when nobody was, those confirmed; a hybrid workshop's confirmed online
 * participants in any case. Returns the claimed ids.
 */
async function claim(db: Db, workshopId: string, now: Date): Promise<string[]> {
  const rows = await db.all<{ registration_id: string }>(sql`
    INSERT INTO ${feedbackRecipients} (registration_id, workshop_id, sent_at, answered)
    SELECT r.id, r.workshop_id, ${now.getTime()}, 0 FROM ${registrations} r
    WHERE r.workshop_id = ${workshopId}
      AND (r.status = 'attended'
        OR (r.status = 'confirmed' AND r.mode = 'online')
        OR (r.status = 'confirmed' AND NOT EXISTS (
          SELECT 1 FROM ${registrations} x WHERE x.workshop_id = ${workshopId}
            AND x.status = 'attended' AND x.mode IS NOT 'online')))
    ON CONFLICT DO NOTHING
    RETURNING registration_id`);
  return rows.map((r) => r.registration_id);
}

export async function sendFeedbackRequests(svc: Services, now: Date): Promise<number> {
  const { db } = svc;
  let sent = 0;
  for (const { workshop } of await dueWorkshops(db, now)) {
    const ids = await claim(db, workshop.id, now);
    if (ids.length) sent += await emailClaimed(svc, workshop, ids, now);
  }
  return sent;
}

async function emailClaimed(
  svc: Services,
  workshop: Workshop,
  ids: string[],
  now: Date,
): Promise<number> {
  const { db, mailer, settings } = svc;
  const people = (
    await openRecipients(await svc.vault.workshop(workshop.id), await read(db, ids))
  ).filter((p) => !isForgotten(p.email));
  const suppressed = await suppressedAmong(
    db,
    await svc.vault.subscribers(),
    people.map((p) => p.email),
  );
  const to = people.filter((p) => !suppressed.has(p.email));
  const base = settings.appUrl.replace(/\/$/, "");
  const expiry = new Date(now.getTime() + LINK_DAYS * DAY);
  let written = 0;
  for (let i = 0; i < to.length; i += PER_BATCH) {
    const chunk = await Promise.all(
      to.slice(i, i + PER_BATCH).map(async (p) => {
        const token = await linkToken(settings.tokenSecret, "feedback", p.id, expiry);
        return mailer.outboxInsert(
          surveyEmail(workshop, p, `${base}/f/${token}`, { name: p.name || p.email }),
        );
      }),
    );
    await runBatch(
      db,
      chunk.map((c) => c.query),
    );
    await mailer.enqueue(chunk.map((c) => c.id));
    written += chunk.length;
  }
  return written;
}

/** Ids per statement: below D1's 100 bound parameters. */
const PER_READ = 90;

/** The address and name columns of the claimed registrations (opened by the caller). */
async function read(db: Db, ids: string[]) {
  const parts = await Promise.all(
    Array.from({ length: Math.ceil(ids.length / PER_READ) }, (_, i) =>
      db
        .select(RECIPIENT_COLUMNS)
        .from(registrations)
        .where(inArray(registrations.id, ids.slice(i * PER_READ, (i + 1) * PER_READ))),
    ),
  );
  return parts.flat();
}

/**
 * The survey email: the same props for everyone in one language (the consumer renders each
 * language once); the name and the personal link are placeholders filled per recipient.
 */
export function surveyEmail(
  workshop: Workshop,
  recipient: { email: string; emailIndex?: string | null; language: Lang },
  url: string,
  values: { name: string },
): EmailToSend {
  const t = dictionary(recipient.language).feedback;
  const subject = fill(t.emailSubject, { title: workshop.title });
  return {
    to: recipient.email,
    keyName: workshopKeyName(workshop.id),
    toIndex: recipient.emailIndex ?? null,
    subject,
    kind: "workshop:feedback",
    ...templateEmail("feedback", {
      props: {
        lang: recipient.language,
        preview: subject,
        heading: t.emailHeading,
        paragraphs: t.emailParagraphs.map((p) => fill(p, { name: NAME, title: workshop.title })),
        action: { label: t.emailAction, url: LINK },
        note: t.emailExpiry,
        reason: fill(t.emailReason, { title: workshop.title }),
      },
      slots: { [NAME]: values.name, [LINK]: url },
    }),
  };
}
