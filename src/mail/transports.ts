import type { Db } from "../db/client";
import type { Env } from "../env";
import { DevMailboxTransport } from "./dev-mailbox";
import { ResendTransport } from "./resend";
import type { MailTransport } from "./transport";

/** Resend when an API key is configured; otherwise the dev mailbox. */
export function transportFor(env: Env, db: Db): MailTransport {
  return env.RESEND_API_KEY
    ? new ResendTransport(env.RESEND_API_KEY, env.RESEND_BASE_URL)
    : new DevMailboxTransport(db);
}

export function usesDevMailbox(env: Env): boolean {
  return !env.RESEND_API_KEY;
}
