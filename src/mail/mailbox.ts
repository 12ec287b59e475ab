// Reading the dev mailbox: what the dev transport delivered, newest first.
import { and, desc, eq, lt, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { mailboxMessages } from "../db/schema";
import { normaliseEmail } from "../lib/text";

export interface MailboxQuery {
  to?: string;
  limit: number;
  /** The id of the last message of the previous page. */
  cursor?: string;
}

export async function listMailbox(db: Db, query: MailboxQuery) {
  const after = query.cursor
    ? await db.query.mailboxMessages.findFirst({ where: eq(mailboxMessages.id, query.cursor) })
    : undefined;
  const rows = await db.query.mailboxMessages.findMany({
    where: and(
      query.to ? eq(mailboxMessages.to, normaliseEmail(query.to)) : undefined,
      after
        ? or(
            lt(mailboxMessages.createdAt, after.createdAt),
            and(eq(mailboxMessages.createdAt, after.createdAt), lt(mailboxMessages.id, after.id)),
          )
        : undefined,
    ),
    orderBy: [desc(mailboxMessages.createdAt), desc(mailboxMessages.id)],
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return { data: page, nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

export function getMailboxMessage(db: Db, id: string) {
  return db.query.mailboxMessages.findFirst({ where: eq(mailboxMessages.id, id) });
}
