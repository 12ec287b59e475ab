// Workshop changes (update, publish, cancel) and their notices, apart so service.ts stays small.
import { and, eq, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert, auditInsertIf } from "../audit/service";
import { runBatch } from "../db/client";
import { invitations, registrations, workshops } from "../db/schema";
import { conflict, invalid } from "../lib/errors";
import { PURGED } from "../lib/forgotten";
import type { Recipient } from "../registrations/notices";
import { openRecipients, RECIPIENT_COLUMNS } from "../registrations/sealed";
import { applyMove } from "../registrations/seats";
import { sendNotices } from "../registrations/send";
import { type RegistrationStatus, SEAT_HOLDING } from "../registrations/status";
import type { Services } from "../services";
import { openFields } from "../vault/fields";
import type { DataKey } from "../vault/keys";
import type { UpdateWorkshopInput } from "./schemas";
import { checkVenueReveal, columnsFrom, getWorkshop, publicPathsOf } from "./service";
import type { Workshop } from "./types";
import { venueRevealAt } from "./venue";

/** Opens invitees read for a notice (sealed like registrations, src/invitations/sealed.ts). */
function openInvitees<R extends { id: string; email: string; name: string | null }>(
  key: DataKey | null,
  rows: R[],
) {
  return Promise.all(
    rows.map((row) =>
      openFields(key, "invitations", row, { email: `${PURGED}${row.id}`, name: null }),
    ),
  );
}

const ACTIVE_FOR_NOTICES = ["pending_approval", "confirmed", "waitlisted"] as const;

/** The people of `where` as notice recipients, their address and name opened. */
async function recipientsWhere(
  svc: Services,
  workshopId: string,
  where: SQL,
): Promise<Recipient[]> {
  const rows = await svc.db
    .select({ ...RECIPIENT_COLUMNS, status: registrations.status })
    .from(registrations)
    .where(and(eq(registrations.workshopId, workshopId), where));
  const opened = await openRecipients(await svc.vault.workshop(workshopId), rows);
  return opened.map(({ status, ...r }) => ({ ...r, seated: SEAT_HOLDING.includes(status) }));
}

function registrationsWithStatus(
  svc: Services,
  workshopId: string,
  statuses: readonly RegistrationStatus[],
) {
  return recipientsWhere(svc, workshopId, inArray(registrations.status, [...statuses]));
}

/** Anyone registered for a workshop (seated, waiting or being decided on). */
const anyoneIn = (workshopId: string) =>
  sql`EXISTS (SELECT 1 FROM ${registrations} WHERE ${registrations.workshopId} = ${workshopId}
    AND ${registrations.status} IN
    ('pending_verification', 'pending_approval', 'confirmed', 'waitlisted', 'attended'))`;

/** Anyone still in a workshop's online pool (seated, waiting or being decided on). */
const inOnlinePool = (workshopId: string) =>
  sql`EXISTS (SELECT 1 FROM ${registrations} WHERE ${registrations.workshopId} = ${workshopId}
    AND ${registrations.mode} = 'online' AND ${registrations.status} IN
    ('pending_verification', 'pending_approval', 'confirmed', 'waitlisted', 'attended'))`;

