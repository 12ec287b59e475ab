// Report distributions. The ledger in D1 is the source of truth: one row per recipient
// (`deliveries`, written once) and one per chunk (`distribution_chunks`, the send state);
// queue messages only say "work on this step / this chunk":
//
//   create (create.ts) → scheduled (or straight to sending): each language version
//     rendered once;
//   prepare (prepare.ts, a message per step): the audience is collected page by page with
//     INSERT … SELECT (never loaded into the Worker), deduplicated by the unique
//     (distribution, email) index and numbered into its chunk and position in the same
//     statement; unsubscribed addresses are recorded as skipped (chunk -1); then totals
//     and one row per chunk;
//   chunk (chunk.ts): re-checks unsubscribes, suppressions and erasures (until the chunk
//     is first attempted), freezes the chunk (`sending`), makes one provider batch call
//     with a key stable per chunk, records the outcome on the chunk, and completes the
//     distribution when everyone is sent, failed or skipped;
//   sweeper (sweeper.ts, cron): starts due distributions and resumes any whose messages
//     were lost.
import type { distributions } from "../db/schema";

export type Distribution = typeof distributions.$inferSelect;
