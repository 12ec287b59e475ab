// Where one address can be found. Nothing stores an address in the clear but the emails
// awaiting sending (and the dev mailbox): every other table holds its blind index, under the
// subscribers' key (subscribers, their deliveries, the suppression list) or under the key of
// each workshop (registrations, invitations). So a person search computes the address's
// index under every key that still exists, and asks for those.
import { and, eq, or, type SQL } from "drizzle-orm";
import { emails, type invitations, type registrations, workshops } from "../db/schema";
import { normaliseEmail } from "../lib/text";
import type { Services } from "../services";
import { type SuppressionKeys, suppressionKeys } from "../subscribers/suppression";
import { addressIndex } from "../vault/fields";
import { type KeyName, SUBSCRIBERS_KEY, workshopKeyName } from "../vault/keys";

export interface Whereabouts {
  /** The address, normalised: what emails awaiting sending hold. */
  email: string;
  /** Its values on the suppression list; `index` is also its subscribers' index. */
  subscribers: SuppressionKeys;
  /** Workshop id → its index under that workshop's key (none where the key is destroyed). */
  workshops: Map<string, string>;
}

/** The address's index under every key there is: one query for the workshops' keys. */
export async function whereabouts(svc: Services, address: string): Promise<Whereabouts> {
  const email = normaliseEmail(address);
  const ids = (await svc.db.select({ id: workshops.id }).from(workshops)).map((w) => w.id);
  await svc.vault.preload(ids.map(workshopKeyName));
  const [subscribers, pairs] = await Promise.all([
    svc.vault.subscribers().then((key) => suppressionKeys(key, email)),
    Promise.all(ids.map((id) => indexAt(svc, id, email))),
  ]);
  return {
    email,
    subscribers,
    workshops: new Map(pairs.filter((pair): pair is [string, string] => pair !== null)),
  };
}

async function indexAt(svc: Services, workshopId: string, email: string) {
  const key = await svc.vault.workshop(workshopId);
  return key ? ([workshopId, await addressIndex(key, email)] as [string, string]) : null;
}

/** Pairs per condition: two bound parameters each, under D1's 100. */
const PAIRS_PER_CONDITION = 45;

/** `match` of any of the pairs, in as many conditions as D1's bound-parameter limit needs. */
function anyOf<A, B>(pairs: [A, B][], match: (a: A, b: B) => SQL | undefined): SQL[] {
  const out: SQL[] = [];
  for (let i = 0; i < pairs.length; i += PAIRS_PER_CONDITION)
    out.push(or(...pairs.slice(i, i + PAIRS_PER_CONDITION).map(([a, b]) => match(a, b)))!);
  return out;
}

/**
 * The person's rows of `table` at every workshop: `(workshop_id, email_index)` pairs, which
 * the table's unique index answers.
 */
export function atEveryWorkshop(
  table: typeof registrations | typeof invitations,
  at: Whereabouts,
): SQL[] {
  return anyOf([...at.workshops], (id, index) =>
    and(eq(table.workshopId, id), eq(table.emailIndex, index)),
  );
}

/** Conditions on `emails`: the final rows (address sealed) about someone, by key and index. */
export function sentUnder(pairs: [KeyName, string][]): SQL[] {
  return anyOf(pairs, (name, index) => and(eq(emails.keyName, name), eq(emails.toIndex, index)));
}

/** The emails about the person under any of their keys. */
export function sentToPerson(at: Whereabouts): SQL[] {
  return sentUnder([
    [SUBSCRIBERS_KEY, at.subscribers.index],
    ...[...at.workshops].map(([id, index]): [KeyName, string] => [workshopKeyName(id), index]),
  ]);
}
