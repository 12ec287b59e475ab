import type { deliveries } from "../db/schema";
import { isForgotten } from "../lib/forgotten";
import { openFields } from "../vault/fields";
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
