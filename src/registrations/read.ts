// A registration with its workshop, by id: what a participant's link names. Read in one
// round trip (the registration, its workshop and the workshop's key), with statements
// compiled once per isolate (../db/compiled.ts): building them was a tenth of a verification.
import { eq, sql } from "drizzle-orm";
import type { BatchResponse } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { compiled } from "../db/compiled";
import { registrations } from "../db/schema";
import { isForgotten } from "../lib/forgotten";
import type { Services } from "../services";
import { workshopKeyName, workshopKeyRowQuery } from "../vault/keys";
import type { Workshop } from "../workshops/types";
import { openRegistration, type Registration } from "./sealed";

const registrationWithWorkshop = compiled((db) =>
  db.query.registrations.findFirst({
    where: eq(registrations.id, sql.placeholder("id")),
    with: { workshop: true },
  }),
);
const keyOfRegistrationWorkshop = compiled((db) =>
  workshopKeyRowQuery(
    db,
    sql`(SELECT ${registrations.workshopId} FROM ${registrations} WHERE ${registrations.id} = ${sql.placeholder("id")})`,
  ),
);

/** The read's statements, for a batch of the caller's (the verification's). */
export function registrationReads(db: Db, id: string) {
  return [registrationWithWorkshop(db, { id }), keyOfRegistrationWorkshop(db, { id })] as const;
}

type Read = BatchResponse<ReturnType<typeof registrationReads>>;

/**
 * What the read's statements gave, opened: null when there is no such registration, or it
 * names a person who is gone (erased, or the workshop's data purged): a signed link cannot
 * be deleted, so it is refused.
 */
async function openRead(
  svc: Pick<Services, "vault">,
  [found, keyRows]: Read,
): Promise<{ registration: Registration; workshop: Workshop } | null> {
  if (!found) return null;
  const { workshop, ...rest } = found;
  svc.vault.adopt(workshopKeyName(workshop.id), keyRows[0]);
  const opened = await openRegistration(await svc.vault.workshop(workshop.id), rest);
  if (isForgotten(opened.email)) return null;
  return { registration: opened, workshop };
}

/** A registration (opened) and its workshop, by id; null as for `openRead`. */
export async function findById(
  svc: Pick<Services, "db" | "vault">,
  id: string,
): Promise<{ registration: Registration; workshop: Workshop } | null> {
  return openRead(svc, await svc.db.batch(registrationReads(svc.db, id)));
}
