// The master key (DATA_KEY) and the one before it (DATA_KEY_PREVIOUS), as WebCrypto keys.
// They only wrap data keys (src/vault/keys.ts); no personal value is sealed with them.
import { fingerprint, importAesKey, keyBytesFromBase64 } from "../lib/crypto";

export interface MasterKey {
  /** Recorded beside every data key it wraps, so a wrong DATA_KEY is named, never tried. */
  fingerprint: string;
  key: CryptoKey;
}

export interface MasterKeys {
  current: MasterKey;
  /** Set while a rotation is under way: data keys still wrapped under it open with it. */
  previous: MasterKey | null;
}

/** Why the Worker may not touch attendee data with these settings; null when it may. */
export function masterKeyProblem(dataKey: string | undefined, previous: string | undefined) {
  const hint = "base64 of 32 random bytes (openssl rand -base64 32)";
  if (!dataKey)
    return `DATA_KEY is not set: set it to ${hint} (wrangler secret put DATA_KEY; locally, in .dev.vars).`;
  if (!keyBytesFromBase64(dataKey)) return `DATA_KEY is not ${hint}.`;
  if (previous && !keyBytesFromBase64(previous))
    return `DATA_KEY_PREVIOUS is set but is not ${hint}: set it to the old DATA_KEY, or remove it.`;
  return null;
}

// Importing a key costs a little; an isolate sees one pair of secrets for its whole life.
const imported = new Map<string, Promise<MasterKey>>();

function masterKey(secret: string): Promise<MasterKey> {
  let found = imported.get(secret);
  if (!found) {
    const raw = keyBytesFromBase64(secret);
    if (!raw) throw new Error("not a master key");
    found = (async () => ({ fingerprint: await fingerprint(raw), key: await importAesKey(raw) }))();
    imported.set(secret, found);
  }
  return found;
}

export async function masterKeys(
  dataKey: string | undefined,
  previous: string | undefined,
): Promise<MasterKeys> {
  const problem = masterKeyProblem(dataKey, previous);
  if (problem) throw new VaultError(problem);
  return {
    current: await masterKey(dataKey!),
    previous: previous ? await masterKey(previous) : null,
  };
}

/**
 * The vault cannot open what it holds: DATA_KEY is missing, malformed, or not the key the
 * data keys were wrapped with. Served as a 503 naming the setting: never garbage, never a
 * half-shown list.
 */
export class VaultError extends Error {
  override name = "VaultError";
}
