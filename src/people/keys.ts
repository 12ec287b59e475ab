// An owner's controls over the data keys (src/vault/): when a workshop's key will be
// destroyed, destroying it early, and re-wrapping every key under a new DATA_KEY.
//
// Destroying early is the retention purge brought forward (retention.ts), by an owner's
// decision, and as final: it asks for two confirmations (the workshop's slug typed out, and
// an explicit "this cannot be undone"), and is audited as `workshop.key_destroy`.
import { eq } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { audit } from "../audit/service";
import type { Db } from "../db/client";
import { dataKeys, workshops } from "../db/schema";
import { conflict, type FieldError, invalid, notFound } from "../lib/errors";
import type { Services } from "../services";
import { workshopKeyName } from "../vault/keys";
import { publicPathsOf } from "../workshops/service";
import { purgeDueAt, purgeWorkshop } from "./retention";

/** What a workshop's key state is read from. */
export interface KeyedWorkshop {
  id: string;
  slug: string;
  timezone: string;
  endsAt: Date;
  retentionDays: number;
  purgedAt: Date | null;
}

export interface WorkshopKeyState {
  /** When the retention purge destroys it: the workshop's end plus its retention period. */
  destroysAt: Date;
  /** When it was destroyed (or the workshop purged, before keys existed); null while it lives. */
  destroyedAt: Date | null;
}

export async function workshopKeyState(db: Db, w: KeyedWorkshop): Promise<WorkshopKeyState> {
  const row = await db.query.dataKeys.findFirst({
    where: eq(dataKeys.name, workshopKeyName(w.id)),
    columns: { destroyedAt: true },
  });
  return { destroysAt: purgeDueAt(w), destroyedAt: row?.destroyedAt ?? w.purgedAt ?? null };
}

export function workshopKeyJson(state: WorkshopKeyState) {
  return {
    status: state.destroyedAt ? ("destroyed" as const) : ("live" as const),
    destroysAt: state.destroysAt.toISOString(),
    destroyedAt: state.destroyedAt?.toISOString() ?? null,
  };
}

export async function getKeyedWorkshop(db: Db, id: string): Promise<KeyedWorkshop> {
  const w = await db.query.workshops.findFirst({ where: eq(workshops.id, id) });
  if (!w) throw notFound("No such workshop.");
  return w;
}

/** The two confirmations an early destruction needs, as typed or ticked by the owner. */
export interface DestroyConfirmation {
  /** The workshop's slug, typed out. */
  slug: string;
  /** "I understand this cannot be undone." */
  irreversible: boolean;
}

/** What is missing from the confirmations, as field errors; empty when both are given. */
export function confirmationErrors(w: KeyedWorkshop, confirm: Partial<DestroyConfirmation>) {
  const errors: FieldError[] = [];
  if ((confirm.slug ?? "").trim() !== w.slug)
    errors.push({ path: "slug", message: `Type the workshop's slug, ${w.slug}, exactly.` });
  if (confirm.irreversible !== true)
    errors.push({ path: "irreversible", message: "Confirm that this cannot be undone." });
  return errors;
}

/**
 * Destroys a workshop's data key now, and forgets its people as the retention purge would.
 * Refused without both confirmations, and when the key is destroyed already.
 */
export async function destroyWorkshopKey(
  svc: Services,
  actor: Actor,
  workshopId: string,
  confirm: DestroyConfirmation,
): Promise<WorkshopKeyState> {
  const w = await getKeyedWorkshop(svc.db, workshopId);
  const errors = confirmationErrors(w, confirm);
  if (errors.length) throw invalid("Both confirmations are needed.", errors);
  if ((await workshopKeyState(svc.db, w)).destroyedAt)
    throw conflict("This workshop's data key is destroyed already.");
  await purgeWorkshop(svc, w.id, svc.now(), actor, "workshop.key_destroy");
  // Its public page said places were left: it now says registration is closed.
  await svc.pages.purge(publicPathsOf(w));
  return workshopKeyState(svc.db, await getKeyedWorkshop(svc.db, w.id));
}

/** How many keys one rotation step re-wraps: a few D1 writes each, far below a request's limits. */
export const ROTATE_STEP = 200;

/**
 * One step of a master key rotation: re-wraps up to `limit` data keys still under
 * DATA_KEY_PREVIOUS with DATA_KEY. Call again until `remaining` is 0; audited per step.
 */
export async function rotateDataKeys(svc: Services, actor: Actor, limit = ROTATE_STEP) {
  const { rewrapped, remaining } = await svc.vault.rotate(limit);
  await audit(svc.db, actor, {
    action: "vault.rotate",
    targetType: "data_keys",
    detail: { rewrapped, remaining },
  });
  return { rewrapped, remaining, status: await svc.vault.status() };
}
