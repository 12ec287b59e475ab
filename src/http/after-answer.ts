// Work that must not show in how long an answer took (an address already registered, an
// account that exists): it runs after the answer, on the Worker's waitUntil, and a failure
// is logged, since nobody is waiting to hear of it.
import type { Context } from "hono";

export function afterAnswer(c: Context, what: string) {
  return (work: () => Promise<unknown>): void =>
    c.executionCtx.waitUntil(work().catch((error) => console.error(`${what} failed`, error)));
}
