// Resend webhook events: delivery outcomes for distributions, and suppression on bounce
// or complaint. Each svix-id is processed once, whatever Resend redelivers. The event names
// the recipient's address; subscribers and the suppression list hold only its index under
// the subscribers' key, so that is what they are found and listed by.
import { and, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import { type Db, runBatch, type Statement } from "../db/client";
import { runInBatch } from "../db/raw";
import { deliveries, distributions, subscribers, webhookEvents } from "../db/schema";
import { recipientFromTags } from "../lib/recipient-tags";
import { normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";
import { subscriberIndex } from "../subscribers/sealed";
import { subscriberMayMoveTo } from "../subscribers/service";
import { suppressInsert } from "../subscribers/suppression";
import type { Vault } from "../vault/keys";

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

/** What processing an event reads and writes: the database, and the subscribers' key. */
interface Stores {
  db: Db;
  vault: Vault;
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
export async function processEvent(
  svc: Stores,
  svixId: string,
  event: ResendEvent,
): Promise<boolean> {
  const { db } = svc;
  const unrecorded = sql`NOT EXISTS (SELECT 1 FROM ${webhookEvents} WHERE ${webhookEvents.id} = ${svixId})`;
  const [recorded] = (
    await runBatch(db, [
      ...(await processing(svc, svixId, event, unrecorded)),
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
async function processing(
  svc: Stores,
  svixId: string,
  event: ResendEvent,
  unrecorded: SQL,
): Promise<Statement[]> {
  const { db } = svc;
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
      pauseIfOverThreshold(db, recipient.distributionId, unrecorded),
    );
  }
  if (outcome !== "delivered" && to.length > 0)
    statements.push(
      ...(await blockAddresses(svc, to, outcome, unrecorded, {
        eventId: svixId,
        distributionId: recipient?.distributionId ?? null,
      })),
    );
  return statements;
}

/** Automatic pause: at least this many delivered before a rate is judged. */
export const PAUSE_MIN_DELIVERED = 200;

/**
 * Pauses a sending distribution whose complaints exceed 0.3 % or bounces exceed 5 % of
 * delivered, once at least PAUSE_MIN_DELIVERED were delivered. It runs in the batch that
 * moved the counters, after them, so it reads what this event made of them whatever other
 * events do at once. A distribution pauses by itself once: after the organiser resumed it
 * (its reason is kept), the same rates do not stop it again.
 */
function pauseIfOverThreshold(db: Db, distributionId: string, unrecorded: SQL) {
  const { delivered, bounced, complained } = distributions;
  const complaints = sql`${complained} * 1000 > ${delivered} * 3`;
  const bounces = sql`${bounced} * 20 > ${delivered}`;
  // Webhooks sit below distributions and cannot use its status table (status.ts): `sending`
  // is the one status that table lets move to `paused`, and the state-machine test walks
  // every status through this statement to keep the two the same.
  return db
    .update(distributions)
    .set({
      status: "paused",
      pauseReason: sql`CASE WHEN ${complaints}
        THEN printf('complaints at %.2f %% of delivered (%d of %d), over 0.3 %%', ${complained} * 100.0 / ${delivered}, ${complained}, ${delivered})
        ELSE printf('bounces at %.2f %% of delivered (%d of %d), over 5 %%', ${bounced} * 100.0 / ${delivered}, ${bounced}, ${delivered}) END`,
      progressAt: new Date(),
    })
    .where(
      and(
        eq(distributions.id, distributionId),
        eq(distributions.status, "sending"),
        isNull(distributions.pauseReason),
        sql`${delivered} >= ${PAUSE_MIN_DELIVERED}`,
        or(complaints, bounces),
        unrecorded,
      ),
    );
}

/**
 * A bounce or complaint: the addresses go on the suppression list, with the event that
 * reported it (what an owner sees before lifting it), and their subscribers stop.
 */
async function blockAddresses(
  svc: Stores,
  to: string[],
  outcome: "bounced" | "complained",
  unrecorded: SQL,
  origin: { eventId: string; distributionId: string | null },
): Promise<Statement[]> {
  const { db } = svc;
  const key = await svc.vault.subscribers();
  const indexes = await Promise.all(to.map((address) => subscriberIndex(key, address)));
  const reason = outcome === "bounced" ? "bounce" : "complaint";
  return [
    ...indexes.map((index) => suppressInsert(db, index, reason, { onlyIf: unrecorded, ...origin })),
    db
      .update(subscribers)
      .set({ status: outcome })
      .where(
        and(inArray(subscribers.emailIndex, indexes), subscriberMayMoveTo(outcome), unrecorded),
      ),
  ];
}
