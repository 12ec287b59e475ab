// Subscriber links. /s/{token}: confirm and manage, signed, valid 30 days (each email
// carries a fresh one). /u/{token}: unsubscribe, signed, no expiry, for a subscriber
// (`s:id`) or an attendee's report consent (`r:id`).
import { signToken, verifyToken } from "../lib/signed";

const MANAGE = "sub";
const UNSUBSCRIBE = "u";
const MANAGE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export const manageToken = (secret: string, subscriberId: string, now = new Date()) =>
  signToken(secret, MANAGE, subscriberId, new Date(now.getTime() + MANAGE_TTL_MS));
export const readManageToken = (secret: string, token: string) =>
  verifyToken(secret, MANAGE, token);

export type UnsubscribeSubject = { kind: "subscriber" | "registration"; id: string };

export const unsubscribeToken = (secret: string, subject: UnsubscribeSubject) =>
  signToken(
    secret,
    UNSUBSCRIBE,
    `${subject.kind === "subscriber" ? "s" : "r"}:${subject.id}`,
    null,
  );

export async function readUnsubscribeToken(
  secret: string,
  token: string,
): Promise<UnsubscribeSubject | null> {
  const subject = await verifyToken(secret, UNSUBSCRIBE, token);
  const m = subject?.match(/^([sr]):(.+)$/);
  return m ? { kind: m[1] === "s" ? "subscriber" : "registration", id: m[2]! } : null;
}
