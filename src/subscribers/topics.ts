// Subscriber topics: listing, creating, resolving slugs to ids, and a topic's name per language.
import { asc, inArray } from "drizzle-orm";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import { type Db, runBatch } from "../db/client";
import { topics } from "../db/schema";
import type { Lang } from "../i18n";
import { conflict } from "../lib/errors";
import { cleanText } from "../lib/text";
import { newId } from "../lib/tokens";

/** A topic's name in a language. Topics have an English name and an optional Arabic one. */
export function topicName(topic: { name: string; nameAr: string | null }, lang: Lang): string {
  return lang === "ar" && topic.nameAr ? topic.nameAr : topic.name;
}

export function listTopics(db: Db) {
  return db.query.topics.findMany({ orderBy: [asc(topics.slug)] });
}

export async function createTopic(
  db: Db,
  actor: Actor,
  input: { slug: string; name: string; nameAr?: string },
) {
  const id = newId("top");
  const [rows] = await runBatch(db, [
    db
      .insert(topics)
      .values({
        id,
        slug: input.slug,
        name: cleanText(input.name),
        nameAr: input.nameAr ? cleanText(input.nameAr) : null,
      })
      .onConflictDoNothing()
      .returning(),
    auditInsert(db, actor, { action: "topic.create", targetType: "topic", targetId: id }),
  ]);
  if (!rows[0]) throw conflict("A topic with that slug exists.");
  return rows[0];
}

/** Topic ids for slugs; unknown slugs are reported. */
export async function topicIds(
  db: Db,
  slugs: string[],
): Promise<{ ids: string[]; unknown: string[] }> {
  if (slugs.length === 0) return { ids: [], unknown: [] };
  const rows = await db.query.topics.findMany({ where: inArray(topics.slug, slugs) });
  return {
    ids: rows.map((t) => t.id),
    unknown: slugs.filter((s) => !rows.some((t) => t.slug === s)),
  };
}
