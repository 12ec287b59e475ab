// What organisers do to a distribution: create it, list, read and cancel it. Creating one
// renders nothing: it records each language version's content for the prepare step to
// render (renders.ts). The sending itself happens in prepare.ts and chunk.ts; a test copy is
// src/reports/email.ts.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { type Actor, can } from "../access/roles";
import { roleOn } from "../access/team";
import { auditInsert } from "../audit/service";
import type { Db } from "../db/client";
import {
  type DistributionAudience,
  deliveries,
  distributionChunks,
  distributions,
  topics,
  workshops,
} from "../db/schema";
import { conflict, invalid, notFound } from "../lib/errors";
import { canMove } from "../lib/state-machine";
import { newId } from "../lib/tokens";
import { consentWording, reportContent } from "../reports/email";
import { getReport, readyVersions } from "../reports/service";
import type { Services } from "../services";
import type { Distribution } from "./context";
import { completeIfDone, countInto } from "./ledger";
import { enqueueChunks } from "./prepare";
import { DISTRIBUTION_TRANSITIONS, moveChunks, moveDeliveries, moveDistributions } from "./status";

/** Who a send goes to, as the API and the send form give it. */
export interface AudienceInput {
  topics?: string[];
  attendeesOf?: DistributionAudience["attendeesOf"];
  scheduledAt?: Date | null;
}

export const NOT_PUBLISHED =
  "Publish the report before sending it (an embargo keeps the public page closed).";

/**
 * The audience's topics and workshop, checked: unknown topics are refused, and a workshop's
 * attendees are an audience only for its own organisers (and owners); for anyone else it is
 * as if the workshop did not exist.
 */
export async function resolveAudience(db: Db, actor: Actor, input: AudienceInput) {
  const known = input.topics?.length
    ? await db.query.topics.findMany({ where: inArray(topics.slug, input.topics) })
    : [];
  if (input.topics?.length) {
    const unknown = input.topics.filter((s) => !known.some((t) => t.slug === s));
    if (unknown.length)
      throw invalid(
        "Unknown topics.",
        unknown.map((s) => ({ path: "topics", message: `No topic "${s}".` })),
      );
  }
  const workshop = input.attendeesOf
    ? await db.query.workshops.findFirst({
        where: eq(workshops.id, input.attendeesOf.workshopId),
      })
    : undefined;
  const workshopRole = input.attendeesOf
    ? workshop && (await roleOn(db, actor, input.attendeesOf.workshopId))
    : "owner";
  if (!workshopRole || !can(workshopRole, "attendees.read")) {
    throw invalid("No such workshop.", [
      { path: "attendeesOf.workshopId", message: "No such workshop." },
    ]);
  }
  return { topics: known, workshop };
}

/**
 * Records a distribution and starts it (or schedules it). The pre-send checks are not run
 * here: the API and the send form go through `sendReport` (presend.ts), which runs them
 * first. Only ready language versions are recorded; a recipient of a draft language gets
 * the default language's (chunk.ts).
 */
export async function createDistribution(
  ctx: Services,
  actor: Actor,
  reportId: string,
  input: AudienceInput,
  now = new Date(),
) {
  const { db } = ctx;
  const report = await getReport(db, reportId);
  if (report.status !== "published") throw conflict(NOT_PUBLISHED);
  const ready = readyVersions(report);
  if (ready.length === 0) throw conflict("No language version is ready to send.");
  const { topics: known, workshop } = await resolveAudience(db, actor, input);
  const id = newId("dst");
  const startNow = !input.scheduledAt || input.scheduledAt <= now;
  await db.batch([
    db.insert(distributions).values({
      id,
      reportId,
      status: startNow ? "sending" : "scheduled",
      // Rendering waits for the queue consumer; the embargo is judged now, as the organiser
      // sees it when sending.
      stage: "render",
      // Each version with its footer's wording for both consents (chunk.ts picks one).
      content: reportContent({ ...report, versions: ready }, ctx.settings, now).map((version) => ({
        ...version,
        consent: consentWording(version.language, {
          topics: known,
          workshopTitle: workshop?.title ?? null,
        }),
      })),
      audience: {
        ...(input.topics ? { topics: input.topics } : {}),
        ...(input.attendeesOf ? { attendeesOf: input.attendeesOf } : {}),
      },
      scheduledAt: input.scheduledAt ?? null,
      startedAt: startNow ? now : null,
      progressAt: now,
    }),
    auditInsert(db, actor, {
      action: "distribution.create",
      targetType: "distribution",
      targetId: id,
      detail: { scheduled: !startNow },
    }),
  ]);
  if (startNow) await ctx.queue.send({ kind: "distribution-prepare", distributionId: id });
  return getDistribution(db, id);
}

export async function getDistribution(db: Db, id: string): Promise<Distribution> {
  const row = await db.query.distributions.findFirst({ where: eq(distributions.id, id) });
  if (!row) throw notFound("No such distribution.");
  return row;
}

/** The distributions of a report, newest first. */
export function listDistributions(db: Db, reportId: string): Promise<Distribution[]> {
  return db.query.distributions.findMany({
    where: eq(distributions.reportId, reportId),
    orderBy: [desc(distributions.createdAt)],
  });
}

