// Resend webhook events: delivery outcomes for distributions, and suppression on bounce
// or complaint. Each svix-id is processed once, whatever Resend redelivers.
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { type Db, runBatch } from "../db/client";
import { runInBatch } from "../db/raw";
import { deliveries, subscribers, suppressions, webhookEvents } from "../db/schema";
import { normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";
import { subscriberMayMoveTo } from "../subscribers/service";

export interface ResendEvent {
  type: string;
  created_at?: string;
  data: { email_id?: string; to?: string[] | string };
}

const OUTCOME_OF: Record<string, "delivered" | "bounced" | "complained"> = {
  "email.delivered": "delivered",
  "email.bounced": "bounced",
  "email.complained": "complained",
};

/** Records the event; returns false when this svix-id was already processed. */
export async function processEvent(db: Db, svixId: string, event: ResendEvent): Promise<boolean> {
  const [fresh] = await db
    .insert(webhookEvents)
    .values({ id: svixId, type: event.type })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id });
  if (!fresh) return false;
  const outcome = OUTCOME_OF[event.type];
  if (!outcome) return true;
  const providerId = event.data.email_id;
  const to = ([] as string[]).concat(event.data.to ?? []).map(normaliseEmail);
  const op = newId("op");
  const statements = [];
  if (providerId) {
    // A bounce or complaint outranks a delivery; nothing outranks them. The counter adds
    // only the rows this event changed.
    const allowedBefore =
      outcome === "delivered"
        ? [isNull(deliveries.outcome)]
        : [isNull(deliveries.outcome), eq(deliveries.outcome, "delivered")];
    statements.push(
      db
        .update(deliveries)
        .set({ outcome, op })
        .where(and(eq(deliveries.providerId, providerId), or(...allowedBefore))),
      runInBatch(
        db,
        sql`UPDATE distributions SET ${sql.raw(outcome)} = ${sql.raw(outcome)} + 1
            WHERE id IN (SELECT distribution_id FROM deliveries WHERE provider_id = ${providerId} AND op = ${op})`,
      ),
    );
  }
  if (outcome !== "delivered" && to.length > 0) {
    const reason = outcome === "bounced" ? "bounce" : "complaint";
    statements.push(
      ...to.map((email) => db.insert(suppressions).values({ email, reason }).onConflictDoNothing()),
      db
        .update(subscribers)
        .set({ status: outcome })
        .where(and(inArray(subscribers.email, to), subscriberMayMoveTo(outcome))),
    );
  }
  await runBatch(db, statements);
  return true;
}
