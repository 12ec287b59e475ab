// Report distributions. The per-recipient ledger (`deliveries`) in D1 is the source of
// truth; queue messages only say "work on this step / this chunk":
//
//   create (create.ts) → scheduled (or straight to sending): each language version
//     rendered once;
//   prepare (prepare.ts, a message per step): the audience is collected page by page with
//     INSERT … SELECT (never loaded into the Worker), deduplicated by the unique
//     (distribution, email) index; unsubscribed addresses are recorded as skipped; then
//     the others are numbered into chunks of ≤ 100;
//   chunk (chunk.ts): re-checks unsubscribes, suppressions and erasures (until the chunk
//     is first attempted), freezes its recipients (`sending`), makes one provider batch call with a
//     key stable per chunk, records the outcome, and completes the distribution when
//     everyone is sent, failed or skipped;
//   sweeper (sweeper.ts, cron): starts due distributions and resumes any whose messages
//     were lost.
import type { distributions } from "../db/schema";

export type Distribution = typeof distributions.$inferSelect;
