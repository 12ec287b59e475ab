// The status machines of a distribution, walked pair by pair: the distribution's, its
// chunks' (where sending state lives) and a recipient's own (only the exception, skipped).
// First through the guarded statement every status change goes through (every pair,
// self-moves included), then through the engine's real entry points for each status they
// can move a row to. Nothing moves a distribution to `scheduled`, nor a chunk or a recipient
// to `pending`, so those targets have only the first walk.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CHUNK_STATUSES,
  DISTRIBUTION_STATUSES,
  deliveries,
  distributionChunks,
  distributionRenders,
  distributions,
} from "../src/db/schema";
import { sendChunk } from "../src/distributions/chunk";
import { resumeDistribution } from "../src/distributions/create";
import { prepareStep } from "../src/distributions/prepare";
import {
  CHUNK_TRANSITIONS,
  type ChunkStatus,
  DELIVERY_TRANSITIONS,
  type DeliveryStatus,
  DISTRIBUTION_TRANSITIONS,
  type DistributionStatus,
  moveChunks,
  moveDeliveries,
  moveDistributions,
} from "../src/distributions/status";
import { sweepDistributions } from "../src/distributions/sweeper";
import type { Lang } from "../src/i18n";
import { canMove, type Transitions } from "../src/lib/state-machine";
import { newId } from "../src/lib/tokens";
import { MAIL_MAX_ATTEMPTS } from "../src/mail/retry";
import type { MailTransport, OutgoingEmail, SendOutcome } from "../src/mail/transport";
import { BUILT_IN_OWNER } from "../src/organisers/service";
import { engine, publishedReport, RecordingQueue } from "./support/distribution";
import { ADMIN, db, json, uniqueEmail } from "./support/helpers";
import { postWebhook } from "./support/svix";

const DELIVERY_STATUSES = Object.keys(DELIVERY_TRANSITIONS) as DeliveryStatus[];

let reportId: string;
beforeAll(async () => {
  reportId = (await publishedReport()).id;
});

/**
 * A distribution straight into D1 in `status`, ready to send, with chunk 0 in `chunk` and
 * one recipient in it, in `recipient`: a state the engine reaches, without the steps that
 * reach it.
 */
async function seed(
  status: DistributionStatus,
  chunk: ChunkStatus = "pending",
  recipient: DeliveryStatus = "pending",
) {
  const id = newId("dst");
  const now = new Date();
  await db()
    .insert(distributions)
    .values({
      id,
      reportId,
      status,
      audience: {},
      stage: "ready",
      scheduledAt: new Date(now.getTime() - 60_000),
      progressAt: now,
      chunkCount: 1,
      total: 1,
    });
  await db()
    .insert(distributionRenders)
    .values({ distributionId: id, language: "en", subject: "S", html: "<p>H</p>", text: "T" });
  const deliveryId = newId("dlv");
  await db()
    .insert(deliveries)
    .values({
      id: deliveryId,
      distributionId: id,
      email: uniqueEmail("walk"),
      language: "en",
      status: recipient,
      chunk: 0,
      position: 0,
    });
  await db()
    .insert(distributionChunks)
    .values({ distributionId: id, chunk: 0, status: chunk, size: chunk === "pending" ? 0 : 1 });
  return { id, deliveryId };
}

/**
 * A distribution straight into D1 in `status`, at the render stage, whose recorded content
 * names a language the templates have no words for: rendering it throws.
 */
async function seedUnrenderable(status: DistributionStatus) {
  const id = newId("dst");
  await db()
    .insert(distributions)
    .values({
      id,
      reportId,
      status,
      audience: {},
      stage: "render",
      content: [{ language: "xx" as Lang, title: "T", summary: null, body: "B", webUrl: null }],
      progressAt: new Date(),
    });
  return id;
}

const distributionOf = async (id: string) =>
  (await db().query.distributions.findFirst({ where: eq(distributions.id, id) }))!;
const deliveryOf = async (id: string) =>
  (await db().query.deliveries.findFirst({ where: eq(deliveries.id, id) }))!;
const chunkOf = async (id: string) =>
  (await db().query.distributionChunks.findFirst({
    where: eq(distributionChunks.distributionId, id),
  }))!;

/** A provider that answers `outcome` and notes the status of the chunk of each recipient. */
function provider(outcome: SendOutcome) {
  const seen: ChunkStatus[] = [];
  const transport: MailTransport = {
    name: "dev-mailbox",
    send: async () => outcome,
    async sendBatch(emails: OutgoingEmail[]) {
      for (const e of emails) {
        const row = await db().query.deliveries.findFirst({ where: eq(deliveries.email, e.to) });
        seen.push((await chunkOf(row!.distributionId)).status);
      }
      return outcome;
    },
  };
  return { transport, seen };
}

const OK: SendOutcome = { ok: true, providerId: null, providerIds: ["re_1"] };
const RETRYABLE: SendOutcome = { ok: false, retryable: true, error: "503" };
const REFUSED: SendOutcome = { ok: false, retryable: false, error: "422" };

