// Subscribers: double opt-in, language, one-click unsubscribe, export, organiser listing.
// The answer to "subscribe" never says whether an address is known. (Topics: ./topics;
// organiser import: ./import; erasure: src/people.)
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { templateEmail } from "../../emails";
import type { Actor } from "../access/roles";
import { auditInsertIf } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { paginate } from "../db/paginate";
import { allInBatch } from "../db/raw";
import {
  deliveries,
  deliveryStatus,
  registrations,
  type SUBSCRIBER_STATUSES,
  subscribers,
  subscriberTopics,
  topics,
} from "../db/schema";
import { DEFAULT_LANG, dictionary, type Lang } from "../i18n";
import { conflict, invalid, notFound } from "../lib/errors";
import { statusesFrom } from "../lib/state-machine";
import { cleanText, normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";
import type { Services } from "../services";
import { SUBSCRIBERS_KEY } from "../vault/keys";
import { openSubscriber, openSubscribers, type Subscriber, sealSubscriber } from "./sealed";
import { findSuppression, suppressedSql, suppressionKeys } from "./suppression";
import {
  manageToken,
  readManageToken,
  readUnsubscribeToken,
  type UnsubscribeSubject,
} from "./tokens";
import { topicIds } from "./topics";

export type { Subscriber };
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/**
 * Subscriber status machine, as data; every status change below is guarded by it. An
 * address that bounced or complained is also suppressed; only an owner brings it back, once
 * its suppression is lifted (`reactivateSubscriber`).
 */
export const SUBSCRIBER_TRANSITIONS: Record<SubscriberStatus, readonly SubscriberStatus[]> = {
  pending: ["active", "unsubscribed", "bounced", "complained"],
  active: ["unsubscribed", "bounced", "complained"],
  unsubscribed: ["active"],
  bounced: ["active"],
  complained: ["active"],
};

/** The statuses from which the table allows a move to `to`, as a WHERE condition. */
export const subscriberMayMoveTo = (to: SubscriberStatus) =>
  inArray(subscribers.status, statusesFrom(SUBSCRIBER_TRANSITIONS, to));

/**
 * Who may make each move to `active`. The subscriber's own confirmation: a pending
 * subscription, or an unsubscribe they take back. An owner's reactivation: a bounce or a
 * complaint, and only once the address is off the suppression list, where an owner lifts it
 * with a reason. Nobody else reactivates a bounce or complaint, not even the address's
 * holder from an old manage link: the list is the owners' to manage.
 */
export const CONFIRMED_BY_SUBSCRIBER: SubscriberStatus[] = ["pending", "unsubscribed"];
export const REACTIVATED_BY_OWNER: SubscriberStatus[] = ["bounced", "complained"];

const PROMPT_EVERY_MS = 10 * 60 * 1000;

// ---------------------------------------------------------------- subscribing

/** Who a prompt goes to: the address in the clear (it awaits sending), and its index. */
type PromptFor = Pick<Subscriber, "id" | "email" | "emailIndex" | "language">;

async function renderPrompt(ctx: Services, subscriber: PromptFor, kind: "confirm" | "exists") {
  const t = dictionary(subscriber.language).subscribers;
  // The page opens in the email's language (`?lang=` comes first when pages pick theirs).
  const url = `${ctx.settings.appUrl}/s/${await manageToken(ctx.settings.tokenSecret, subscriber.id)}?lang=${subscriber.language}`;
  return {
    to: subscriber.email,
    // Once sent, the address is sealed under the subscribers' key; erasure finds it by index.
    keyName: SUBSCRIBERS_KEY,
    toIndex: subscriber.emailIndex,
    subject: kind === "confirm" ? t.confirmSubject : t.existsSubject,
    kind: `subscriber:${kind}`,
    ...templateEmail("notice", {
      props: {
        lang: subscriber.language,
        preview: kind === "confirm" ? t.confirmSubject : t.existsSubject,
        heading: kind === "confirm" ? t.confirmHeading : t.existsHeading,
        paragraphs: [kind === "confirm" ? t.confirmText : t.existsText],
        action: { label: kind === "confirm" ? t.confirmAction : t.manageAction, url },
      },
    }),
  };
}

/** Statuses a subscribe request may prompt: not bounced or complained (final, and suppressed). */
const PROMPTED: SubscriberStatus[] = ["pending", "active", "unsubscribed"];

interface SubscribeInput {
  email: string;
  name?: string;
  language?: Lang;
  topics?: string[];
}

/**
 * Double opt-in. A new address gets a pending record and a confirmation email; a pending
 * or unsubscribed one a new confirmation; an active one a note with its manage link (each
 * at most once per 10 minutes); suppressed, bounced or complained addresses get nothing.
 *
 * The caller answers the same whoever the address belongs to, so this must not differ
 * either, in outcome or in work: the input is validated before the address is looked at
 * (an unknown topic is refused for every address alike), and every address then costs the
 * same statements, the same render and the same queue message. Whether anything is
 * written is decided inside the statements, not by skipping them.
 */
export async function subscribe(
  ctx: Services,
  input: SubscribeInput,
  source: "form" | "registration",
  now = new Date(),
): Promise<void> {
  const { db } = ctx;
  const { ids, unknown } = await topicIds(db, input.topics ?? []);
  if (unknown.length)
    throw invalid(
      "Unknown topics.",
      unknown.map((slug) => ({ path: "topics", message: `No topic "${slug}".` })),
    );
  const email = normaliseEmail(input.email);
  const key = await ctx.vault.subscribers();
  const id = newId("sub");
  const [keys, sealed] = await Promise.all([
    suppressionKeys(key, email),
    sealSubscriber(key, id, { email, name: input.name ? cleanText(input.name) : null }),
  ]);
  const notSuppressed = sql`NOT ${suppressedSql(keys)}`;
  const language = input.language ?? DEFAULT_LANG;
  type Prompted = Pick<Subscriber, "id" | "language" | "status">;
  // A new address is inserted; a known one (same address index) is claimed (its prompt is
  // due). A just-inserted row is never due, so at most one of the two returns a row; for a
  // suppressed address neither does.
  const [inserted, claimed] = await runBatch(db, [
    allInBatch<Prompted>(
      db,
      sql`INSERT INTO ${subscribers} (id, email, email_index, name, language, status, consent_source, last_prompt_at)
          SELECT ${id}, ${sealed.email}, ${sealed.emailIndex}, ${sealed.name}, ${language}, 'pending', ${source}, ${now.getTime()}
          WHERE ${notSuppressed}
          ON CONFLICT DO NOTHING
          RETURNING id, language, status`,
    ),
    db
      .update(subscribers)
      .set({ lastPromptAt: now })
      .where(
        and(
          eq(subscribers.emailIndex, sealed.emailIndex),
          inArray(subscribers.status, PROMPTED),
          or(
            isNull(subscribers.lastPromptAt),
            lt(subscribers.lastPromptAt, new Date(now.getTime() - PROMPT_EVERY_MS)),
          ),
          notSuppressed,
        ),
      )
      .returning({
        id: subscribers.id,
        language: subscribers.language,
        status: subscribers.status,
      }),
  ]);
  const isNew = inserted.length > 0;
  const due: Prompted | undefined = inserted[0] ?? claimed[0];
  const prompt = ctx.mailer.outboxInsertIf(
    await renderPrompt(
      ctx,
      {
        id: due?.id ?? id,
        email,
        emailIndex: sealed.emailIndex,
        language: due?.language ?? language,
      },
      due?.status === "active" ? "exists" : "confirm",
    ),
    due ? sql`1` : sql`0`,
  );
  await runBatch(db, [
    prompt.query,
    ...ids.map((topicId) =>
      db
        .insert(subscriberTopics)
        .select(sql`SELECT ${id}, ${topicId} WHERE ${isNew ? sql`1` : sql`0`}`)
        .onConflictDoNothing(),
    ),
  ]);
  await ctx.mailer.enqueue([prompt.id]);
}

/**
 * The "also subscribe" box of a registration form: one email, not two. The subscription is
 * recorded (a new address as pending) without a prompt of its own; the returned confirm
 * link goes into the registration's email instead, and the subscription is active only
 * once that link is used (still double opt-in). Null when there is nothing to confirm: the
 * address is already active, or bounced, complained or suppressed.
 *
 * Like `subscribe`, every address costs the same statements and the same signing; only
 * the rows decide the outcome, and the caller's answer never shows it.
 */
export async function subscribeWithRegistration(
  ctx: Services,
  input: { email: string; name?: string; language?: Lang },
  now = new Date(),
): Promise<string | null> {
  const { db } = ctx;
  const email = normaliseEmail(input.email);
  const key = await ctx.vault.subscribers();
  const id = newId("sub");
  const [keys, sealed] = await Promise.all([
    suppressionKeys(key, email),
    sealSubscriber(key, id, { email, name: input.name ? cleanText(input.name) : null }),
  ]);
  const notSuppressed = sql`NOT ${suppressedSql(keys)}`;
  const language = input.language ?? DEFAULT_LANG;
  // No prompt time: this sends no prompt of its own (the link goes with the registration's
  // email), so a later subscribe form still sends one at once.
  const [inserted, known] = await runBatch(db, [
    allInBatch<{ id: string }>(
      db,
      sql`INSERT INTO ${subscribers} (id, email, email_index, name, language, status, consent_source, last_prompt_at)
          SELECT ${id}, ${sealed.email}, ${sealed.emailIndex}, ${sealed.name}, ${language}, 'pending', 'registration', NULL
          WHERE ${notSuppressed}
          ON CONFLICT DO NOTHING
          RETURNING id`,
    ),
    db
      .select({ id: subscribers.id, status: subscribers.status })
      .from(subscribers)
      .where(and(eq(subscribers.emailIndex, sealed.emailIndex), notSuppressed)),
  ]);
  // A just-inserted row is read by the select too (same batch); either way, only a
  // subscription the subscriber may confirm (pending, or unsubscribed and opting in again)
  // gets a link.
  const awaiting = inserted[0] ?? known.find((row) => CONFIRMED_BY_SUBSCRIBER.includes(row.status));
  const token = await manageToken(ctx.settings.tokenSecret, awaiting?.id ?? id, now);
  // In the registration email's language, which the page then opens in.
  return awaiting ? `${ctx.settings.appUrl.replace(/\/$/, "")}/s/${token}?lang=${language}` : null;
}

/** The stored (sealed) subscriber a manage link is for, with its topics. */
async function subscriberRowByManageToken(db: Db, secret: string, token: string) {
  const id = await readManageToken(secret, token);
  if (!id) return null;
  const row = await db.query.subscribers.findFirst({
    where: eq(subscribers.id, id),
    with: { topics: { with: { topic: true } } },
  });
  return row ?? null;
}

/** The subscriber a manage link is for, opened (what their own page shows). */
export async function subscriberByManageToken(svc: Services, secret: string, token: string) {
  const row = await subscriberRowByManageToken(svc.db, secret, token);
  return row && openSubscriber(await svc.vault.subscribers(), row);
}

/** The POST behind the confirmation link: pending (or unsubscribed, re-opting in) → active. */
export async function confirmSubscription(
  db: Db,
  secret: string,
  token: string,
  now = new Date(),
): Promise<SubscriberStatus> {
  const subscriber = await subscriberRowByManageToken(db, secret, token);
  if (!subscriber) throw notFound("This link is not valid, or has expired.");
  if (subscriber.status === "active") return "active";
  if (!CONFIRMED_BY_SUBSCRIBER.includes(subscriber.status))
    throw conflict("This subscription is paused; the organisers can restore it.");
  await db
    .update(subscribers)
    .set({ status: "active", confirmedAt: now, consentAt: now, unsubscribedAt: null })
    .where(
      and(eq(subscribers.id, subscriber.id), inArray(subscribers.status, CONFIRMED_BY_SUBSCRIBER)),
    );
  return "active";
}

/**
 * An owner reactivates a subscription paused by a bounce or a complaint. The address must be
 * off the suppression list first (an owner lifts its entry, with a reason, on the
 * suppressions page): the update itself checks it, under both values an entry may have, so
 * a bounce recorded meanwhile wins. Audited.
 */
export async function reactivateSubscriber(svc: Services, actor: Actor, id: string) {
  const { db } = svc;
  const row = await db.query.subscribers.findFirst({ where: eq(subscribers.id, id) });
  if (!row) throw notFound("No such subscriber.");
  if (row.status === "active") throw conflict("This subscription is active already.");
  if (!REACTIVATED_BY_OWNER.includes(row.status))
    throw conflict(
      `A ${row.status} subscription is the subscriber's own to confirm; only a bounced or complained one is reactivated by an owner.`,
    );
  const key = await svc.vault.subscribers();
  const keys = await suppressionKeys(key, (await openSubscriber(key, row)).email);
  const mayReactivate = and(
    eq(subscribers.id, id),
    inArray(subscribers.status, REACTIVATED_BY_OWNER),
    sql`NOT ${suppressedSql(keys)}`,
  );
  const [, moved] = await runBatch(db, [
    auditInsertIf(
      db,
      actor,
      {
        action: "subscriber.reactivate",
        targetType: "subscriber",
        targetId: id,
        detail: { from: row.status },
      },
      sql`EXISTS (SELECT 1 FROM ${subscribers} WHERE ${mayReactivate})`,
    ),
    db
      .update(subscribers)
      .set({ status: "active", unsubscribedAt: null })
      .where(mayReactivate)
      .returning({ id: subscribers.id }),
  ]);
  if (moved.length > 0) return;
  if (await findSuppression(db, keys))
    throw conflict(
      "This address is on the suppression list: lift its entry first (Suppressions), then reactivate.",
    );
  throw conflict("This subscription changed meanwhile; reload and try again.");
}

export async function updatePreferences(
  db: Db,
  subscriberId: string,
  prefs: { language: Lang; topicIds: string[] },
) {
  await runBatch(db, [
    db
      .update(subscribers)
      .set({ language: prefs.language })
      .where(eq(subscribers.id, subscriberId)),
    db.delete(subscriberTopics).where(eq(subscriberTopics.subscriberId, subscriberId)),
    ...prefs.topicIds.map((topicId) =>
      db.insert(subscriberTopics).values({ subscriberId, topicId }).onConflictDoNothing(),
    ),
  ]);
}

/**
 * One-click unsubscribe: withdraws exactly the consent the link names, never the other. A
 * subscriber stops receiving reports as a subscriber (their registrations keep their own
 * choice); an attendee stops receiving this workshop's reports (their subscription, if any,
 * stays). Every later send, and every chunk not yet sent, checks this. Returns what was
 * withdrawn, or null for a link that is not ours.
 */
export async function unsubscribeByToken(
  db: Db,
  secret: string,
  token: string,
  now = new Date(),
): Promise<UnsubscribeSubject | null> {
  const subject = await readUnsubscribeToken(secret, token);
  if (!subject) return null;
  if (subject.kind === "subscriber") {
    await db
      .update(subscribers)
      .set({ status: "unsubscribed", unsubscribedAt: now })
      .where(and(eq(subscribers.id, subject.id), subscriberMayMoveTo("unsubscribed")));
  } else {
    await db
      .update(registrations)
      .set({ receiveReport: false })
      .where(eq(registrations.id, subject.id));
  }
  return subject;
}

export async function exportSubscriber(svc: Services, id: string) {
  const { db } = svc;
  const row = await db.query.subscribers.findFirst({
    where: eq(subscribers.id, id),
    with: { topics: { with: { topic: true } } },
  });
  if (!row) throw notFound("No such subscriber.");
  const subscriber = await openSubscriber(await svc.vault.subscribers(), row);
  const sent = await db
    .select({
      distributionId: deliveries.distributionId,
      status: deliveryStatus,
      outcome: deliveries.outcome,
    })
    .from(deliveries)
    .where(eq(deliveries.subscriberId, id));
  return {
    email: subscriber.email,
    name: subscriber.name,
    language: subscriber.language,
    status: subscriber.status,
    consent: {
      source: subscriber.consentSource,
      at: subscriber.consentAt?.toISOString() ?? null,
      confirmedAt: subscriber.confirmedAt?.toISOString() ?? null,
    },
    unsubscribedAt: subscriber.unsubscribedAt?.toISOString() ?? null,
    subscribedAt: subscriber.createdAt.toISOString(),
    topics: subscriber.topics.map((t) => t.topic.slug),
    reportsSent: sent,
  };
}

// ---------------------------------------------------------------- organisers

/** One page of subscribers, opened. */
export async function listSubscribers(
  svc: Services,
  query: { status?: SubscriberStatus; topic?: string; limit: number; cursor?: string },
) {
  const { db } = svc;
  const topic = query.topic
    ? await db.query.topics.findFirst({ where: eq(topics.slug, query.topic) })
    : undefined;
  if (query.topic && !topic) return { data: [], nextCursor: null };
  const [page, key] = await Promise.all([
    pageOfSubscribers(db, query, topic?.id),
    svc.vault.subscribers(),
  ]);
  return { ...page, data: await openSubscribers(key, page.data) };
}

function pageOfSubscribers(
  db: Db,
  query: { status?: SubscriberStatus; limit: number; cursor?: string },
  topicId: string | undefined,
) {
  return paginate(db, { id: subscribers.id, direction: "asc" }, query, (after, window) =>
    db.query.subscribers.findMany({
      where: and(
        query.status ? eq(subscribers.status, query.status) : undefined,
        topicId
          ? inArray(
              subscribers.id,
              db
                .select({ id: subscriberTopics.subscriberId })
                .from(subscriberTopics)
                .where(eq(subscriberTopics.topicId, topicId)),
            )
          : undefined,
        after,
      ),
      with: { topics: { with: { topic: true } } },
      ...window,
    }),
  );
}

export function subscriberJson(s: Subscriber & { topics: { topic: { slug: string } }[] }) {
  return {
    id: s.id,
    email: s.email,
    name: s.name,
    language: s.language,
    status: s.status,
    topics: s.topics.map((t) => t.topic.slug),
    consentSource: s.consentSource,
    createdAt: s.createdAt.toISOString(),
  };
}
