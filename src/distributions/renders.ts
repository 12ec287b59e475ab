// A distribution's stored renders: each language version the request recorded
// (`distributions.content`) is rendered once, by the first prepare step (the `render` stage),
// then personalised per chunk. No request renders: a report's email costs a React render per
// language, which belongs in the queue consumer. Storing the renders keeps a retried chunk's
// payload byte-identical, which its idempotency key requires.
import { and, eq } from "drizzle-orm";
import { type Db, runBatch } from "../db/client";
import { distributionRenders, distributions } from "../db/schema";
import type { Verdict } from "../mail/consumer";
import { MAIL_MAX_ATTEMPTS, retryDelaySeconds } from "../mail/retry";
import { renderReportContent } from "../reports/email";
import type { Services } from "../services";
import type { Distribution } from "./context";
import { moveDistributions } from "./status";

export function renderRows(
  db: Db,
  distributionId: string,
  renders: Omit<typeof distributionRenders.$inferInsert, "distributionId">[],
) {
  return renders.map((r) =>
    db
      .insert(distributionRenders)
      .values({ distributionId, ...r })
      .onConflictDoNothing(),
  );
}

/**
 * The `render` stage: renders every recorded language version and, in one batch, stores the
 * renders and moves the distribution on to collecting its audience. A message delivered again
 * afterwards finds the stage moved and renders nothing; two arriving at once may both render,
 * but the first batch's rows stay (the inserts do nothing on conflict, the move is guarded).
 *
 * Returns null once rendered, for preparation to go on. A template that throws is retried
 * like other queue work (a fix may be deployed in between), its error on the distribution;
 * after the last attempt (`attempt` counts this message's deliveries, the first being 1) the
 * distribution is `failed` with the reason. Nobody was collected or sent to: chunks exist only
 * after this stage.
 */
export async function renderStage(
  ctx: Services,
  d: Distribution,
  attempt: number,
): Promise<Verdict | null> {
  const { db } = ctx;
  const atRender = and(eq(distributions.id, d.id), eq(distributions.stage, "render"));
  let renders: Omit<typeof distributionRenders.$inferInsert, "distributionId">[];
  try {
    if (!d.content?.length) throw new Error("nothing to render: no language version recorded");
    const content = d.content;
    // Each render keeps its footer's wording for both consents, recorded with the content: a
    // recipient's copy names the one their delivery relies on (chunk.ts).
    renders = (await renderReportContent(content)).map((render, i) => ({
      ...render,
      consent: content[i]!.consent ?? null,
    }));
  } catch (error) {
    const reason = `rendering failed: ${error instanceof Error ? error.message : String(error)}`;
    if (attempt >= MAIL_MAX_ATTEMPTS) {
      await moveDistributions(db, "failed", atRender, {
        error: reason,
        completedAt: new Date(),
        progressAt: new Date(),
      });
      console.error("distribution failed", d.id, reason);
      return { action: "ack" };
    }
    const delaySeconds = retryDelaySeconds(attempt);
    // Progress is expected when the retry is due: until then the sweeper does not take the
    // message for lost and start a second round of attempts beside it.
    await db
      .update(distributions)
      .set({ error: reason, progressAt: new Date(Date.now() + delaySeconds * 1000) })
      .where(and(atRender, eq(distributions.status, "sending")));
    return { action: "retry", delaySeconds };
  }
  await runBatch(db, [
    ...renderRows(db, d.id, renders),
    db
      .update(distributions)
      .set({ stage: "audience", content: null, error: null, progressAt: new Date() })
      .where(atRender),
  ]);
  return null;
}