/** Every pair, self-moves included: `move` reports how many rows moved and the status after. */
function walkEveryPair<S extends string>(
  statuses: readonly S[],
  transitions: Transitions<S>,
  move: (from: S, to: S) => Promise<{ moved: number; after: S }>,
) {
  describe("through the guarded statement", () => {
    for (const from of statuses) {
      for (const to of statuses) {
        const legal = canMove(transitions, from, to);
        it(`${from} → ${to} is ${legal ? "allowed" : "refused"}`, async () => {
          expect(await move(from, to)).toEqual(
            legal ? { moved: 1, after: to } : { moved: 0, after: from },
          );
        });
      }
    }
  });
}

describe("distribution status machine", () => {
  walkEveryPair(DISTRIBUTION_STATUSES, DISTRIBUTION_TRANSITIONS, async (from, to) => {
    const { id } = await seed(from);
    const moved = await moveDistributions(db(), to, eq(distributions.id, id)).returning();
    return { moved: moved.length, after: (await distributionOf(id)).status };
  });

  describe("through the engine", () => {
    for (const from of DISTRIBUTION_STATUSES) {
      // Two ways lead to sending: the sweeper starts what is scheduled, and only that; a
      // resume restarts what paused, and only that.
      const toSending = canMove(DISTRIBUTION_TRANSITIONS, from, "sending") && from === "scheduled";
      it(`the sweeper ${toSending ? "starts" : "leaves"} a due ${from} distribution`, async () => {
        const { id } = await seed(from);
        const queue = new RecordingQueue();
        await sweepDistributions(engine(queue), new Date());
        expect((await distributionOf(id)).status).toBe(toSending ? "sending" : from);
        expect(
          queue.messages.filter(
            (m) => m.body.kind === "distribution-prepare" && m.body.distributionId === id,
          ),
        ).toHaveLength(toSending ? 1 : 0);
      });

      const resumes = canMove(DISTRIBUTION_TRANSITIONS, from, "sending") && from !== "scheduled";
      it(`resuming a ${from} distribution ${resumes ? "sends its pending chunk" : "answers 409"}`, async () => {
        const { id } = await seed(from);
        const queue = new RecordingQueue();
        const ctx = engine(queue);
        if (resumes) {
          expect((await resumeDistribution(ctx, BUILT_IN_OWNER, id)).status).toBe("sending");
          expect(queue.messages.map((m) => m.body)).toEqual([
            { kind: "distribution-chunk", distributionId: id, chunk: 0 },
          ]);
        } else {
          const res = await json(`/api/v1/distributions/${id}/resume`, "POST", {}, ADMIN);
          expect(res.status, await res.clone().text()).toBe(409);
          expect((await distributionOf(id)).status).toBe(from);
        }
      });

      // Complaints over the threshold, reported by the webhook, pause only what is sending.
      const toPaused = canMove(DISTRIBUTION_TRANSITIONS, from, "paused");
      it(`a complaint over the threshold ${toPaused ? "pauses" : "leaves"} a ${from} distribution`, async () => {
        const { id } = await seed(from);
        await db()
          .update(distributions)
          .set({ delivered: 200, complained: 0 })
          .where(eq(distributions.id, id));
        const res = await postWebhook({
          type: "email.complained",
          data: {
            to: [uniqueEmail("complains")],
            tags: { distribution: id, chunk: "0", position: "0" },
          },
        });
        expect(res.status).toBe(200);
        const after = await distributionOf(id);
        expect(after.complained).toBe(1);
        expect(after.status).toBe(toPaused ? "paused" : from);
        expect(after.pauseReason).toBe(
          toPaused ? "complaints at 0.50 % of delivered (1 of 200), over 0.3 %" : null,
        );
      });

      // Cancelling a cancelled distribution again is answered with it, unchanged.
      const toCancelled = canMove(DISTRIBUTION_TRANSITIONS, from, "cancelled");
      const answer = toCancelled || from === "cancelled" ? 200 : 409;
      it(`cancelling a ${from} distribution answers ${answer}`, async () => {
        const { id, deliveryId } = await seed(from);
        const res = await json(`/api/v1/distributions/${id}/cancel`, "POST", {}, ADMIN);
        expect(res.status, await res.clone().text()).toBe(answer);
        expect((await distributionOf(id)).status).toBe(toCancelled ? "cancelled" : from);
        expect((await deliveryOf(deliveryId)).status).toBe(toCancelled ? "skipped" : "pending");
      });

      // Only a distribution being sent is prepared, so only it can fail on its render.
      const toFailed = canMove(DISTRIBUTION_TRANSITIONS, from, "failed");
      it(`a render that throws on the last attempt ${toFailed ? "fails" : "leaves"} a ${from} distribution`, async () => {
        const id = await seedUnrenderable(from);
        const verdict = await prepareStep(engine(new RecordingQueue()), id, MAIL_MAX_ATTEMPTS);
        expect(verdict.action).toBe("ack");
        const after = await distributionOf(id);
        expect(after.status).toBe(toFailed ? "failed" : from);
        expect(after.error).toEqual(toFailed ? expect.stringMatching(/^rendering failed: /) : null);
      });

      // The last chunk completes the distribution in the batch that records it; a cancelled
      // one skips its recipient there instead, and the guard keeps it cancelled.
      const toCompleted = canMove(DISTRIBUTION_TRANSITIONS, from, "completed");
      it(`the last chunk ${toCompleted ? "completes" : "does not complete"} a ${from} distribution`, async () => {
        const { id } = await seed(from);
        await sendChunk(engine(new RecordingQueue()), provider(OK).transport, id, 0, 1);
        const after = await distributionOf(id);
        expect(after.status).toBe(toCompleted ? "completed" : from);
        expect(after.sent + after.failed + after.skipped).toBe(
          from === "sending" || from === "cancelled" ? 1 : 0,
        );
      });
    }
  });
});

