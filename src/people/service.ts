// People: forgetting a person, wherever the organisation holds them. Erasure spans features
// (a subscriber's deliveries, stored emails, the dev mailbox, the suppression list), so it
// is written once here rather than in each feature that holds an address.
import { eq } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { deliveries, emails, mailboxMessages, subscribers } from "../db/schema";
import { forgetDeliveries } from "../distributions/forget";
import { notFound } from "../lib/errors";
import { suppressInsert, suppressionHash } from "../subscribers/suppression";

/**
 * Erasure of a subscriber. Everything about the subscription goes: the record, its topics,
 * the address and name in past deliveries (counts stay), stored emails to it. What stays is
 * the address on the suppression list, so no import or form can add it again.
 */
export async function eraseSubscriber(db: Db, actor: Actor | null, id: string): Promise<void> {
  const subscriber = await db.query.subscribers.findFirst({ where: eq(subscribers.id, id) });
  if (!subscriber) throw notFound("No such subscriber.");
  await runBatch(db, [
    suppressInsert(db, await suppressionHash(subscriber.email), "erased"),
    ...forgetDeliveries(db, eq(deliveries.subscriberId, id)),
    db.delete(emails).where(eq(emails.to, subscriber.email)),
    db.delete(mailboxMessages).where(eq(mailboxMessages.to, subscriber.email)),
    db.delete(subscribers).where(eq(subscribers.id, id)),
    auditInsert(db, actor, { action: "subscriber.erase", targetType: "subscriber", targetId: id }),
  ]);
}
