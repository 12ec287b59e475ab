// An invitation's personal columns (email, name, affiliation) are stored sealed under its
// workshop's data key, like a registration's (src/registrations/sealed.ts). Every read of an
// invitation that shows or uses them goes through `openInvitation(s)`; every write of them
// through `sealInvitee`. Lookups by address compare `email_index`, never the sealed email.
import type { invitations } from "../db/schema";
import { PURGED } from "../lib/forgotten";
import { normaliseEmail } from "../lib/text";
import { addressIndex, openFields, sealFields } from "../vault/fields";
import type { DataKey, Vault } from "../vault/keys";

export type StoredInvitation = typeof invitations.$inferSelect;
/** An invitation as services use it: the same columns, opened. */
export type Invitation = StoredInvitation;

const TABLE = "invitations";

/** What an invitation shows once its key is destroyed: the same as a purged one. */
const erasedOf = (id: string) => ({ email: `${PURGED}${id}`, name: null, affiliation: null });

export function openInvitation(key: DataKey | null, row: StoredInvitation): Promise<Invitation> {
  return openFields(key, TABLE, row, erasedOf(row.id));
}

/** Opens rows of any workshops, each with its own key (loaded once per workshop). */
export function openInvitations(vault: Vault, rows: StoredInvitation[]): Promise<Invitation[]> {
  return Promise.all(
    rows.map(async (row) => openInvitation(await vault.workshop(row.workshopId), row)),
  );
}

export interface InviteeFields {
  email: string;
  name: string | null;
  affiliation: string | null;
}

/** The sealed columns of invitation `id`, and its address index, ready to insert. */
export async function sealInvitee(key: DataKey, id: string, invitee: InviteeFields) {
  const email = normaliseEmail(invitee.email);
  const sealed = await sealFields(key, TABLE, id, {
    email,
    name: invitee.name,
    affiliation: invitee.affiliation,
  });
  return {
    email: sealed.email!,
    name: sealed.name,
    affiliation: sealed.affiliation,
    emailIndex: await addressIndex(key, email),
  };
}
