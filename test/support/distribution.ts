// Driving distributions deterministically: the engine's queue is an in-memory recorder, so
// a test decides which messages are delivered, redelivered or lost.

import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { runBatch } from "../../src/db/client";
import {
  distributions,
  registrations,
  subscribers,
  subscriberTopics,
  topics,
} from "../../src/db/schema";
import { sendChunk } from "../../src/distributions/chunk";
import { createDistribution } from "../../src/distributions/create";
import { prepareStep } from "../../src/distributions/prepare";
import type { Lang } from "../../src/i18n";
import { normaliseEmail } from "../../src/lib/text";
import { newId } from "../../src/lib/tokens";
import type { MailQueueMessage } from "../../src/mail/messages";
import { Mailer } from "../../src/mail/outbox";
import type { MailTransport } from "../../src/mail/transport";
import { BUILT_IN_OWNER } from "../../src/organisers/service";
import { sealPerson } from "../../src/registrations/sealed";
import { createServices, type Services } from "../../src/services";
import { addressIndex, sealFields } from "../../src/vault/fields";
import { ADMIN, db, json } from "./helpers";
import { vault } from "./vault";

export interface Queued {
  body: MailQueueMessage;
  attempts: number;
  delaySeconds?: number;
}

export class RecordingQueue {
  messages: Queued[] = [];
  /** Every delay a message was put back with. */
  delays: number[] = [];
  later(message: Queued) {
    if (message.delaySeconds !== undefined) this.delays.push(message.delaySeconds);
    this.messages.push(message);
  }
  async send(body: MailQueueMessage, options?: { delaySeconds?: number }) {
    this.messages.push({ body, attempts: 1, delaySeconds: options?.delaySeconds });
  }
  async sendBatch(batch: Iterable<{ body: MailQueueMessage }>) {
    for (const m of batch) this.messages.push({ body: m.body, attempts: 1 });
  }
  take(): Queued[] {
    const all = this.messages;
    this.messages = [];
    return all;
  }
}

/** The app's service context, with the recording queue in place of the real one. */
export function engine(queue: RecordingQueue): Services {
  const recording = queue as unknown as Queue<MailQueueMessage>;
  const database = db();
  return {
    ...createServices(env),
    db: database,
    queue: recording,
    mailer: new Mailer(database, recording),
  };
}

/**
 * Delivers queued messages until none is left, as the queue would: a step's verdict to retry
 * puts its message back with one attempt more. `deliverTwice` runs every message twice
 * (at-least-once delivery); `lose` drops messages it returns true for.
 */
export async function drain(
  ctx: Services,
  queue: RecordingQueue,
  transport: MailTransport,
  options: { deliverTwice?: boolean; lose?: (m: Queued) => boolean; maxSteps?: number } = {},
) {
  let steps = 0;
  for (let batch = queue.take(); batch.length > 0; batch = queue.take()) {
    for (const message of batch) {
      if (options.lose?.(message)) continue;
      const runs = options.deliverTwice ? 2 : 1;
      for (let run = 0; run < runs; run++) {
        if (++steps > (options.maxSteps ?? 5000)) throw new Error("too many steps");
        const { body } = message;
        if (body.kind === "email") continue;
        const attempt = message.attempts + run;
        const verdict =
          body.kind === "distribution-prepare"
            ? await prepareStep(ctx, body.distributionId, attempt)
            : await sendChunk(ctx, transport, body.distributionId, body.chunk, attempt);
        if (verdict.action === "retry")
          queue.later({
            ...message,
            attempts: message.attempts + 1,
            delaySeconds: verdict.delaySeconds,
          });
        if (verdict.action === "requeue")
          queue.later({ body, attempts: 1, delaySeconds: verdict.delaySeconds });
        if (verdict.action !== "ack") break;
      }
    }
  }
}

export const distributionRow = async (id: string) =>
  (await db().query.distributions.findFirst({ where: eq(distributions.id, id) }))!;

export async function topic(slug: string) {
  const res = await json(
    "/api/v1/topics",
    "POST",
    { slug, name: `Topic ${slug}`, nameAr: `موضوع ${slug}` },
    ADMIN,
  );
  if (res.status === 201) return (await res.json()) as { id: string; slug: string };
  return (await db().query.topics.findFirst({ where: eq(topics.slug, slug) }))!;
}

