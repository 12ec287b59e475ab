// Field encryption and blind indexes, on WebCrypto. Each value is sealed with AES-256-GCM
// under a data key, with a fresh random nonce and additional authenticated data naming the
// row and column it belongs to, so a ciphertext copied to another row or column does not
// open. Data keys are stored only wrapped (sealed the same way) under a master key.
// Equality lookups use blind indexes: HMAC-SHA-256 under a key derived from a data key.

const VERSION = "v1";
const NONCE_BYTES = 12;
const enc = new TextEncoder();
const dec = new TextDecoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Decodes a standard base64 secret (the DATA_KEY setting); null when it is not 32 bytes. */
export function keyBytesFromBase64(secret: string | undefined): Uint8Array | null {
  if (!secret) return null;
  try {
    const bytes = Uint8Array.from(atob(secret.trim()), (c) => c.charCodeAt(0));
    return bytes.length === 32 ? bytes : null;
  } catch {
    return null;
  }
}

export function randomKeyBytes(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

export function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** Where a value lives: bound into its ciphertext, so it opens nowhere else. */
export type Place = string;

export async function seal(key: CryptoKey, plaintext: Uint8Array, place: Place): Promise<string> {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: enc.encode(place) },
      key,
      plaintext,
    ),
  );
  const out = new Uint8Array(NONCE_BYTES + sealed.length);
  out.set(nonce);
  out.set(sealed, NONCE_BYTES);
  return `${VERSION}:${toBase64Url(out)}`;
}

/** Opens what `seal` made for the same place; throws when the key, the place or the bytes differ. */
export async function open(key: CryptoKey, sealed: string, place: Place): Promise<Uint8Array> {
  const [version, body] = sealed.split(":", 2);
  if (version !== VERSION || !body) throw new Error("not a sealed value");
  const bytes = fromBase64Url(body);
  return new Uint8Array(
    await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, NONCE_BYTES), additionalData: enc.encode(place) },
      key,
      bytes.slice(NONCE_BYTES),
    ),
  );
}

export const sealText = (key: CryptoKey, text: string, place: Place) =>
  seal(key, enc.encode(text), place);

export const openText = async (key: CryptoKey, sealed: string, place: Place) =>
  dec.decode(await open(key, sealed, place));

/** Whether a stored text is a sealed value (rather than plaintext, or an erased marker). */
export const isSealed = (value: string | null | undefined): value is string =>
  typeof value === "string" && value.startsWith(`${VERSION}:`);

/**
 * A key for blind indexes, derived from a data key's raw bytes with HKDF, so the index dies
 * with the data key it was derived from.
 */
export async function indexKey(raw: Uint8Array, purpose: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: enc.encode(purpose) },
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
}

/** HMAC-SHA-256 of a (normalised) value: equal values give equal indexes under one key only. */
export async function blindIndex(key: CryptoKey, value: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(value))));
}

/** A short, stable fingerprint of a key, to record which master key wrapped a data key. */
export async function fingerprint(raw: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
  return toBase64Url(digest.slice(0, 9));
}
