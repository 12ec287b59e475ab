// Work that must not show in how long an answer took (an address already registered, an
// account that exists): it runs after the answer, on the Worker's waitUntil, and a failure
// is logged, since nobody is waiting to hear of it. Without an execution context (a test or
// script calling the app directly) it runs before the answer instead: never lost.
import type { Context } from "hono";

export function afterAnswer(c: Context, what: string) {
  return (work: () => Promise<unknown>): undefined | Promise<void> => {
    const logged = () =>
      work().then(
        () => undefined,
        (error) => console.error(`${what} failed`, error),
      );
    let ctx: Context["executionCtx"];
    try {
      ctx = c.executionCtx;
    } catch {
      return logged();
    }
    ctx.waitUntil(logged());
    return undefined;
  };
}
