// Seat accounting. D1 has no interactive transactions, so every seat change is one batch
// (one transaction) of statements whose later steps read what the earlier ones did:
//
//   1. move:    change one registration's status, but only from a status the caller names
//               and REGISTRATION_TRANSITIONS allows, and, when the new status holds a seat,
//               only while its pool has a free seat (confirmed_count < capacity);
//               the row is stamped with this operation's id (seat_op), its previous status
//               and its previous mode;
//   2. count:   adjust the workshop's counters (seats and waitlist sequence, per pool) by
//               what the rows stamped with this operation changed;
//   3. promote: give free seats to the earliest waitlisted of each pool, by waitlist
//               position, stamped with a second operation id, and count those.
//
// A hybrid workshop has two pools: in person (`capacity`, `confirmed_count`, `waitlist_seq`)
// and online (the `online_` columns); a registration's `mode` says which it is in (online
// counts only while the workshop is hybrid, so a registration racing a workshop that stops
// being hybrid lands in its one pool), and null
// (every registration of a workshop that is not hybrid) is the in-person pool. Each pool keeps
// every guarantee on its own.
//
// No read happens in one call and the write in another, so no interleaving of requests can
// put more people in seats than there are seats, or promote anyone twice.
import { type SQL, sql } from "drizzle-orm";
import type { BatchResponse } from "drizzle-orm/batch";
import { type Db, runBatch, type Statement } from "../db/client";
import { allInBatch } from "../db/raw";
import { canMove } from "../lib/state-machine";
import { newId } from "../lib/tokens";
import type { AttendanceMode } from "../workshops/types";
import { REGISTRATION_TRANSITIONS, type RegistrationStatus, SEAT_HOLDING } from "./status";

const seatList = sql.raw(SEAT_HOLDING.map((s) => `'${s}'`).join(", "));
const inList = (statuses: readonly string[]) =>
  sql.join(
    statuses.map((s) => sql`${s}`),
    sql`, `,
  );

/**
 * Whether a move goes to the approval queue first: known to the caller, or as the workshop
 * asks (its registration mode, read in the move's own statement, for a caller that has not
 * read the workshop: the verification, src/registrations/service.ts).
 */
export type ApprovalFirst = boolean | "as-the-workshop-asks";

/** Where a move goes: a fixed status, or "a seat if free, else the waitlist". */
export type Target =
  | { to: RegistrationStatus }
  /** Verification and invitation acceptance: approval first if asked, else seat or waitlist. */
  | { seatOrWaitlist: true; approvalFirst: ApprovalFirst }
  /**
   * A participant undoing their cancellation: approval first if asked, else a seat if free,
   * else the end of the waitlist (the caller's `onlyIf` refuses it when there is none).
   */
  | { restore: true; approvalFirst: boolean }
  /**
   * An organiser moving someone to the other pool of a hybrid workshop, status unchanged: a
   * seat holder only into a free seat there, a waitlisted person to the end of that waitlist.
   */
  | { switchTo: AttendanceMode };

interface Move {
  registrationId: string;
  from: readonly RegistrationStatus[];
  target: Target;
  now: Date;
  /** Extra columns to set in the same statement (timestamps, role, …). */
  set?: SQL;
  /** A condition the move also needs, checked in the same statement (an invitation still open). */
  onlyIf?: SQL;
  /**
   * The move's name (stamped on the row as `seat_op`), when statements built before the
   * batch must refer to it (`outcomeNotices` in service.ts); otherwise one is made.
   */
  op?: string;
}

const ROW_MODE = sql.raw("registrations.mode");

/** SQL, with the workshop as `w`: whether the move goes to the approval queue first. */
function approvalFirstIn(approvalFirst: ApprovalFirst): SQL {
  if (approvalFirst === "as-the-workshop-asks") return sql`(w.registration_mode = 'approval')`;
  return sql`(${approvalFirst ? 1 : 0} = 1)`;
}