/**
 * What a distribution is doing, in words, from its status and preparation stage: the
 * progress page's headline and the API's `state`. Only a `sending` one is still being
 * prepared; a finished one says so whatever stage it was left in.
 */
export function distributionState(d: Pick<Distribution, "status" | "stage">): string {
  switch (d.status) {
    case "scheduled":
      return "Scheduled: nothing has gone out yet";
    case "sending":
      if (d.stage === "render") return "Preparing: rendering the email";
      if (d.stage === "audience") return "Preparing: collecting the audience";
      if (d.stage === "chunks") return "Preparing: dividing the audience into batches";
      return "Sending";
    case "paused":
      return "Paused: nothing more goes out until it is resumed or cancelled";
    case "completed":
      return "Completed";
    case "cancelled":
      return "Cancelled: what had not gone out was stopped";
    case "failed":
      return "Failed: nothing was sent";
  }
}

export function distributionJson(d: Distribution) {
  return {
    id: d.id,
    reportId: d.reportId,
    status: d.status,
    audience: d.audience,
    scheduledAt: d.scheduledAt?.toISOString() ?? null,
    total: d.total,
    sent: d.sent,
    failed: d.failed,
    skipped: d.skipped,
    delivered: d.delivered,
    bounced: d.bounced,
    complained: d.complained,
    preparing: d.status === "sending" && d.stage !== "ready",
    /** The status and stage in words (distributionState). */
    state: distributionState(d),
    /** Why its email could not be rendered: while retried, and once failed. */
    error: d.error,
    /** Why it paused by itself; kept once resumed. */
    pauseReason: d.pauseReason,
    startedAt: d.startedAt?.toISOString() ?? null,
    completedAt: d.completedAt?.toISOString() ?? null,
  };
}

/**
 * Stops whatever has not gone out: recipients whose chunk was not attempted yet become
 * skipped ("cancelled"), and so do those chunks. A chunk in flight keeps its recipients.
 */
export async function cancelDistribution(db: Db, actor: Actor, id: string) {
  const current = await getDistribution(db, id);
  if (current.status === "cancelled") return current;
  if (!canMove(DISTRIBUTION_TRANSITIONS, current.status, "cancelled"))
    throw conflict(`A ${current.status} distribution cannot be cancelled.`);
  const op = newId("op");
  await db.batch([
    moveDistributions(db, "cancelled", eq(distributions.id, id), { completedAt: new Date() }),
    moveDeliveries(
      db,
      "skipped",
      and(
        eq(deliveries.distributionId, id),
        sql`NOT EXISTS (SELECT 1 FROM ${distributionChunks} c WHERE c.distribution_id = ${deliveries.distributionId} AND c.chunk = ${deliveries.chunk} AND c.status <> 'pending')`,
      ),
      { skipReason: "cancelled", op },
    ),
    countInto(db, id, "skipped", op),
    moveChunks(db, "skipped", eq(distributionChunks.distributionId, id), { op }),
    auditInsert(db, actor, {
      action: "distribution.cancel",
      targetType: "distribution",
      targetId: id,
    }),
  ]);
  return getDistribution(db, id);
}

/**
 * Resumes a distribution that paused by itself: back to `sending`, and every chunk not
 * attempted yet is enqueued again (their messages were done with while it was paused). A
 * chunk is frozen before it is sent and sent under its idempotency key, so a message that
 * arrives twice sends nobody a second copy. If nothing was left, it completes here.
 */
export async function resumeDistribution(ctx: Services, actor: Actor, id: string) {
  const { db } = ctx;
  const current = await getDistribution(db, id);
  if (current.status !== "paused")
    throw conflict(`A ${current.status} distribution cannot be resumed.`);
  const [moved] = await db.batch([
    moveDistributions(
      db,
      "sending",
      and(eq(distributions.id, id), eq(distributions.status, "paused")),
      {
        progressAt: new Date(),
      },
    ).returning({ stage: distributions.stage }),
    auditInsert(db, actor, {
      action: "distribution.resume",
      targetType: "distribution",
      targetId: id,
      detail: { reason: current.pauseReason },
    }),
  ]);
  const resumed = moved[0];
  // Cancelled or resumed by someone else in the meantime.
  if (!resumed) return getDistribution(db, id);
  // Chunks made while the audience was collected may wait too (their messages were spent
  // while paused): enqueued whatever the stage, with preparation's own message when due.
  if (resumed.stage !== "ready")
    await ctx.queue.send({ kind: "distribution-prepare", distributionId: id });
  const waiting = await db
    .select({ chunk: distributionChunks.chunk })
    .from(distributionChunks)
    .where(
      and(eq(distributionChunks.distributionId, id), eq(distributionChunks.status, "pending")),
    );
  await enqueueChunks(
    ctx.queue,
    id,
    waiting.map((w) => w.chunk),
  );
  if (waiting.length === 0 && resumed.stage === "ready") await completeIfDone(db, id);
  return getDistribution(db, id);
}

/** The report as recipients would get it, to one address (the organiser's), now. */
