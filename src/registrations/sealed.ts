// A registration's personal columns (email, name, affiliation, answers, notes, needs) are stored
// sealed under its workshop's data key (src/vault/). Every read of a registration that shows
// or uses them goes through `openRegistration(s)`; every write of them through `sealPerson`.
import { registrations } from "../db/schema";
import { PURGED } from "../lib/forgotten";
import { normaliseEmail } from "../lib/text";
import { addressIndex, openFields, sealFields } from "../vault/fields";
import type { DataKey, Vault } from "../vault/keys";

export type StoredRegistration = typeof registrations.$inferSelect;
export type Answers = Record<string, string | boolean>;
/** A registration as services use it: opened, answers parsed. */
export type Registration = Omit<StoredRegistration, "answers"> & { answers: Answers };

const TABLE = "registrations";

/** What a registration row shows once its key is destroyed: the same as a purged one. */
const erasedOf = (id: string) => ({
  email: `${PURGED}${id}`,
  name: "",
  affiliation: null,
  answers: "{}",
  notes: null,
  accessibility: null,
  dietary: null,
});

function parseAnswers(text: string): Answers {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" ? (parsed as Answers) : {};
  } catch {
    return {};
  }
}

export async function openRegistration(
  key: DataKey | null,
  row: StoredRegistration,
): Promise<Registration> {
  const opened = await openFields(key, TABLE, row, erasedOf(row.id));
  return { ...opened, answers: parseAnswers(opened.answers) };
}

/** Opens rows of any workshops, each with its own key (loaded once per workshop). */
export async function openRegistrations(
  vault: Vault,
  rows: StoredRegistration[],
): Promise<Registration[]> {
  return Promise.all(
    rows.map(async (row) => openRegistration(await vault.workshop(row.workshopId), row)),
  );
}

export interface PersonFields {
  email: string;
  name: string;
  affiliation: string | null;
  answers: Answers;
  notes?: string | null;
  /** Needs (src/registrations/needs.ts): left as they are when undefined. */
  accessibility?: string | null;
  dietary?: string | null;
}

/** The sealed columns of a registration, and its address index, ready to insert or set. */
export async function sealPerson(key: DataKey, id: string, person: PersonFields) {
  const email = normaliseEmail(person.email);
  const sealed = await sealFields(key, TABLE, id, {
    email,
    name: person.name,
    affiliation: person.affiliation,
    answers: JSON.stringify(person.answers),
    notes: person.notes ?? null,
    accessibility: person.accessibility ?? null,
    dietary: person.dietary ?? null,
  });
  return {
    email: sealed.email!,
    name: sealed.name ?? "",
    affiliation: sealed.affiliation,
    answers: sealed.answers!,
    ...(person.notes !== undefined ? { notes: sealed.notes } : {}),
    ...(person.accessibility !== undefined ? { accessibility: sealed.accessibility } : {}),
    ...(person.dietary !== undefined ? { dietary: sealed.dietary } : {}),
    emailIndex: await addressIndex(key, email),
  };
}

/** Seals one column (an organiser's note) for an update. */
export async function sealColumn(key: DataKey, id: string, column: "notes", value: string | null) {
  return (
    await sealFields(key, TABLE, id, { [column]: value } as Record<typeof column, string | null>)
  )[column];
}

/** The columns a notice needs, read with a narrow select (a claim's RETURNING, a list). */
export const RECIPIENT_COLUMNS = {
  id: registrations.id,
  email: registrations.email,
  emailIndex: registrations.emailIndex,
  name: registrations.name,
  language: registrations.language,
  mode: registrations.mode,
};

/** Opens the address and name of rows read for notices, with their workshop's key. */
export function openRecipients<R extends { id: string; email: string; name: string }>(
  key: DataKey | null,
  rows: R[],
): Promise<R[]> {
  return Promise.all(
    rows.map((row) => openFields(key, TABLE, row, { email: `${PURGED}${row.id}`, name: "" })),
  );
}
