// A published workshop held by the isolate for a moment, for the public registration.
//
// Registering needs the workshop (its rules, questions, wording) and its data key before it
// can seal and write anything: read afresh, that is a D1 round trip of its own on every
// registration, the busiest write, which under load cost about as much as the rest of the
// request. So the last read of each workshop is held here, and a registration on a held copy
// writes nothing unless the copy is still true: its write batch carries `stillTrue(copy)`,
// which holds only while the workshop's row (all but its seat counters, which the batch
// reads for itself) and its key's wrapped value are exactly as they were read, compared by
// SQLite's own serialisation of them (a destroyed key has none), and, without a waitlist,
// while the registrant's pool has a seat. Any other outcome than a registration taken in on a held copy (a
// refusal, an address already registered, a copy found changed) is decided again on a
// fresh read, exactly as without it (`registerBySlug` in ../registrations/service.ts).
//
// Nothing of a person is held: the workshop row and its wrapped key (the key is opened per
// request, as before). A held copy is frozen, so a caller cannot change it for the next.
import { getTableColumns, type SQL, sql } from "drizzle-orm";
import { type dataKeys, workshops } from "../db/schema";
import type { Services } from "../services";
import { workshopKeyName } from "../vault/keys";
import type { AttendanceMode, Workshop } from "./types";

type KeyRow = typeof dataKeys.$inferSelect;

export interface HeldWorkshop {
  workshop: Workshop;
  keyRow: KeyRow | undefined;
  /** The workshop and its key as SQLite serialises them (`FINGERPRINT`), when read. */
  fingerprint: string;
  readAt: number;
}

/** How long a read is used for: long enough to spare most reads under load, short enough
 *  that a changed workshop costs only a few retried writes. */
const HOLD_MS = 10_000;
/** Enough for every workshop open at once; the oldest goes first. */
const HOLD_MAX = 200;

// The seat engine changes these on every seat move and reads them in its own statements:
// comparing them would make every concurrent registration retry. Every other column, a
// new one included, is compared.
const COUNTERS = new Set([
  workshops.confirmedCount.name,
  workshops.onlineConfirmedCount.name,
  workshops.waitlistSeq.name,
  workshops.onlineWaitlistSeq.name,
]);
const compared = Object.values(getTableColumns(workshops))
  .map((column) => column.name)
  .filter((name) => !COUNTERS.has(name))
  .map((name) => `"workshops"."${name}"`);

/** The workshop row of the enclosing query (all but the counters) and its key, as text. */
const FINGERPRINT = sql.raw(
  `json_array(${compared.join(", ")}, (SELECT "data_keys"."wrapped" FROM "data_keys" WHERE "data_keys"."name" = 'workshop:' || "workshops"."id"))`,
);

const held = new Map<string, HeldWorkshop>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * The published (or cancelled) workshop with this slug, read with its key row in one round
 * trip, and held for the next registrations; null when there is none or it is a draft.
 */
export async function readWorkshop(
  svc: Pick<Services, "db" | "vault">,
  slug: string,
  now = Date.now(),
): Promise<HeldWorkshop | null> {
  const { db, vault } = svc;
  // A plain select, not the relational query builder: on the registration path (the
  // busiest one) building and mapping that showed as about 7 % of the request's CPU in
  // `npm run bench:profile`.
  const [[row], keys] = await db.batch([
    db
      .select({ ...getTableColumns(workshops), fingerprint: sql<string>`${FINGERPRINT}` })
      .from(workshops)
      .where(sql`${workshops.slug} = ${slug}`),
    vault.workshopKeyRow(sql`(SELECT id FROM ${workshops} WHERE slug = ${slug})`),
  ]);
  if (!row || row.status === "draft") {
    held.delete(slug);
    return null;
  }
  const { fingerprint, ...workshop } = row;
  const copy: HeldWorkshop = deepFreeze({ workshop, keyRow: keys[0], fingerprint, readAt: now });
  const before = held.get(slug);
  // A read that finished after a later one leaves the later one held.
  if (!before || before.readAt <= now) {
    held.delete(slug);
    // Not before its first registration made its key, nor once the key is destroyed: a
    // copy without one would only be found changed.
    if (copy.keyRow?.wrapped) {
      held.set(slug, copy);
      if (held.size > HOLD_MAX) held.delete(held.keys().next().value as string);
    }
  }
  vault.adopt(workshopKeyName(workshop.id), copy.keyRow);
  return copy;
}

/** The held copy of a workshop, if read within HOLD_MS; its key goes to this request's vault. */
export function heldWorkshop(
  svc: Pick<Services, "vault">,
  slug: string,
  now = Date.now(),
): HeldWorkshop | null {
  const copy = held.get(slug);
  if (!copy || now - copy.readAt >= HOLD_MS || now < copy.readAt) return null;
  svc.vault.adopt(workshopKeyName(copy.workshop.id), copy.keyRow);
  return copy;
}

/** Drops a held copy found changed (not a newer one another request has read since). */
export function letGo(slug: string, copy: HeldWorkshop): void {
  if (held.get(slug) === copy) held.delete(slug);
}

/**
 * SQL that is true only while the workshop and its key are as the copy was read and, in a
 * workshop without a waitlist, the pool a registrant of `mode` joins still has a seat: the
 * copy's counters are not trusted to say it is not full (`seatState`), so neither a seat
 * nor a registration is recorded where a fresh read would have answered "full".
 */
export function stillTrue(copy: HeldWorkshop, mode: AttendanceMode | null): SQL {
  const { workshop } = copy;
  const [capacity, taken] =
    workshop.attendance === "hybrid" && mode === "online"
      ? [workshops.onlineCapacity, workshops.onlineConfirmedCount]
      : [workshops.capacity, workshops.confirmedCount];
  const room = workshop.waitlist ? sql`1` : sql`(${capacity} IS NULL OR ${taken} < ${capacity})`;
  return sql`((SELECT ${FINGERPRINT} IS ${copy.fingerprint} AND ${room} FROM ${workshops} WHERE ${workshops.id} = ${workshop.id}) IS 1)`;
}
