// Organiser CSV import of subscribers: validates rows, then activates what may be activated.
import { and, eq, inArray } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import { runBatch } from "../db/client";
import { subscribers, subscriberTopics } from "../db/schema";
import { DEFAULT_LANG, isLang, LANGS, type Lang } from "../i18n";
import type { FieldError } from "../lib/errors";
import { statusesFrom } from "../lib/state-machine";
import { cleanText, normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";
import type { Services } from "../services";
import type { DataKey } from "../vault/keys";
import { sealSubscriber, subscriberIndex } from "./sealed";
import { REACTIVATED_BY_OWNER, SUBSCRIBER_TRANSITIONS, type SubscriberStatus } from "./service";
import { suppressedAmong } from "./suppression";
import { listTopics } from "./topics";

/**
 * What an organiser's import may activate: what the table lets become active, except an
 * unsubscribe, which is the subscriber's own word and only they can take back, and a bounce
 * or complaint, which only an owner reactivates once its suppression is lifted.
 */
const IMPORT_ACTIVATES: SubscriberStatus[] = statusesFrom(SUBSCRIBER_TRANSITIONS, "active").filter(
  (s) => s !== "unsubscribed" && !REACTIVATED_BY_OWNER.includes(s),
);

interface ImportRow {
  email?: string;
  name?: string;
  language?: string;
  topics?: string;
}

export interface ImportResult {
  imported: number;
  skipped: number;
  errors: FieldError[];
  dryRun: boolean;
}

const IMPORT_BATCH = 25;

interface Candidate {
  email: string;
  name: string | null;
  language: Lang;
  topicIds: string[];
  row: number;
}

/** A valid row, with its address index: how the subscriber it names is found. */
type Indexed = Candidate & { index: string };

/** The inserts of a new, active subscriber (sealed) and its topics. */
async function freshSubscriber(svc: Services, key: DataKey, c: Indexed, now: Date) {
  const id = newId("sub");
  const sealed = await sealSubscriber(key, id, c);
  return [
    svc.db
      .insert(subscribers)
      .values({
        id,
        ...sealed,
        language: c.language,
        status: "active",
        consentSource: "import",
        consentAt: now,
        confirmedAt: now,
      })
      .onConflictDoNothing(),
    ...c.topicIds.map((topicId) =>
      svc.db.insert(subscriberTopics).values({ subscriberId: id, topicId }).onConflictDoNothing(),
    ),
  ];
}

/**
 * Organiser import: valid rows become active subscribers (the organiser vouches for consent,
 * recorded as source "import"); an unsubscribed, bounced, complained or suppressed address
 * is never reactivated; every invalid row is reported by number. A dry run writes nothing.
 */
export async function importSubscribers(
  svc: Services,
  actor: Actor,
  rows: ImportRow[],
  dryRun: boolean,
  now = new Date(),
): Promise<ImportResult> {
  const { db } = svc;
  const errors: FieldError[] = [];
  const allTopics = await listTopics(db);
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  rows.forEach((row, i) => {
    const n = i + 1;
    const email = normaliseEmail(row.email ?? "");
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      errors.push({ path: `rows.${n}.email`, message: "Not a valid email address." });
    const language = (row.language?.trim() || DEFAULT_LANG) as Lang;
    if (!isLang(language))
      errors.push({ path: `rows.${n}.language`, message: `Use ${LANGS.join(" or ")}.` });
    const slugs = (row.topics ?? "")
      .split(";")
      .map((t) => t.trim())
      .filter(Boolean);
    const unknown = slugs.filter((s) => !allTopics.some((t) => t.slug === s));
    if (unknown.length)
      errors.push({ path: `rows.${n}.topics`, message: `Unknown topics: ${unknown.join(", ")}.` });
    if (errors.some((e) => e.path.startsWith(`rows.${n}.`)) || seen.has(email)) return;
    seen.add(email);
    candidates.push({
      email,
      name: row.name?.trim() ? cleanText(row.name) : null,
      language,
      topicIds: allTopics.filter((t) => slugs.includes(t.slug)).map((t) => t.id),
      row: n,
    });
  });
  const key = candidates.length > 0 ? await svc.vault.subscribers() : null;
  let imported = 0;
  for (let i = 0; key && i < candidates.length; i += IMPORT_BATCH) {
    const chunk: Indexed[] = await Promise.all(
      candidates
        .slice(i, i + IMPORT_BATCH)
        .map(async (c) => ({ ...c, index: await subscriberIndex(key, c.email) })),
    );
    // Known subscribers are found by address index: the stored addresses are sealed.
    const [known, blocked] = await Promise.all([
      db
        .select({ index: subscribers.emailIndex, status: subscribers.status })
        .from(subscribers)
        .where(
          inArray(
            subscribers.emailIndex,
            chunk.map((c) => c.index),
          ),
        ),
      suppressedAmong(
        db,
        key,
        chunk.map((c) => c.email),
      ),
    ]);
    const statusOf = new Map(known.map((k) => [k.index, k.status]));
    const allowed = chunk.filter((c) => !blocked.has(c.email));
    const fresh = allowed.filter((c) => !statusOf.has(c.index));
    const pending = allowed.filter((c) => {
      const status = statusOf.get(c.index);
      return status !== undefined && IMPORT_ACTIVATES.includes(status);
    });
    imported += fresh.length + pending.length;
    if (dryRun || fresh.length + pending.length === 0) continue;
    const inserts = await Promise.all(fresh.map((c) => freshSubscriber(svc, key, c, now)));
    await runBatch(db, [
      ...inserts.flat(),
      // A pending subscriber the organiser vouches for becomes active; nothing else changes.
      ...pending.map((c) =>
        db
          .update(subscribers)
          .set({ status: "active", consentSource: "import", consentAt: now, confirmedAt: now })
          .where(
            and(eq(subscribers.emailIndex, c.index), inArray(subscribers.status, IMPORT_ACTIVATES)),
          ),
      ),
    ]);
  }
  if (!dryRun)
    await auditInsert(db, actor, {
      action: "subscribers.import",
      detail: { imported, skipped: rows.length - imported - errors.length, errors: errors.length },
    });
  const rowsWithErrors = new Set(errors.map((e) => e.path.split(".")[1])).size;
  return { imported, skipped: rows.length - imported - rowsWithErrors, errors, dryRun };
}
