// Run by cron. Lost or dead-lettered messages delay a distribution; they never stall it,
// and a resumed chunk sends nobody a second copy (chunk.ts freezes and keys it).
import { and, eq, inArray, lte } from "drizzle-orm";
import { distributionChunks, distributions } from "../db/schema";
import { openStatuses } from "../lib/state-machine";
import type { Services } from "../services";
import { completeIfDone } from "./ledger";
import { enqueueChunks } from "./prepare";
import { CHUNK_TRANSITIONS, moveDistributions } from "./status";

/** A sending distribution idle this long is presumed to have lost its messages. */
export const STALL_AFTER_MS = 2 * 60 * 1000;

/**
 * Starts due scheduled distributions and resumes stalled ones from the ledger. A paused one
 * is neither: it waits for its organiser.
 */
export async function sweepDistributions(ctx: Services, now = new Date()): Promise<void> {
  const { db } = ctx;
  // Only a scheduled one: a paused distribution may also move to sending, but only when
  // its organiser resumes it.
  const due = await moveDistributions(
    db,
    "sending",
    and(eq(distributions.status, "scheduled"), lte(distributions.scheduledAt, now)),
    { startedAt: now, progressAt: now },
  ).returning({ id: distributions.id });
  for (const d of due) await ctx.queue.send({ kind: "distribution-prepare", distributionId: d.id });

  const stalled = await db
    .update(distributions)
    .set({ progressAt: now })
    .where(
      and(
        eq(distributions.status, "sending"),
        lte(distributions.progressAt, new Date(now.getTime() - STALL_AFTER_MS)),
      ),
    )
    .returning();
  for (const d of stalled) {
    // Still preparing: preparation resumes, and any chunk it made already (sent while the
    // audience is collected) whose message was lost is enqueued again below.
    if (d.stage !== "ready")
      await ctx.queue.send({ kind: "distribution-prepare", distributionId: d.id });
    const open = await db
      .select({ chunk: distributionChunks.chunk })
      .from(distributionChunks)
      .where(
        and(
          eq(distributionChunks.distributionId, d.id),
          inArray(distributionChunks.status, openStatuses(CHUNK_TRANSITIONS)),
        ),
      );
    await enqueueChunks(
      ctx.queue,
      d.id,
      open.map((o) => o.chunk),
    );
    if (open.length === 0 && d.stage === "ready") await completeIfDone(db, d.id);
  }
}
