// Which way mail leaves. Resend when a key is configured. Without one, the dev mailbox, but
// only while APP_URL is a local address: in production a missing key must never turn every
// email (sign-in links included) into a row anyone with the mailbox page could read. There,
// mail is held: it stays queued, the admin dashboard says why, and it goes out once a key
// is set.
import type { Db } from "../db/client";
import { DevMailboxTransport } from "./dev-mailbox";
import { PacedTransport, paceAccount } from "./pacing";
import { RESEND_DEFAULT_BASE_URL, ResendTransport } from "./resend";
import type { MailTransport } from "./transport";

export interface MailConfig {
  resendApiKey?: string;
  resendBaseUrl?: string;
  /** Requests per second Resend is called at, at most (RESEND_RATE; src/mail/pacing.ts). */
  resendRate: number;
  /** APP_URL is localhost, 127.0.0.1 or [::1]. */
  local: boolean;
}

export type MailRoute = "resend" | "dev-mailbox" | "held";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isLocalUrl(url: string): boolean {
  try {
    return LOCAL_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

export function mailRoute(config: MailConfig): MailRoute {
  if (config.resendApiKey) return "resend";
  return config.local ? "dev-mailbox" : "held";
}

/** The transport for the route, or null while mail is held. Resend is paced to its rate. */
export function transportFor(config: MailConfig, db: Db): MailTransport | null {
  const route = mailRoute(config);
  if (route === "resend") {
    const key = config.resendApiKey!;
    const base = config.resendBaseUrl || RESEND_DEFAULT_BASE_URL;
    return new PacedTransport(
      new ResendTransport(key, base),
      db,
      paceAccount(base, key),
      config.resendRate,
    );
  }
  return route === "dev-mailbox" ? new DevMailboxTransport(db) : null;
}
