// Signed tokens: `purpose.subject.expiry.signature`, HMAC-SHA-256 with TOKEN_SECRET. Used
// where a link must be minted for very many recipients without storing anything (report
// unsubscribe links) or must survive in mail for a long time. Unforgeable without the
// secret; links that grant more than an unsubscribe carry an expiry.
import { base64url } from "./tokens";

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function key(secret: string): Promise<CryptoKey> {
  let found = keys.get(secret);
  if (!found) {
    found = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, found);
  }
  return found;
}

function fromBase64url(value: string): Uint8Array {
  const binary = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** `expiresAt` null: no expiry (unsubscribe links must keep working). */
export async function signToken(
  secret: string,
  purpose: string,
  subject: string,
  expiresAt: Date | null,
): Promise<string> {
  const expiry = expiresAt ? Math.floor(expiresAt.getTime() / 1000).toString(36) : "0";
  const body = `${purpose}.${subject}.${expiry}`;
  const signature = await crypto.subtle.sign("HMAC", await key(secret), encoder.encode(body));
  return `${body}.${base64url(new Uint8Array(signature).slice(0, 20))}`;
}

/** The subject, when the token is genuine, for this purpose, and not expired. */
export async function verifyToken(
  secret: string,
  purpose: string,
  token: string,
  now = new Date(),
): Promise<string | null> {
  const parts = token.split(".");
  if (parts.length !== 4) return null;
  const [tokenPurpose, subject, expiry, signature] = parts as [string, string, string, string];
  if (tokenPurpose !== purpose || !subject) return null;
  let given: Uint8Array;
  try {
    given = fromBase64url(signature);
  } catch {
    return null;
  }
  const expected = new Uint8Array(
    await crypto.subtle.sign(
      "HMAC",
      await key(secret),
      encoder.encode(`${tokenPurpose}.${subject}.${expiry}`),
    ),
  ).slice(0, 20);
  if (given.length !== expected.length || !crypto.subtle.timingSafeEqual(given, expected))
    return null;
  if (expiry !== "0" && Number.parseInt(expiry, 36) * 1000 < now.getTime()) return null;
  return subject;
}

/**
 * A stable, non-reversible name for a secret (HMAC-SHA-256 of `purpose` keyed with it):
 * stored beside what the secret created, so a rotated secret can be told from the current
 * one without storing either.
 */
export async function secretFingerprint(secret: string, purpose: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await key(secret), encoder.encode(purpose));
  return base64url(new Uint8Array(mac));
}
