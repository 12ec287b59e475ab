// Sends one kind of notice to many recipients: emails written in batches, then
// enqueued. Used for workshop-wide notices (cancellation, rescheduling, reminders, promotions).
import { type Db, runBatch, type Statement } from "../db/client";
import type { NoticeKind } from "../i18n";
import type { Mailer } from "../mail/outbox";
import type { Workshop } from "../workshops/types";
import { buildNotice, type NoticeLinks, type Recipient } from "./notices";

/** Statements per D1 batch: each notice is one or two; stay well inside the limits. */
const NOTICES_PER_BATCH = 25;

export async function sendNotices(
  db: Db,
  mailer: Mailer,
  links: NoticeLinks,
  workshop: Workshop,
  recipients: Recipient[],
  kind: NoticeKind,
  options: {
    /** Statements to write with each recipient's email (their invitation marked sent, …). */
    alongside?: (recipient: Recipient) => Statement[];
    /** When the notices are written: a cron job's scheduled time. */
    now?: Date;
  } = {},
): Promise<number> {
  const { alongside = () => [], now = new Date() } = options;
  for (let i = 0; i < recipients.length; i += NOTICES_PER_BATCH) {
    const chunk = recipients.slice(i, i + NOTICES_PER_BATCH);
    const built = await Promise.all(
      chunk.map((r) => buildNotice(db, mailer, links, workshop, r, kind, now)),
    );
    const statements = built.flatMap((b, j) => [...alongside(chunk[j]!), ...b.statements]);
    await runBatch(db, statements);
    await mailer.enqueue(built.map((b) => b.emailId));
  }
  return recipients.length;
}
