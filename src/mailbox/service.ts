// Reading the dev mailbox: what the dev transport delivered, newest first.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { type Keyset, paginate } from "../db/paginate";
import { mailboxMessages } from "../db/schema";
import { normaliseEmail } from "../lib/text";

interface MailboxQuery {
  to?: string;
  limit: number;
  /** The id of the last message of the previous page. */
  cursor?: string;
}

const NEWEST_FIRST: Keyset = {
  id: mailboxMessages.id,
  by: mailboxMessages.createdAt,
  direction: "desc",
};

export function listMailbox(db: Db, query: MailboxQuery) {
  return paginate(db, NEWEST_FIRST, query, (after, window) =>
    db.query.mailboxMessages.findMany({
      where: and(query.to ? eq(mailboxMessages.to, normaliseEmail(query.to)) : undefined, after),
      ...window,
    }),
  );
}

export function getMailboxMessage(db: Db, id: string) {
  return db.query.mailboxMessages.findFirst({ where: eq(mailboxMessages.id, id) });
}
