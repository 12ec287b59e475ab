// A subscriber's personal columns (email, name) are stored sealed under the subscribers'
// data key (src/vault/keys.ts), which is never destroyed: a subscriber is erased by deleting
// the row. Every read that shows or uses them goes through `openSubscriber(s)`; every write
// through `sealSubscriber`. Lookups by address compare `email_index`, the address index under
// the subscribers' key: the one index shared across the organisation (with suppressions).
import type { subscribers } from "../db/schema";
import { PURGED } from "../lib/forgotten";
import { normaliseEmail } from "../lib/text";
import { addressIndex, openFields, sealFields } from "../vault/fields";
import type { DataKey } from "../vault/keys";

export type StoredSubscriber = typeof subscribers.$inferSelect;
/** A subscriber as services use it: the same columns, opened. */
export type Subscriber = StoredSubscriber;

const TABLE = "subscribers";

/** What a subscriber would show without its key: nothing of the person. */
const erasedOf = (id: string) => ({ email: `${PURGED}${id}`, name: null });

export function openSubscriber<R extends StoredSubscriber>(key: DataKey, row: R): Promise<R> {
  return openFields(key, TABLE, row, erasedOf(row.id));
}

export function openSubscribers<R extends StoredSubscriber>(key: DataKey, rows: R[]): Promise<R[]> {
  return Promise.all(rows.map((row) => openSubscriber(key, row)));
}

/** The sealed columns of subscriber `id`, and its address index, ready to insert. */
export async function sealSubscriber(
  key: DataKey,
  id: string,
  person: { email: string; name: string | null },
) {
  const email = normaliseEmail(person.email);
  const sealed = await sealFields(key, TABLE, id, { email, name: person.name });
  return { email: sealed.email!, name: sealed.name, emailIndex: await addressIndex(key, email) };
}

/** The address index of `email` among subscribers (and on the suppression list). */
export const subscriberIndex = (key: DataKey, email: string) => addressIndex(key, email);