/** Whether workshop `w` has a free seat in the pool of `mode` (null: in person). */
const seatFreeIn = (mode: SQL) => sql`(CASE WHEN ${mode} IS 'online' AND w.attendance = 'hybrid'
  THEN (w.online_capacity IS NULL OR w.online_confirmed_count < w.online_capacity)
  ELSE (w.capacity IS NULL OR w.confirmed_count < w.capacity) END)`;

/** Whether workshop `w` has a free seat in the pool of the registration being updated. */
export const seatFree = seatFreeIn(ROW_MODE);

/** The next waitlist position in the pool of `mode`. */
const nextPositionIn = (mode: SQL) =>
  sql`(CASE WHEN ${mode} IS 'online' AND w.attendance = 'hybrid'
    THEN w.online_waitlist_seq ELSE w.waitlist_seq END) + 1`;

function targetStatus(target: Target): SQL {
  if ("to" in target) return sql`${target.to}`;
  if ("switchTo" in target) return sql.raw("status");
  if ("restore" in target)
    return sql`(SELECT CASE
      WHEN ${approvalFirstIn(target.approvalFirst)} THEN 'pending_approval'
      WHEN ${seatFree} THEN 'confirmed'
      ELSE 'waitlisted' END
    FROM workshops w WHERE w.id = registrations.workshop_id)`;
  return sql`(SELECT CASE
      WHEN ${approvalFirstIn(target.approvalFirst)} THEN 'pending_approval'
      WHEN ${seatFree} THEN 'confirmed'
      WHEN w.waitlist = 1 THEN 'waitlisted'
      ELSE 'rejected' END
    FROM workshops w WHERE w.id = registrations.workshop_id)`;
}

/** The statuses a target can end in: `targetStatus`'s CASE, as a list. */
export function endsIn(target: Target): RegistrationStatus[] {
  if ("to" in target) return [target.to];
  if ("switchTo" in target) return [];
  const { approvalFirst } = target;
  const queue: RegistrationStatus[] = approvalFirst ? ["pending_approval"] : [];
  const seats: RegistrationStatus[] =
    approvalFirst === true
      ? []
      : "restore" in target
        ? ["confirmed", "waitlisted"]
        : ["confirmed", "waitlisted", "rejected"];
  return [...queue, ...seats];
}

function goesToWaitlist(target: Target): SQL {
  if ("to" in target) return sql`${target.to === "waitlisted" ? 1 : 0} = 1`;
  if ("switchTo" in target) return sql`status = 'waitlisted'`;
  if ("restore" in target)
    return sql`(SELECT NOT ${approvalFirstIn(target.approvalFirst)} AND NOT ${seatFree}
      FROM workshops w WHERE w.id = registrations.workshop_id)`;
  return sql`(SELECT NOT ${approvalFirstIn(target.approvalFirst)} AND NOT ${seatFree} AND w.waitlist = 1
    FROM workshops w WHERE w.id = registrations.workshop_id)`;
}

function moveStatement(db: Db, move: Move, op: string) {
  const { target } = move;
  // Only from the statuses the machine lets reach wherever the target can end.
  const from = move.from.filter((s) =>
    endsIn(target).every((to) => canMove(REGISTRATION_TRANSITIONS, s, to)),
  );
  const needsSeat =
    "to" in target && SEAT_HOLDING.includes(target.to)
      ? sql`AND (status IN (${seatList}) OR (SELECT ${seatFree} FROM workshops w WHERE w.id = registrations.workshop_id))`
      : "switchTo" in target
        ? sql`AND mode IS NOT ${target.switchTo} AND (status NOT IN (${seatList})
            OR (SELECT ${seatFreeIn(sql`${target.switchTo}`)} FROM workshops w WHERE w.id = registrations.workshop_id))`
        : sql``;
  // The pool a waitlisted person is numbered in: the one they move to, for a switch.
  const pool = "switchTo" in target ? sql`${target.switchTo}` : ROW_MODE;
  return allInBatch<{
    id: string;
    status: RegistrationStatus;
    previous_status: RegistrationStatus;
    workshop_id: string;
  }>(
    db,
    sql`
    UPDATE registrations SET
      previous_status = status,
      previous_mode = mode,
      status = ${targetStatus(target)},
      seat_op = ${op},
      ${"switchTo" in target ? sql`mode = ${target.switchTo},` : sql``}
      updated_at = ${move.now.getTime()},
      waitlist_position = CASE WHEN ${goesToWaitlist(target)}
        THEN (SELECT ${nextPositionIn(pool)} FROM workshops w WHERE w.id = registrations.workshop_id)
        ELSE waitlist_position END
      ${move.set ? sql`, ${move.set}` : sql``}
    WHERE id = ${move.registrationId} AND status IN (${inList(from)}) ${needsSeat}
      ${move.onlyIf ? sql`AND (${move.onlyIf})` : sql``}
    RETURNING id, status, previous_status, workshop_id`,
  );
}

