// Organiser CSV import of subscribers: validates rows, then activates what may be activated.
import { and, eq, inArray } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { subscribers, subscriberTopics } from "../db/schema";
import { DEFAULT_LANG, isLang, LANGS, type Lang } from "../i18n";
import type { FieldError } from "../lib/errors";
import { statusesFrom } from "../lib/state-machine";
import { cleanText, normaliseEmail } from "../lib/text";
import { newId } from "../lib/tokens";
import { SUBSCRIBER_TRANSITIONS, type SubscriberStatus } from "./service";
import { suppressedAmong } from "./suppression";
import { listTopics } from "./topics";

/**
 * What an organiser's import may activate: what the table lets become active, except an
 * unsubscribe, which is the subscriber's own word and only they can take back.
 */
const IMPORT_ACTIVATES: SubscriberStatus[] = statusesFrom(SUBSCRIBER_TRANSITIONS, "active").filter(
  (s) => s !== "unsubscribed",
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

/**
 * Organiser import: valid rows become active subscribers (the organiser vouches for consent,
 * recorded as source "import"); an unsubscribed, bounced, complained or suppressed address
 * is never reactivated; every invalid row is reported by number. A dry run writes nothing.
 */
export async function importSubscribers(
  db: Db,
  actor: Actor,
  rows: ImportRow[],
  dryRun: boolean,
  now = new Date(),
): Promise<ImportResult> {
  const errors: FieldError[] = [];
  const allTopics = await listTopics(db);
  const seen = new Set<string>();
  const candidates: {
    email: string;
    name: string | null;
    language: Lang;
    topicIds: string[];
    row: number;
  }[] = [];
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
  let imported = 0;
  for (let i = 0; i < candidates.length; i += IMPORT_BATCH) {
    const chunk = candidates.slice(i, i + IMPORT_BATCH);
    const emailsOf = chunk.map((c) => c.email);
    const [known, blocked] = await Promise.all([
      db
        .select({ email: subscribers.email, id: subscribers.id, status: subscribers.status })
        .from(subscribers)
        .where(inArray(subscribers.email, emailsOf)),
      suppressedAmong(db, emailsOf),
    ]);
    const fresh = chunk.filter(
      (c) => !blocked.has(c.email) && !known.some((k) => k.email === c.email),
    );
    const pending = chunk.filter(
      (c) =>
        !blocked.has(c.email) &&
        known.some((k) => k.email === c.email && IMPORT_ACTIVATES.includes(k.status)),
    );
    imported += fresh.length + pending.length;
    if (dryRun || fresh.length + pending.length === 0) continue;
    const statements = [
      ...fresh.flatMap((c) => {
        const id = newId("sub");
        return [
          db
            .insert(subscribers)
            .values({
              id,
              email: c.email,
              name: c.name,
              language: c.language,
              status: "active",
              consentSource: "import",
              consentAt: now,
              confirmedAt: now,
            })
            .onConflictDoNothing(),
          ...c.topicIds.map((topicId) =>
            db.insert(subscriberTopics).values({ subscriberId: id, topicId }).onConflictDoNothing(),
          ),
        ];
      }),
      // A pending subscriber the organiser vouches for becomes active; nothing else changes.
      ...pending.map((c) =>
        db
          .update(subscribers)
          .set({ status: "active", consentSource: "import", consentAt: now, confirmedAt: now })
          .where(
            and(eq(subscribers.email, c.email), inArray(subscribers.status, IMPORT_ACTIVATES)),
          ),
      ),
    ];
    await runBatch(db, statements);
  }
  if (!dryRun)
    await auditInsert(db, actor, {
      action: "subscribers.import",
      detail: { imported, skipped: rows.length - imported - errors.length, errors: errors.length },
    });
  const rowsWithErrors = new Set(errors.map((e) => e.path.split(".")[1])).size;
  return { imported, skipped: rows.length - imported - rowsWithErrors, errors, dryRun };
}