describe("chunk status machine", () => {
  walkEveryPair(CHUNK_STATUSES, CHUNK_TRANSITIONS, async (from, to) => {
    const { id } = await seed("sending", from);
    const moved = await moveChunks(db(), to, eq(distributionChunks.distributionId, id)).returning();
    return { moved: moved.length, after: (await chunkOf(id)).status };
  });

  describe("through the engine", () => {
    for (const from of CHUNK_STATUSES) {
      const toSkipped = canMove(CHUNK_TRANSITIONS, from, "skipped");
      it(`cancelling ${toSkipped ? "skips" : "leaves"} a ${from} chunk and its recipient`, async () => {
        const { id, deliveryId } = await seed("sending", from);
        const res = await json(`/api/v1/distributions/${id}/cancel`, "POST", {}, ADMIN);
        expect(res.status).toBe(200);
        expect((await chunkOf(id)).status).toBe(toSkipped ? "skipped" : from);
        expect((await deliveryOf(deliveryId)).status).toBe(toSkipped ? "skipped" : "pending");
        expect((await distributionOf(id)).skipped).toBe(toSkipped ? 1 : 0);
      });

      // An attempt the provider asks to retry leaves the chunk frozen, one attempt more.
      const toSending = canMove(CHUNK_TRANSITIONS, from, "sending");
      it(`an attempt ${toSending ? "freezes" : "leaves"} a ${from} chunk`, async () => {
        const { id } = await seed("sending", from);
        const { transport, seen } = provider(RETRYABLE);
        const verdict = await sendChunk(engine(new RecordingQueue()), transport, id, 0, 1);
        expect(verdict.action).toBe(toSending ? "retry" : "ack");
        expect(seen).toEqual(toSending ? ["sending"] : []);
        const after = await chunkOf(id);
        expect(after.status).toBe(toSending ? "sending" : from);
        expect(after.attempts).toBe(toSending ? 1 : 0);
      });

      // Sent and failed are reached only through the frozen set: the provider is handed
      // a chunk in `sending`, and the outcome moves it on from there, counted once.
      for (const [to, outcome] of [
        ["sent", OK],
        ["failed", REFUSED],
      ] as const) {
        const reaches = toSending && canMove(CHUNK_TRANSITIONS, "sending", to);
        it(`a ${to} answer ${reaches ? `takes a ${from} chunk to ${to} through sending` : `leaves a ${from} chunk`}`, async () => {
          const { id } = await seed("sending", from);
          const { transport, seen } = provider(outcome);
          await sendChunk(engine(new RecordingQueue()), transport, id, 0, 1);
          const path = [from, ...seen, (await chunkOf(id)).status];
          expect(path).toEqual(reaches ? [from, "sending", to] : [from, from]);
          expect((await distributionOf(id))[to]).toBe(reaches ? 1 : 0);
        });
      }
    }
  });
});

describe("recipient status machine", () => {
  walkEveryPair(DELIVERY_STATUSES, DELIVERY_TRANSITIONS, async (from, to) => {
    const { deliveryId } = await seed("sending", "pending", from);
    const moved = await moveDeliveries(db(), to, eq(deliveries.id, deliveryId)).returning();
    return { moved: moved.length, after: (await deliveryOf(deliveryId)).status };
  });

  describe("through the engine", () => {
    for (const from of DELIVERY_STATUSES) {
      // A recipient no longer eligible (here: their row lost its address) is skipped when
      // their chunk is first checked; one skipped already is not sent nor counted again.
      const toSkipped = canMove(DELIVERY_TRANSITIONS, from, "skipped");
      it(`a chunk's check ${toSkipped ? "skips" : "leaves"} a ${from} recipient it may not send to`, async () => {
        const { id, deliveryId } = await seed("sending", "pending", from);
        await db()
          .update(deliveries)
          .set({ email: `erased:${deliveryId}` })
          .where(eq(deliveries.id, deliveryId));
        const { transport, seen } = provider(OK);
        await sendChunk(engine(new RecordingQueue()), transport, id, 0, 1);
        expect(seen).toEqual([]);
        expect((await deliveryOf(deliveryId)).status).toBe("skipped");
        expect((await distributionOf(id)).skipped).toBe(toSkipped ? 1 : 0);
        expect((await chunkOf(id)).status).toBe("skipped");
      });
    }
  });
});