export async function updateWorkshop(
  svc: Services,
  actor: Actor,
  id: string,
  input: UpdateWorkshopInput,
): Promise<Workshop> {
  const { db } = svc;
  const current = await getWorkshop(db, id);
  if (current.status === "cancelled") throw conflict("A cancelled workshop cannot be changed.");
  const set = columnsFrom(input);
  const startsAt = set.startsAt ?? current.startsAt;
  const endsAt = set.endsAt ?? current.endsAt;
  if (endsAt <= startsAt)
    throw invalid("The end must come after the start.", [
      { path: "endsAt", message: "The end must come after the start." },
    ]);
  const next = { ...current, ...set };
  checkVenueReveal(next);
  // A reveal that now lies ahead (moved later, or newly set) is owed again: to the workshop
  // (its calendar SEQUENCE bump) and to each participant (their email with the place).
  const revealAt = venueRevealAt(next);
  const revealAhead = revealAt !== null && revealAt > svc.now();
  const rescheduled =
    (set.startsAt && set.startsAt.getTime() !== current.startsAt.getTime()) ||
    (set.endsAt && set.endsAt.getTime() !== current.endsAt.getTime()) ||
    (input.venue !== undefined &&
      (set.venueName !== current.venueName ||
        set.venueAddress !== current.venueAddress ||
        set.venueCity !== current.venueCity)) ||
    (set.onlineUrl !== undefined && set.onlineUrl !== current.onlineUrl);

  const capacity = set.capacity;
  const onlineCapacity = set.onlineCapacity;
  // A workshop stops being hybrid only when nobody is in its online pool: they would keep
  // a mode that no longer means anything, counted nowhere.
  const leavesHybrid =
    current.attendance === "hybrid" && set.attendance !== undefined && set.attendance !== "hybrid";
  // An online workshop's people registered to take part online; made hybrid, they would
  // count in the room's pool (and lose the link), so it becomes hybrid before anyone
  // registers, or not at all.
  const onlineToHybrid = current.attendance === "online" && set.attendance === "hybrid";
  // The capacity may not drop below the seats already taken: checked in the same statement
  // that changes it, so a seat taken meanwhile cannot slip past.
  const update = db
    .update(workshops)
    .set({
      ...set,
      updatedAt: new Date(),
      ...(rescheduled ? { calendarSequence: sql`${workshops.calendarSequence} + 1` } : {}),
      ...(revealAhead ? { venueRevealedAt: null } : {}),
    })
    .where(
      and(
        eq(workshops.id, id),
        capacity === undefined || capacity === null
          ? undefined
          : sql`${workshops.confirmedCount} <= ${capacity}`,
        onlineCapacity === undefined || onlineCapacity === null
          ? undefined
          : sql`${workshops.onlineConfirmedCount} <= ${onlineCapacity}`,
        leavesHybrid ? sql`NOT ${inOnlinePool(id)}` : undefined,
        onlineToHybrid ? sql`NOT ${anyoneIn(id)}` : undefined,
      ),
    )
    .returning({ id: workshops.id });
  let result: Awaited<ReturnType<typeof applyMove>>;
  try {
    result = await applyMove(db, id, null, [
      update,
      ...(revealAhead
        ? [
            db
              .update(registrations)
              .set({ venueSentAt: null })
              .where(
                and(
                  eq(registrations.workshopId, id),
                  isNotNull(registrations.venueSentAt),
                  // only if the change above happened: the workshop's reveal is now ahead
                  sql`(SELECT ${workshops.startsAt} - ${workshops.venueRevealHours} * 3600000 FROM ${workshops} WHERE ${workshops.id} = ${id}) > ${svc.now().getTime()}`,
                ),
              ),
          ]
        : []),
      // Having stopped being hybrid, its people are all in its one pool, whoever restores later.
      ...(leavesHybrid
        ? [
            db
              .update(registrations)
              .set({ mode: null })
              .where(
                and(
                  eq(registrations.workshopId, id),
                  sql`(SELECT ${workshops.attendance} FROM ${workshops} WHERE ${workshops.id} = ${id}) != 'hybrid'`,
                ),
              ),
          ]
        : []),
      auditInsert(db, actor, { action: "workshop.update", targetType: "workshop", targetId: id }),
    ]);
  } catch (error) {
    if (String(error).includes("UNIQUE")) throw conflict("Another workshop uses that slug.");
    throw error;
  }
  const updated = await getWorkshop(db, id);
  if (updated.status !== "draft")
    await svc.pages.purge([...publicPathsOf(current), ...publicPathsOf(updated)]);
  if (capacity !== undefined && capacity !== null && updated.capacity !== capacity) {
    throw conflict(
      `The capacity cannot be lower than the ${updated.confirmedCount} seats already confirmed.`,
    );
  }
  if (onlineCapacity != null && updated.onlineCapacity !== onlineCapacity) {
    throw conflict(
      `The online capacity cannot be lower than the ${updated.onlineConfirmedCount} online seats already confirmed.`,
    );
  }
  if (onlineToHybrid && updated.attendance !== "hybrid") {
    throw conflict(
      "People registered for this online workshop: it can become hybrid only before anyone registers. Create a hybrid workshop instead.",
    );
  }
  if (leavesHybrid && updated.attendance === "hybrid") {
    throw conflict(
      "People take part online in this workshop: move them to in person, or cancel them, before it stops being hybrid.",
    );
  }
  if (result.promoted.length > 0) {
    const promoted = await recipientsWhere(svc, id, inArray(registrations.id, result.promoted));
    await sendNotices(db, svc.mailer, svc.settings, updated, promoted, "promoted");
  }
  if (rescheduled && updated.status === "published") {
    const people = await registrationsWithStatus(svc, id, ACTIVE_FOR_NOTICES);
    await sendNotices(db, svc.mailer, svc.settings, updated, people, "workshop_updated");
  }
  return updated;
}

