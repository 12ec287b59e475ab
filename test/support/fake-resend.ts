// Talks to the fake Resend worker (test/support/fake-outside.mjs) from inside tests.
import { env } from "cloudflare:workers";
import type { Env } from "../../src/env";

export interface FakeState {
  calls: {
    path: string;
    idempotencyKey: string | null;
    recipients: string[];
    status: number;
    replay: boolean;
    /** When the call arrived (the fake's clock, ms). */
    at: number;
  }[];
  delivered: {
    /** The email's id, as the provider answered it. */
    id: string;
    to: string;
    subject: string;
    idempotencyKey: string;
    headers: Record<string, string>;
    attachments: string[];
    /** The tags it was sent with, as webhook events carry them (`data.tags`). */
    tags: Record<string, string>;
  }[];
  pendingFaults: number;
}

export type Fault =
  | { status: number; retryAfter?: number }
  | { sendThenStatus: number }
  | { delayMs: number };

/** A fresh namespace of the fake, and an Env whose mail goes there through Resend. */
export function fakeResend(name = `ns${Math.random().toString(36).slice(2, 10)}`) {
  const base = `http://fake-resend.test/${name}`;
  const control = `http://fake-resend.test/__control/${name}`;
  return {
    env: { ...env, RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: base } as Env,
    baseUrl: base,
    async inject(...faults: Fault[]) {
      await fetch(`${control}/faults`, { method: "POST", body: JSON.stringify({ faults }) });
    },
    /** Refuses calls beyond this many a second, with a 429 and retry-after, like Resend. */
    async limit(rateLimitPerSecond: number) {
      await fetch(`${control}/faults`, {
        method: "POST",
        body: JSON.stringify({ rateLimitPerSecond }),
      });
    },
    async state(): Promise<FakeState> {
      return (await fetch(`${control}/state`)).json();
    },
  };
}