/** The workshop's seats taken after a count, per pool. */
export interface SeatsTaken {
  confirmedCount: number;
  onlineConfirmedCount: number;
}

/**
 * Brings the workshop's counters in line with what operation `op` changed, pool by pool,
 * and returns the seats taken then.
 */
function countStatement(db: Db, workshopId: WorkshopId, op: string) {
  // One pass over the rows the operation stamped (usually one), all four counters at once.
  // A row counts in a pool through its mode (null is in person); a move between pools leaves
  // one and enters the other.
  const seat = (status: string, pool: string) =>
    sql.raw(
      `(CASE WHEN ${status} IN (${SEAT_HOLDING.map((x) => `'${x}'`).join(", ")}) AND ${pool} THEN 1 ELSE 0 END)`,
    );
  const delta = (pool: string, previousPool: string) =>
    sql`COALESCE(SUM(${seat("status", pool)} - ${seat("previous_status", previousPool)}), 0)`;
  const joined = (pool: string) =>
    sql.raw(`COALESCE(SUM(CASE WHEN status = 'waitlisted' AND ${pool}
      AND (previous_status IS NOT 'waitlisted' OR previous_mode IS NOT mode) THEN 1 ELSE 0 END), 0)`);
  const hybrid = "workshops.attendance = 'hybrid'";
  const online = `(mode IS 'online' AND ${hybrid})`;
  const inPerson = `NOT ${online}`;
  return allInBatch<{ confirmed_count: number; online_confirmed_count: number }>(
    db,
    sql`
    UPDATE workshops SET
      (confirmed_count, online_confirmed_count, waitlist_seq, online_waitlist_seq) = (
        SELECT workshops.confirmed_count + ${delta(inPerson, `NOT (previous_mode IS 'online' AND ${hybrid})`)},
          workshops.online_confirmed_count + ${delta(online, `(previous_mode IS 'online' AND ${hybrid})`)},
          workshops.waitlist_seq + ${joined(inPerson)},
          workshops.online_waitlist_seq + ${joined(online)}
        FROM registrations WHERE seat_op = ${op})
    WHERE id = ${workshopId}
    RETURNING confirmed_count, online_confirmed_count`,
  );
}

/** Gives every free seat to the earliest waitlisted people of each pool, each at most once. */
function promoteStatement(db: Db, workshopId: WorkshopId, op: string, now: Date) {
  const firstInLine = (pool: SQL, free: string) => sql`
      SELECT id FROM (
        SELECT id FROM registrations
        WHERE workshop_id = ${workshopId} AND status = 'waitlisted' AND promoted_at IS NULL
          AND ${pool}
        ORDER BY waitlist_position
        LIMIT (SELECT ${sql.raw(free)} FROM workshops WHERE id = ${workshopId}))`;
  const online = sql`(mode IS 'online' AND (SELECT attendance FROM workshops WHERE id = ${workshopId}) = 'hybrid')`;
  return allInBatch<{ id: string }>(
    db,
    sql`
    UPDATE registrations SET previous_status = status, previous_mode = mode,
      status = 'confirmed', seat_op = ${op},
      promoted_at = ${now.getTime()}, updated_at = ${now.getTime()}
    WHERE id IN (${firstInLine(
      sql`NOT ${online}`,
      "CASE WHEN capacity IS NULL THEN -1 ELSE MAX(0, capacity - confirmed_count) END",
    )})
       OR id IN (${firstInLine(
         online,
         "CASE WHEN online_capacity IS NULL THEN -1 ELSE MAX(0, online_capacity - online_confirmed_count) END",
       )})
    RETURNING id`,
  );
}

