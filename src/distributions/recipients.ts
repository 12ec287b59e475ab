// Who a delivery goes to. A delivery holds its source row's address and name as they are
// sealed there, copied byte for byte when the audience is collected (no plaintext passes
// through SQL), so it opens with that row's key and place: a subscriber's with the
// subscribers' key at `subscribers/<subscriber_id>/<column>`, an attendee's with their
// workshop's key at `registrations/<registration_id>/<column>`. A recipient whose key is
// destroyed (the workshop was purged, or its key destroyed early) cannot be opened, and reads
// as erased, like a forgotten one.
import { inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { type deliveries, suppressions } from "../db/schema";
import { isForgotten } from "../lib/forgotten";
import { normaliseEmail } from "../lib/text";
import { sha256Hex } from "../lib/tokens";
import { addressIndex, openFields } from "../vault/fields";
import { type DataKey, SUBSCRIBERS_KEY, type Vault } from "../vault/keys";
import type { Distribution } from "./context";

type Delivery = typeof deliveries.$inferSelect;

export interface Recipient {
  email: string;
  name: string | null;
}

/** The source row a delivery's values were sealed in: its table, id and key. */
async function sourceOf(vault: Vault, d: Distribution, row: Delivery) {
  if (row.subscriberId)
    return { table: "subscribers", id: row.subscriberId, key: await vault.key(SUBSCRIBERS_KEY) };
  const workshopId = d.audience.attendeesOf?.workshopId;
  if (row.registrationId && workshopId)
    return {
      table: "registrations",
      id: row.registrationId,
      key: await vault.workshop(workshopId),
    };
  // No source left (forgotten), or a row written before the vault: only plaintext opens.
  return { table: "deliveries", id: row.id, key: null as DataKey | null };
}

/** A delivery's address and name, opened; null when the person is erased or purged. */
export async function openRecipient(
  vault: Vault,
  d: Distribution,
  row: Delivery,
): Promise<Recipient | null> {
  if (isForgotten(row.email)) return null;
  const { table, id, key } = await sourceOf(vault, d, row);
  const opened = await openFields(
    key,
    table,
    { id, email: row.email, name: row.name },
    { email: "", name: null },
  );
  return opened.email ? { email: opened.email, name: opened.name } : null;
}

/** The recipients of many deliveries of one distribution, by position. */
export async function openRecipients(
  vault: Vault,
  d: Distribution,
  rows: Delivery[],
): Promise<Map<number, Recipient | null>> {
  const opened = await Promise.all(rows.map((row) => openRecipient(vault, d, row)));
  return new Map(rows.map((row, i) => [row.position, opened[i] ?? null]));
}

/**
 * What the suppression list may hold for an address: its index under the subscribers' key,
 * and, for entries made before the vault, the unkeyed SHA-256 of the normalised address
 * (src/subscribers/suppression.ts). Either one suppresses it.
 */
export async function suppressionKeys(
  subscribers: DataKey,
  email: string,
): Promise<[index: string, legacy: string]> {
  return Promise.all([addressIndex(subscribers, email), sha256Hex(normaliseEmail(email))]);
}

/** Keys per lookup: below D1's 100 bound parameters. */
const PER_LOOKUP = 90;

/** Which of these suppression keys are on the list. */
export async function onSuppressionList(db: Db, keys: string[]): Promise<Set<string>> {
  const unique = [...new Set(keys)];
  const found = await Promise.all(
    Array.from({ length: Math.ceil(unique.length / PER_LOOKUP) }, (_, i) =>
      db
        .select({ hash: suppressions.emailHash })
        .from(suppressions)
        .where(inArray(suppressions.emailHash, unique.slice(i * PER_LOOKUP, (i + 1) * PER_LOOKUP))),
    ),
  );
  return new Set(found.flat().map((row) => row.hash));
}