export async function publishWorkshop(svc: Services, actor: Actor, id: string): Promise<Workshop> {
  const { db } = svc;
  const current = await getWorkshop(db, id);
  if (current.status === "cancelled") throw conflict("A cancelled workshop cannot be published.");
  if (current.status === "published") return current;
  const draft = and(eq(workshops.id, id), eq(workshops.status, "draft"));
  await runBatch(db, [
    auditInsertIf(
      db,
      actor,
      { action: "workshop.publish", targetType: "workshop", targetId: id },
      sql`EXISTS (SELECT 1 FROM ${workshops} WHERE ${draft})`,
    ),
    db.update(workshops).set({ status: "published", updatedAt: new Date() }).where(draft),
  ]);
  await svc.pages.purge(publicPathsOf(current));
  return getWorkshop(db, id);
}

/** Cancels once; everyone registered or invited is told, with a calendar cancellation. */
export async function cancelWorkshop(svc: Services, actor: Actor, id: string): Promise<Workshop> {
  const { db } = svc;
  await getWorkshop(db, id);
  const notCancelled = and(eq(workshops.id, id), sql`${workshops.status} <> 'cancelled'`);
  const [, changed] = await runBatch(db, [
    auditInsertIf(
      db,
      actor,
      { action: "workshop.cancel", targetType: "workshop", targetId: id },
      sql`EXISTS (SELECT 1 FROM ${workshops} WHERE ${notCancelled})`,
    ),
    db
      .update(workshops)
      .set({
        status: "cancelled",
        updatedAt: new Date(),
        calendarSequence: sql`${workshops.calendarSequence} + 1`,
      })
      .where(notCancelled)
      .returning({ id: workshops.id }),
  ]);
  const workshop = await getWorkshop(db, id);
  if (changed.length === 0) return workshop;
  await svc.pages.purge(publicPathsOf(workshop));
  const people = await registrationsWithStatus(svc, id, [
    "pending_verification",
    ...ACTIVE_FOR_NOTICES,
  ]);
  await sendNotices(db, svc.mailer, svc.settings, workshop, people, "workshop_cancelled");
  const invited = await openInvitees(
    await svc.vault.workshop(id),
    await db
      .select({
        id: invitations.id,
        email: invitations.email,
        emailIndex: invitations.emailIndex,
        name: invitations.name,
      })
      .from(invitations)
      .where(and(eq(invitations.workshopId, id), inArray(invitations.status, ["pending", "sent"]))),
  );
  await sendNotices(
    db,
    svc.mailer,
    svc.settings,
    workshop,
    invited.map((i) => ({
      id: i.id,
      email: i.email,
      emailIndex: i.emailIndex,
      name: i.name ?? "",
      language: workshop.language,
    })),
    "invitation_cancelled",
  );
  return workshop;
}
