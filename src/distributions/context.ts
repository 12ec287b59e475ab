// Report distributions. The ledger in D1 is the source of truth: one row per recipient
// (`deliveries`, written once) and one per chunk (`distribution_chunks`, the send state);
// queue messages only say "work on this step / this chunk":
//
//   create (create.ts) → scheduled (or straight to sending): each language version's
//     content recorded, nothing rendered;
//   prepare (prepare.ts, a message per step): each language version rendered once and
//     stored (renders.ts; a template that keeps throwing fails the distribution, before
//     anyone is collected), then the audience is collected page by page,
//     each row's sealed address and name copied as they are stored (recipients.ts),
//     deduplicated by the unique (distribution, email_index) index and numbered into its
//     chunk and position in the same statement; subscribers with INSERT … SELECT, attendees
//     checked in the Worker against the subscribers collected first; unsubscribed and
//     suppressed addresses are recorded as skipped (chunk -1); then totals and one row per
//     chunk;
//   chunk (chunk.ts): opens each recipient with their source's key, re-checks unsubscribes,
//     suppressions and erasures (until the chunk is first attempted; a destroyed key is an
//     erasure), freezes the chunk (`sending`), makes one provider batch call
//     with a key stable per chunk, records the outcome on the chunk, and completes the
//     distribution when everyone is sent, failed or skipped;
//   sweeper (sweeper.ts, cron): starts due distributions and resumes any whose messages
//     were lost.
import type { distributions } from "../db/schema";

export type Distribution = typeof distributions.$inferSelect;
