// Small helpers for tests that talk to the Worker as a client would.
import { env, exports as workerExports } from "cloudflare:workers";
import type { Role } from "../../src/access/roles";
import { createDb } from "../../src/db/client";
import { sessions } from "../../src/db/schema";
import { newId, newSecret, sha256Hex } from "../../src/lib/tokens";
import {
  BUILT_IN_OWNER,
  createOrganiser,
  signInWithAdminToken,
} from "../../src/organisers/service";

export const ORIGIN = "https://workshops.test";
export const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };

export const db = () => createDb(env.DB);

/** A request to the Worker's fetch handler, as a browser or script would send it. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return workerExports.default.fetch(
    new Request(new URL(path, ORIGIN), { redirect: "manual", ...init }),
  );
}

export function json(
  path: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return call(path, {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** A same-origin HTML form post, with a session cookie when given. */
export function form(
  path: string,
  fields: Record<string, string>,
  cookie?: string,
): Promise<Response> {
  return call(path, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: ORIGIN,
      "Sec-Fetch-Site": "same-origin",
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The `name=value` part of the session cookie a response set. */
export function sessionCookieFrom(response: Response): string {
  const setCookie = response.headers
    .getSetCookie()
    .find((c) => c.startsWith("__Host-session=") || c.startsWith("session="));
  if (!setCookie) throw new Error("no session cookie set");
  return setCookie.split(";")[0]!;
}

let counter = 0;
export function uniqueEmail(prefix = "person"): string {
  counter += 1;
  return `${prefix}.${counter}.${Math.random().toString(36).slice(2, 8)}@example.org`;
}

/** Creates an organiser with a role and returns it. */
export async function organiserWithRole(role: Role) {
  return createOrganiser(db(), BUILT_IN_OWNER, {
    email: uniqueEmail(role),
    name: `Test ${role}`,
    role,
  });
}

/** A session cookie for the built-in owner (ADMIN_TOKEN sign-in). */
export async function ownerCookie(): Promise<string> {
  const token = await signInWithAdminToken(db(), env.ADMIN_TOKEN, env.ADMIN_TOKEN);
  return `__Host-session=${token}`;
}

/** Polls until `check` returns a value, for work the real queue consumer does in the background. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A session cookie for an organiser, as if they had signed in through a link. */
export async function cookieFor(organiserId: string): Promise<string> {
  const token = newSecret();
  await db()
    .insert(sessions)
    .values({
      id: newId("ses"),
      tokenHash: await sha256Hex(token),
      organiserId,
      expiresAt: new Date(Date.now() + 3600_000),
    });
  return `__Host-session=${token}`;
}

/**
 * The newest email to an address (optionally of one kind), as its recipient got it. The
 * outbox keeps only the delivery record once an email is sent, so the body of a sent email
 * comes from the dev mailbox (tests run with a local APP_URL).
 * Undefined when nothing was recorded for the address.
 */
export async function latestEmail(to: string, kind?: string) {
  const { emails, mailboxMessages } = await import("../../src/db/schema");
  const { and, desc, eq } = await import("drizzle-orm");
  const record = await db().query.emails.findFirst({
    where: and(eq(emails.to, to), kind ? eq(emails.kind, kind) : undefined),
    orderBy: [desc(emails.createdAt)],
  });
  if (!record) return undefined;
  // Not sent yet: the outbox still has the body (and reading it is quicker than waiting).
  if (record.status === "queued") return record;
  const delivered = await eventually(() =>
    db().query.mailboxMessages.findFirst({
      where: and(
        eq(mailboxMessages.idempotencyKey, `email/${record.id}`),
        eq(mailboxMessages.to, to),
      ),
    }),
  );
  const { subject, html, text, headers, attachments } = delivered;
  return { ...record, subject, html, text, headers, attachments };
}

/** The token of the first `/{prefix}/{token}` link in the newest email of that kind. */
export async function tokenFromEmail(
  to: string,
  kind: string,
  prefix: "r" | "i" | "s" | "u" = "r",
): Promise<string> {
  const email = await latestEmail(to, kind);
  if (!email) throw new Error(`no ${kind} email to ${to}`);
  const match = email.text.match(new RegExp(`/${prefix}/([A-Za-z0-9_-]{20,})`));
  if (!match) throw new Error(`no /${prefix}/ link in the ${kind} email to ${to}`);
  return match[1]!;
}

/** Puts an address on the suppression list, as a bounce, complaint or organiser would. */
export async function suppress(
  email: string,
  reason: "bounce" | "complaint" | "manual" | "erased" = "manual",
) {
  const { suppressInsert, suppressionHash } = await import("../../src/subscribers/suppression");
  await suppressInsert(db(), await suppressionHash(email), reason);
}

/** The suppression entry of an address (the list holds its hash), if any. */
export async function suppression(email: string) {
  const { findSuppression } = await import("../../src/subscribers/suppression");
  return findSuppression(db(), email);
}
