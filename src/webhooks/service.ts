// Resend webhook events: delivery outcomes for distributions, and suppression on bounce
// or complaint. Each svix-id is processed once, whatever Resend redelivers.
import { and, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import { type Db, runBatch, type Statement } from "../db/client";
import { runInBatch } from "../db/raw";
import { deliveries, subscribers, webhookEvents } from "../db/schema";
import { recipientFromTags } from "../lib/recipient-tags";
import { normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";
import { subscriberMayMoveTo } from "../subscribers/service";
import { suppressInsert, suppressionHash } from "../subscribers/suppression";

export interface ResendEvent {
  type: string;
  created_at?: string;
  data: {
    email_id?: string;
    to?: string[] | string;
    /** The tags the email was sent with: an object, or (older payloads) a list. */
    tags?: Record<string, string> | { name: string; value: string }[];
  };
}

const OUTCOME_OF: Record<string, "delivered" | "bounced" | "complained"> = {
  "email.delivered": "delivered",
  "email.bounced": "bounced",
  "email.complained": "complained",
};

/**
 * Processes the event and records its svix-id in one batch: a failure anywhere leaves the id
 * unrecorded, so Resend's redelivery processes it again instead of losing a bounce. Every
 * change is guarded by "not recorded yet" (they run before the record, in the same
 * transaction), so a redelivery of a processed event changes nothing. Returns false then.
 */
export async function processEvent(db: Db, svixId: string, event: ResendEvent): Promise<boolean> {
  const unrecorded = sql`NOT EXISTS (SELECT 1 FROM ${webhookEvents} WHERE ${webhookEvents.id} = ${svixId})`;
  const [recorded] = (
    await runBatch(db, [
      ...(await processing(db, event, unrecorded)),
      db
        .insert(webhookEvents)
        .values({ id: svixId, type: event.type })
        .onConflictDoNothing()
        .returning({ id: webhookEvents.id }),
    ])
  ).at(-1) as { id: string }[];
  return Boolean(recorded);
}

/** What an event changes, each statement only while `unrecorded` holds. */
async function processing(db: Db, event: ResendEvent, unrecorded: SQL): Promise<Statement[]> {
  const outcome = OUTCOME_OF[event.type];
  if (!outcome) return [];
  const recipient = recipientFromTags(event.data.tags);
  const to = ([] as string[]).concat(event.data.to ?? []).map(normaliseEmail);
  const op = newId("op");
  const statements: Statement[] = [];
  if (recipient) {
    // A bounce or complaint outranks a delivery; nothing outranks them. The counter adds
    // only the rows this event changed.
    const allowedBefore =
      outcome === "delivered"
        ? [isNull(deliveries.outcome)]
        : [isNull(deliveries.outcome), eq(deliveries.outcome, "delivered")];
    const row = and(
      eq(deliveries.distributionId, recipient.distributionId),
      eq(deliveries.chunk, recipient.chunk),
      eq(deliveries.position, recipient.position),
    );
    statements.push(
      db
        .update(deliveries)
        .set({ outcome, op })
        .where(and(row, or(...allowedBefore), unrecorded)),
      runInBatch(
        db,
        sql`UPDATE distributions SET ${sql.raw(outcome)} = ${sql.raw(outcome)} + 1
            WHERE id = ${recipient.distributionId} AND EXISTS (SELECT 1 FROM deliveries WHERE ${row} AND op = ${op})`,
      ),
    );
  }
  if (outcome !== "delivered" && to.length > 0) {
    const reason = outcome === "bounced" ? "bounce" : "complaint";
    statements.push(
      ...(await Promise.all(to.map(suppressionHash))).map((hash) =>
        suppressInsert(db, hash, reason, unrecorded),
      ),
      db
        .update(subscribers)
        .set({ status: outcome })
        .where(and(inArray(subscribers.email, to), subscriberMayMoveTo(outcome), unrecorded)),
    );
  }
  return statements;
}
