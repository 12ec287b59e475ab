// Small helpers for tests that talk to the Worker as a client would.
import { env, exports as workerExports } from "cloudflare:workers";
import { and, desc, eq, like, or, sql } from "drizzle-orm";
import { templateEmail } from "../../emails";
import type { Role } from "../../src/access/roles";
import { createDb } from "../../src/db/client";
import { emails, mailboxMessages, sessions } from "../../src/db/schema";
import { newId, newSecret, sha256Hex } from "../../src/lib/tokens";
import { emailIdempotencyKey } from "../../src/mail/consumer";
import type { EmailToSend } from "../../src/mail/outbox";
import { completeReference } from "../../src/mail/references";
import { BUILT_IN_OWNER, createOrganiser } from "../../src/organisers/service";
import { signInWithAdminToken } from "../../src/organisers/sign-in";
import { resolversFor } from "../../src/queue";
import { createServices } from "../../src/services";

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

/** A same-origin multipart form post (the import forms, which also take a file). */
export function multipartForm(
  path: string,
  fields: Record<string, string | File>,
  cookie?: string,
): Promise<Response> {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return call(path, {
    method: "POST",
    headers: {
      Origin: ORIGIN,
      "Sec-Fetch-Site": "same-origin",
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body,
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

type OutboxEmail = typeof emails.$inferSelect;

/** A small email to record in tests: the notice template with one paragraph. */
export function simpleEmail(overrides: Partial<EmailToSend> = {}): EmailToSend {
  return {
    to: uniqueEmail("rcpt"),
    subject: "Hello",
    kind: "test",
    ...templateEmail("notice", {
      props: { lang: "en", preview: "Hello", heading: "Hello", paragraphs: ["Hello there"] },
    }),
    ...overrides,
  };
}

/**
 * An outbox email as it went out. Requests record only what to render; the real queue
 * consumer renders and delivers it to the dev mailbox (and the outbox row then keeps only
 * the delivery record, its address sealed when it is about someone with a data key), so
 * this waits for that delivery and gives the row with what the dev mailbox received: the
 * bytes sent and the files. An email that failed instead is an error with its reason.
 */
export function delivered(email: OutboxEmail) {
  return deliveredTo(email, email.to);
}

/** `delivered`, for a row read before it was sent: `to` is its plain address, since sealed. */
export async function deliveredTo(email: OutboxEmail, to: string) {
  const message = await eventually(async () => {
    const row = await db().query.emails.findFirst({ where: eq(emails.id, email.id) });
    if (row?.status === "failed") throw new Error(`email ${email.id} failed: ${row.lastError}`);
    // By the idempotency key: a row read after it was sent holds its address sealed.
    return db().query.mailboxMessages.findFirst({
      where: eq(mailboxMessages.idempotencyKey, emailIdempotencyKey(email.id)),
    });
  });
  const { subject, html, text, headers, attachments } = message;
  return { ...email, to: message.to ?? to, subject, html, text, headers, attachments };
}

/**
 * The outbox rows to an address: by its plaintext while queued, or, once final (when the
 * address is sealed), by the dev mailbox's copy of what was sent.
 */
export const emailsTo = (to: string) =>
  or(
    eq(emails.to, to),
    sql`EXISTS (SELECT 1 FROM ${mailboxMessages} m WHERE m.idempotency_key = 'email/' || ${emails.id} AND m.to_address = ${to})`,
  );

/**
 * Writes the emails recorded by reference (src/mail/references.ts) with the consumer's own
 * code, as its first step would: a row written so holds no address until then, and a search
 * by address (`emailsTo`) then finds it as it finds any other queued email. The consumer,
 * racing, completes each at most once; one it cannot write is left to it.
 */
export async function writeReferences() {
  const refs = await db().query.emails.findMany({
    where: and(like(emails.template, "ref:%"), eq(emails.status, "queued")),
  });
  const svc = createServices(env);
  for (const email of refs)
    await completeReference(svc.db, svc.mailer, resolversFor(svc), {
      ...email,
      template: email.template!,
    }).catch(() => undefined);
}

/** The newest outbox email to an address (optionally of one kind), as delivered. */
export async function latestEmail(to: string, kind?: string) {
  await writeReferences();
  const email = await db().query.emails.findFirst({
    where: and(emailsTo(to), kind ? eq(emails.kind, kind) : undefined),
    orderBy: [desc(emails.createdAt)],
  });
  return email ? deliveredTo(email, to) : undefined;
}

/** The token of the first `/{prefix}/{token}` link in the newest email of that kind. */
export async function tokenFromEmail(
  to: string,
  kind: string,
  prefix: "r" | "i" | "s" | "u" = "r",
): Promise<string> {
  const email = await latestEmail(to, kind);
  if (!email) throw new Error(`no ${kind} email to ${to}`);
  // A signed token has dots inside (purpose.subject.expiry.signature), never at its end.
  const match = email.text.match(new RegExp(`/${prefix}/([A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*)`));
  if (!match) throw new Error(`no /${prefix}/ link in the ${kind} email to ${to}`);
  return match[1]!;
}

/** Puts an address on the suppression list, as a bounce, complaint or organiser would. */
export async function suppress(
  email: string,
  reason: "bounce" | "complaint" | "manual" | "erased" = "manual",
) {
  const { suppressInsert } = await import("../../src/subscribers/suppression");
  const { subscriberIndex } = await import("./vault");
  await suppressInsert(db(), await subscriberIndex(email), reason);
}

/** The suppression entry of an address (the list holds its index, or its old hash), if any. */
export async function suppression(email: string) {
  const { findSuppression, suppressionKeys } = await import("../../src/subscribers/suppression");
  const { vault } = await import("./vault");
  return findSuppression(db(), await suppressionKeys(await vault().subscribers(), email));
}

/** `tokenFromEmail` for many addresses at once: one wait for all their emails to go out. */
export async function tokensFromEmails(
  addresses: string[],
  kind: string,
  prefix: "r" | "i" | "s" | "u" = "r",
): Promise<string[]> {
  const { inArray, count, ne } = await import("drizzle-orm");
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < addresses.length; i += 90) {
    const some = addresses.slice(i, i + 90);
    await eventually(async () => {
      const [waiting] = await db()
        .select({ n: count() })
        .from(emails)
        .where(and(inArray(emails.to, some), eq(emails.kind, kind), ne(emails.status, "sent")));
      return waiting!.n === 0;
    }, 60_000);
  }
  return Promise.all(addresses.map((to) => tokenFromEmail(to, kind, prefix)));
}