/**
 * The workshop a move is in: its id, or SQL that finds it (the registration's, for a caller
 * that has not read it).
 */
export type WorkshopId = string | SQL;

export interface SeatResult<Before = readonly unknown[]> {
  /** The moved registration, or null when the move did not apply (wrong status, no seat). */
  moved: { id: string; status: RegistrationStatus; previousStatus: RegistrationStatus } | null;
  /** Waitlisted registrations that got a seat in the same transaction. */
  promoted: string[];
  /** The seats taken just before the move, and once the transaction was done. */
  takenBefore: SeatsTaken | null;
  taken: SeatsTaken | null;
  /** What the statements run before the move gave, in their order. */
  before: Before;
}

/**
 * Runs statements that must happen with a move (an insert before it) and then the move, the
 * counters and promotions, as one transaction. `recorded` gives statements to run last, in
 * the same transaction, with a condition that holds only if the move happened: an audit row
 * written with it records a change that really took place.
 */
export async function applyMove<const B extends readonly Statement[] = Statement[]>(
  db: Db,
  workshopId: WorkshopId,
  move: Move | null,
  before: B = [] as unknown as B,
  recorded: (moved: SQL) => Statement[] = () => [],
): Promise<SeatResult<BatchResponse<B>>> {
  const op = move?.op ?? newId("op");
  const promoteOp = newId("op");
  // Promotion follows a freed seat (a cancel, a reject, a capacity change), not every
  // move: an organiser who waitlists someone while seats are free means it.
  const mayFreeSeat =
    !move ||
    "switchTo" in move.target ||
    ("to" in move.target &&
      !SEAT_HOLDING.includes(move.target.to) &&
      move.from.some((s) => SEAT_HOLDING.includes(s)));
  // The seats taken just before the move, read in its transaction: what the public pages
  // said (as of the last change), for the caller to tell whether they now say otherwise.
  const taken = allInBatch<{ confirmed_count: number; online_confirmed_count: number }>(
    db,
    sql`SELECT confirmed_count, online_confirmed_count FROM workshops WHERE id = ${workshopId}`,
  );
  const statements = [
    ...before,
    taken,
    ...(move ? [moveStatement(db, move, op), countStatement(db, workshopId, op)] : []),
    ...(mayFreeSeat
      ? [
          promoteStatement(db, workshopId, promoteOp, move?.now ?? new Date()),
          countStatement(db, workshopId, promoteOp),
        ]
      : []),
    ...(move ? recorded(sql`EXISTS (SELECT 1 FROM registrations WHERE seat_op = ${op})`) : []),
  ];
  const results = await runBatch(db, statements);
  const seatsOf = (rows: unknown): SeatsTaken | null => {
    const row = (
      rows as { confirmed_count: number; online_confirmed_count: number }[] | undefined
    )?.[0];
    return row
      ? { confirmedCount: row.confirmed_count, onlineConfirmedCount: row.online_confirmed_count }
      : null;
  };
  const takenBefore = seatsOf(results[before.length]);
  const offset = before.length + 1;
  const movedRows = move
    ? (results[offset] as {
        id: string;
        status: RegistrationStatus;
        previous_status: RegistrationStatus;
      }[])
    : [];
  const promotedRows = mayFreeSeat ? (results[offset + (move ? 2 : 0)] as { id: string }[]) : [];
  const moved = movedRows[0];
  // The last count run: the promotion's when there was one, else the move's.
  const counted = mayFreeSeat ? offset + (move ? 3 : 1) : move ? offset + 1 : -1;
  return {
    moved: moved
      ? { id: moved.id, status: moved.status, previousStatus: moved.previous_status }
      : null,
    promoted: promotedRows.map((r) => r.id),
    takenBefore,
    taken: counted >= 0 ? seatsOf(results[counted]) : takenBefore,
    before: results.slice(0, before.length) as BatchResponse<B>,
  };
}