/**
 * Subscribers straight into D1 (fast), with a status, language and topics, stored as the
 * subscribers' service stores them: address and name sealed under the subscribers' key,
 * with the address index.
 */
export async function seedSubscribers(
  specs: {
    email: string;
    language?: Lang;
    status?: "active" | "unsubscribed" | "pending" | "bounced";
    topicIds?: string[];
    name?: string;
  }[],
) {
  const key = await vault().subscribers();
  const rows = await Promise.all(
    specs.map(async (s) => {
      const id = newId("sub");
      const email = normaliseEmail(s.email);
      const sealed = await sealFields(key, "subscribers", id, {
        email,
        name: s.name ?? email.split("@")[0]!,
      });
      return {
        id,
        email: sealed.email!,
        emailIndex: await addressIndex(key, email),
        name: sealed.name,
        language: s.language ?? "en",
        status: s.status ?? "active",
        consentSource: "import" as const,
      };
    }),
  );
  const links = specs.flatMap((s, i) =>
    (s.topicIds ?? []).map((topicId) => ({ subscriberId: rows[i]!.id, topicId })),
  );
  // Ten rows a statement keeps each under D1's 100 bound parameters; one batch per 50.
  const statements = [
    ...slices(rows, 10).map((part) => db().insert(subscribers).values(part)),
    ...slices(links, 10).map((part) => db().insert(subscriberTopics).values(part)),
  ];
  for (const part of slices(statements, 50)) await runBatch(db(), part);
  return rows.map((r) => r.id);
}

/**
 * Attendees straight into D1, confirmed, as the registrations' service stores them: sealed
 * under their workshop's key, with the address index. Returns their ids.
 */
export async function seedAttendees(
  workshopId: string,
  specs: { email: string; name: string; language?: Lang; receiveReport?: boolean }[],
) {
  const key = (await vault().workshopToSeal(workshopId))!;
  const rows = await Promise.all(
    specs.map(async (s) => {
      const id = newId("reg");
      const person = {
        email: s.email,
        name: s.name,
        affiliation: `Works with ${s.name}`,
        answers: {},
      };
      return {
        id,
        workshopId,
        ...(await sealPerson(key, id, person)),
        language: s.language ?? "en",
        receiveReport: s.receiveReport ?? true,
        status: "confirmed" as const,
        source: "organiser" as const,
      };
    }),
  );
  for (const part of slices(rows, 5)) await db().insert(registrations).values(part);
  return rows.map((r) => r.id);
}

function slices<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

export async function publishedReport(extra: Record<string, unknown> = {}) {
  const res = await json(
    "/api/v1/reports",
    "POST",
    {
      defaultLanguage: "en",
      versions: [
        {
          language: "en",
          title: "What the workshop concluded",
          summary: "Three recommendations.",
          body: "The participants agreed on **three** points.",
        },
        {
          language: "ar",
          title: "خلاصات الورشة",
          summary: "ثلاث توصيات.",
          body: "اتفق المشاركون على **ثلاث** نقاط.",
        },
      ],
      ...extra,
    },
    ADMIN,
  );
  const report = (await res.json()) as { id: string; slug: string };
  await json(`/api/v1/reports/${report.id}/publish`, "POST", {}, ADMIN);
  return report;
}

/**
 * A distribution of a published report to `count` new subscribers of a new topic, created
 * on the recording queue (nothing sent yet).
 */
export async function distributionTo(count: number, options: { language?: Lang } = {}) {
  const t = await topic(`t-${Math.random().toString(36).slice(2, 8)}`);
  const addresses = Array.from(
    { length: count },
    (_, i) => `r${i}.${Math.random().toString(36).slice(2, 7)}@example.org`,
  );
  await seedSubscribers(
    addresses.map((email) => ({ email, language: options.language, topicIds: [t.id] })),
  );
  const report = await publishedReport();
  const queue = new RecordingQueue();
  const ctx = engine(queue);
  const d = await createDistribution(ctx, BUILT_IN_OWNER, report.id, { topics: [t.slug] });
  return { queue, ctx, distributionId: d.id, addresses };
}
