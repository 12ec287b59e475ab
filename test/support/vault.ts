// Tests read sealed rows as the Worker does: through the vault, with the test DATA_KEY.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { emails, invitations, registrations, subscribers } from "../../src/db/schema";
import {
  openRegistration,
  openRegistrations,
  type Registration,
} from "../../src/registrations/sealed";
import { addressIndex } from "../../src/vault/fields";
import { Vault, workshopKeyName } from "../../src/vault/keys";
import { masterKeys } from "../../src/vault/master";
import { db } from "./helpers";

/** A fresh vault (no cache carried between calls, like a new request). */
export const vault = () => new Vault(db(), () => masterKeys(env.DATA_KEY, env.DATA_KEY_PREVIOUS));

/** The address index of `email` in a workshop (what registrations and invitations store). */
export async function workshopIndex(workshopId: string, email: string): Promise<string> {
  const key = await vault().workshopToSeal(workshopId);
  if (!key) throw new Error(`the key of ${workshopId} was destroyed`);
  return addressIndex(key, email);
}

/** The address index of `email` among subscribers (and suppressions). */
export async function subscriberIndex(email: string): Promise<string> {
  return addressIndex(await vault().subscribers(), email);
}

/** The registration of `email` at a workshop, opened; undefined when there is none. */
export async function registrationOf(
  workshopId: string,
  email: string,
): Promise<Registration | undefined> {
  const row = await db().query.registrations.findFirst({
    where: and(
      eq(registrations.workshopId, workshopId),
      eq(registrations.emailIndex, await workshopIndex(workshopId, email)),
    ),
  });
  return row && openRegistration(await vault().workshop(workshopId), row);
}

/** The stored (sealed) invitation row of `email` at a workshop. */
export async function invitationRowOf(workshopId: string, email: string) {
  return db().query.invitations.findFirst({
    where: and(
      eq(invitations.workshopId, workshopId),
      eq(invitations.emailIndex, await workshopIndex(workshopId, email)),
    ),
  });
}

/** The stored (sealed) subscriber row of `email`. */
export async function subscriberRowOf(email: string) {
  return db().query.subscribers.findFirst({
    where: eq(subscribers.emailIndex, await subscriberIndex(email)),
  });
}

/** The outbox rows to `email` about a workshop, whether still plain (queued) or sealed (final). */
export async function workshopEmailsTo(workshopId: string, email: string) {
  return db()
    .select()
    .from(emails)
    .where(
      and(
        eq(emails.keyName, workshopKeyName(workshopId)),
        eq(emails.toIndex, await workshopIndex(workshopId, email)),
      ),
    );
}

/** Every registration of a workshop, opened. */
export async function openedRegistrations(workshopId: string): Promise<Registration[]> {
  const rows = await db().query.registrations.findMany({
    where: eq(registrations.workshopId, workshopId),
  });
  return openRegistrations(vault(), rows);
}
