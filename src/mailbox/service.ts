// Reading the dev mailbox: what the dev transport delivered, newest first.
import { and, eq, ne, or } from "drizzle-orm";
import type { Actor } from "../access/roles";
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

/**
 * What `viewer` may read: everything but other people's sign-in emails. A sign-in link is
 * a session for its recipient, so only that recipient's own session sees it (the built-in
 * owner behind ADMIN_TOKEN has no address and sees none).
 */
function readableBy(viewer: Actor) {
  return or(
    ne(mailboxMessages.kind, "sign-in"),
    eq(mailboxMessages.to, viewer.email ? normaliseEmail(viewer.email) : ""),
  );
}

export function listMailbox(db: Db, viewer: Actor, query: MailboxQuery) {
  return paginate(db, NEWEST_FIRST, query, (after, window) =>
    db.query.mailboxMessages.findMany({
      where: and(
        readableBy(viewer),
        query.to ? eq(mailboxMessages.to, normaliseEmail(query.to)) : undefined,
        after,
      ),
      ...window,
    }),
  );
}

export function getMailboxMessage(db: Db, viewer: Actor, id: string) {
  return db.query.mailboxMessages.findFirst({
    where: and(eq(mailboxMessages.id, id), readableBy(viewer)),
  });
}
