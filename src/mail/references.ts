// Emails written by reference. A request that must record its email in the same batch as the
// change it announces, but has not read what the email is made of (the verification: its
// one batch reads, moves the seat and records the email, src/registrations/decision-notice.ts),
// writes a row that only names what the email is about: its template is `ref:<resolver>`, its
// props say what to resolve, and its key name and address index are copied from the
// person's row in the same statement, so erasure and a subject access request find it as
// they find any other email to that person. The consumer makes the row whole before its
// first send (`completeReference`): the resolver opens the person's row and writes the
// email as it would have been written at the request, in one statement with whatever must
// change alongside. Every later attempt sends what that completion stored.
import { eq, type SQL, sql } from "drizzle-orm";
import { type Db, runBatch, type Statement } from "../db/client";
import { runInBatch } from "../db/raw";
import { emails } from "../db/schema";
import { newId } from "../lib/tokens";
import type { EmailToSend, Mailer } from "./outbox";

const REFERENCE = "ref:";

/** Whether a row was written by reference and is not yet made whole. */
export const isReference = (template: string | null): template is string =>
  template?.startsWith(REFERENCE) ?? false;

/**
 * What a resolver makes of a reference: the email, with statements to run in the same batch
 * as it is stored (a venue counted as revealed), or why there is no email to send.
 */
export type Completion =
  | {
      email: EmailToSend;
      /**
       * What must still hold when the email is stored (the person still where the email
       * says they are), checked in the storing statement: the resolver read it a round trip
       * earlier. Where it no longer holds, nothing is stored and the attempt is tried again.
       */
      onlyIf: SQL;
      /** Statements to run with the storing, under the same condition. */
      alongside?: (onlyIf: SQL) => Statement[];
    }
  | { none: string };
export type Resolver = (props: unknown) => Promise<Completion>;
export type Resolvers = Readonly<Record<string, Resolver>>;

/**
 * The insert of an email by reference, for the caller's batch: one row for each row `source`
 * (`FROM … WHERE …`, usually one row or none) selects, with the columns given as SQL over it.
 * Enqueue the id afterwards; an id whose row was not written is acked by the consumer.
 */
export function referenceInsert(
  db: Db,
  spec: {
    resolver: string;
    source: SQL;
    /**
     * The address, where one is at hand in the clear (a row of a workshop whose key was
     * never made): erasure finds a queued row by it. Empty otherwise, until written.
     */
    to?: SQL;
    /** The data key of the person it is about, and their address index under it. */
    keyName: SQL;
    toIndex: SQL;
    /** What the email is for, as `kind` of any other row (`workshop:confirmed`, …). */
    kind: SQL;
    /** What the resolver is given, as a JSON value. */
    props: SQL;
    now: Date;
  },
) {
  const id = newId("eml");
  const query = runInBatch(
    db,
    sql`INSERT INTO ${emails} (id, to_address, key_name, to_index, subject, template, props, html, text, headers, attachments, kind, status, last_error, next_attempt_at)
      SELECT ${id}, ${spec.to ?? sql`''`}, ${spec.keyName}, ${spec.toIndex}, '', ${REFERENCE + spec.resolver},
        json_object('props', json(${spec.props})), '', '', '{}', '[]', ${spec.kind}, 'queued', NULL, ${spec.now.getTime()}
      ${spec.source}`,
  );
  return { id, query };
}

type EmailRow = typeof emails.$inferSelect;

/**
 * Makes a reference whole: the row as it is to be sent, or why nothing is to be sent. A row
 * another delivery of the same message completed meanwhile is read back as that one stored it.
 * A resolver that throws, or whose condition no longer held when its email was to be stored,
 * is the caller's to retry, like a template that fails to render.
 */
export async function completeReference(
  db: Db,
  mailer: Mailer,
  resolvers: Resolvers,
  email: EmailRow & { template: string },
): Promise<EmailRow | { none: string }> {
  const name = email.template.slice(REFERENCE.length);
  const resolve = resolvers[name];
  if (!resolve) throw new Error(`no resolver for "${name}"`);
  const completion = await resolve((email.props as { props: unknown } | null)?.props);
  if ("none" in completion) return completion;
  const { onlyIf } = completion;
  const results = await runBatch(db, [
    ...(completion.alongside?.(onlyIf) ?? []),
    mailer.completion(email.id, email.template, completion.email, onlyIf),
  ]);
  const stored = (results.at(-1) as EmailRow[])[0];
  if (stored) return stored;
  const now = await db.query.emails.findFirst({ where: eq(emails.id, email.id) });
  if (!now) return { none: "the email was deleted before it was written (an erasure)" };
  if (now.template === email.template && now.status === "queued")
    throw new Error("what it is about changed while it was being written");
  return now;
}
