// Every pair of states of the invitation, email and subscriber machines, through the code
// that really changes them, against real D1: a move the table allows happens, any other is
// refused (409) or changes nothing. Registrations have theirs in attendees.test.ts.
import { createExecutionContext, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { TEMPLATES } from "../emails";
import {
  emails,
  INVITATION_STATUSES,
  invitations,
  SUBSCRIBER_STATUSES,
  subscribers,
  workshops,
} from "../src/db/schema";
import worker from "../src/index";
import { expireInvitations } from "../src/invitations/reminders";
import { INVITATION_TRANSITIONS, type InvitationStatus } from "../src/invitations/service";
import { canMove } from "../src/lib/state-machine";
import { deliverEmail } from "../src/mail/consumer";
import type { MailQueueMessage } from "../src/mail/messages";
import { EMAIL_TRANSITIONS, type EmailStatus, Mailer } from "../src/mail/outbox";
import { MAIL_MAX_ATTEMPTS } from "../src/mail/retry";
import type { MailTransport, SendOutcome } from "../src/mail/transport";
import { linkToken } from "../src/registrations/tokens";
import {
  REACTIVATED_BY_OWNER,
  SUBSCRIBER_TRANSITIONS,
  type SubscriberStatus,
} from "../src/subscribers/service";
import { manageToken, unsubscribeToken } from "../src/subscribers/tokens";
import { ADMIN, call, db, json, simpleEmail, tokenFromEmail, uniqueEmail } from "./support/helpers";
import { postWebhook } from "./support/svix";
import { invitationRowOf, subscriberRowOf, vault } from "./support/vault";
import { createWorkshop } from "./support/workshops";

/** Every (from, to) pair of a machine whose `to` some code moves to. */
function pairs<S extends string, To extends S>(statuses: readonly S[], reachable: readonly To[]) {
  return statuses.flatMap((from) => reachable.map((to) => [from, to] as const));
}

describe("invitation status machine", () => {
  interface Invited {
    id: string;
    token: string;
    workshopId: string;
  }

  const statusOf = async (id: string) =>
    (await db().query.invitations.findFirst({ where: eq(invitations.id, id) }))!.status;
  const answer = (i: Invited, response: "accept" | "decline") =>
    json(`/api/v1/public/invitations/${i.token}`, "POST", { response });
  const closeRegistration = (workshopId: string) =>
    db()
      .update(workshops)
      .set({ registrationClosesAt: new Date(Date.now() - 60_000) })
      .where(eq(workshops.id, workshopId));

  /**
   * The code path to each status (none leads back to `pending`), tried on an invitation in
   * any status; it gives the HTTP status, or null for the cron job.
   */
  const moveTo: Record<
    Exclude<InvitationStatus, "pending">,
    (i: Invited) => Promise<number | null>
  > = {
    sent: async (i) => (await json(`/api/v1/invitations/${i.id}/send`, "POST", {}, ADMIN)).status,
    accepted: async (i) => (await answer(i, "accept")).status,
    declined: async (i) => (await answer(i, "decline")).status,
    revoked: async (i) =>
      (await json(`/api/v1/invitations/${i.id}/revoke`, "POST", {}, ADMIN)).status,
    expired: async (i) => {
      await closeRegistration(i.workshopId);
      await expireInvitations(db(), new Date());
      return null;
    },
  };

  async function invitationIn(status: InvitationStatus): Promise<Invited> {
    const w = await createWorkshop({ registrationMode: "invitation", capacity: 5 });
    const email = uniqueEmail("inv");
    const send = status !== "pending";
    const res = await json(
      `/api/v1/workshops/${w.id}/invitations`,
      "POST",
      { invitees: [{ email, name: "Invited" }], send },
      ADMIN,
    );
    expect(res.status).toBe(201);
    const { id } = (await invitationRowOf(w.id, email))!;
    let token: string;
    if (send) token = await tokenFromEmail(email, "workshop:invitation", "i");
    else {
      // A pending invitation has no link yet; give it one, as sending would.
      token = await linkToken(
        env.TOKEN_SECRET,
        "invitation",
        id,
        new Date(Date.now() + 86_400_000),
      );
    }
    const invited = { id, token, workshopId: w.id };
    if (status !== "pending" && status !== "sent") await moveTo[status](invited);
    expect(await statusOf(id)).toBe(status);
    return invited;
  }

  /** Answering what was already answered, or revoking twice, repeats the answer: 200. */
  const repeats = (from: InvitationStatus, to: InvitationStatus) =>
    (from === "accepted" || from === "declined") && (to === "accepted" || to === "declined")
      ? true
      : from === to;

  for (const [from, to] of pairs(
    INVITATION_STATUSES,
    Object.keys(moveTo) as (keyof typeof moveTo)[],
  )) {
    const legal = canMove(INVITATION_TRANSITIONS, from, to);
    it(`${from} → ${to} is ${legal ? "allowed" : "refused"}`, async () => {
      const invited = await invitationIn(from);
      const code = await moveTo[to](invited);
      expect(await statusOf(invited.id)).toBe(legal ? to : from);
      if (code !== null) expect(code).toBe(legal || repeats(from, to) ? 200 : 409);
    });
  }
});

describe("email status machine", () => {
  const emailRow = async (id: string) =>
    (await db().query.emails.findFirst({ where: eq(emails.id, id) }))!;

  /** A provider that answers every send with `outcome`, and counts the sends. */
  function provider(outcome: SendOutcome) {
    const transport: MailTransport & { sends: number } = {
      name: "resend",
      sends: 0,
      async send() {
        transport.sends += 1;
        return outcome;
      },
      async sendBatch() {
        throw new Error("not used");
      },
    };
    return transport;
  }

  /** One delivery attempt through the consumer; it reports whether the provider was called. */
  const attempt =
    (outcome: SendOutcome, n = 1) =>
    async (id: string) => {
      const transport = provider(outcome);
      await deliverEmail(
        db(),
        vault(),
        transport,
        TEMPLATES,
        "Workshops <events@example.org>",
        id,
        n,
      );
      return transport.sends > 0;
    };

  /** The dead-letter queue receiving the email's message, through the real queue handler. */
  async function deadLetter(id: string) {
    const batch = createMessageBatch<MailQueueMessage>("workshops-mail-dlq", [
      { id: "dlq", timestamp: new Date(), attempts: 1, body: { kind: "email", emailId: id } },
    ]);
    await worker.queue(batch, env, createExecutionContext());
    return false;
  }

  // Every code path that changes an email's status, with the status it moves to.
  const paths: { name: string; to: EmailStatus; run: (id: string) => Promise<boolean> }[] = [
    {
      name: "a retry after a 5xx",
      to: "queued",
      run: attempt({ ok: false, retryable: true, error: "503" }),
    },
    { name: "the provider accepting", to: "sent", run: attempt({ ok: true, providerId: "re_1" }) },
    {
      name: "a permanent 4xx",
      to: "failed",
      run: attempt({ ok: false, retryable: false, error: "422" }),
    },
    {
      name: "the last retry failing",
      to: "failed",
      run: attempt({ ok: false, retryable: true, error: "503" }, MAIL_MAX_ATTEMPTS),
    },
    { name: "the dead-letter queue", to: "failed", run: deadLetter },
  ];

  async function emailIn(status: EmailStatus): Promise<string> {
    const { id, query } = new Mailer(db(), env.MAIL_QUEUE).outboxInsert(simpleEmail());
    await query;
    const into = paths.find((p) => p.to === status)!;
    if (status !== "queued") await into.run(id);
    expect((await emailRow(id)).status).toBe(status);
    return id;
  }

  for (const from of Object.keys(EMAIL_TRANSITIONS) as EmailStatus[]) {
    for (const path of paths) {
      const legal = canMove(EMAIL_TRANSITIONS, from, path.to);
      it(`${from} → ${path.to} by ${path.name} is ${legal ? "allowed" : "refused"}`, async () => {
        const id = await emailIn(from);
        const before = await emailRow(id);
        const sent = await path.run(id);
        const after = await emailRow(id);
        if (legal) {
          expect(after.status).toBe(path.to);
          expect(after).not.toEqual(before);
        } else {
          // Refused: the row is as it was, and no provider was asked to send it again.
          expect(after).toEqual(before);
          expect(sent).toBe(false);
        }
      });
    }
  }
});

describe("subscriber status machine", () => {
  interface Known {
    id: string;
    email: string;
  }

  const statusOf = async (id: string) =>
    (await db().query.subscribers.findFirst({ where: eq(subscribers.id, id) }))!.status;
  const webhook = (type: string) => async (s: Known) =>
    (await postWebhook({ type, data: { email_id: `re_${s.id}`, to: [s.email] } })).status;

  // Every code path that changes a subscriber's status, with the status it moves to and the
  // HTTP status it answers, legal or not. None leads back to `pending`: subscribing again
  // is tried as if it did, and must change nothing.
  const paths: {
    name: string;
    to: SubscriberStatus;
    run: (s: Known) => Promise<number>;
    answers: (legal: boolean, from: SubscriberStatus) => number;
    /** A path that does less than the table allows; by default, all of it. */
    narrower?: (from: SubscriberStatus) => boolean;
  }[] = [
    {
      name: "subscribing again",
      to: "pending",
      run: async (s) =>
        (await json("/api/v1/public/subscriptions", "POST", { email: s.email })).status,
      answers: () => 202,
    },
    {
      name: "the confirmation link",
      to: "active",
      run: async (s) =>
        (
          await call(
            `/api/v1/public/subscriptions/${await manageToken(env.TOKEN_SECRET, s.id)}/confirm`,
            { method: "POST" },
          )
        ).status,
      // Confirming an active subscription repeats its answer.
      answers: (legal, from) => (legal || from === "active" ? 200 : 409),
      // A bounce or complaint is an owner's to reactivate, not the link holder's.
      narrower: (from) => !REACTIVATED_BY_OWNER.includes(from),
    },
    {
      name: "an owner's reactivation, after lifting the address's suppression",
      to: "active",
      run: async (s) => {
        const found = (await (
          await json("/api/v1/suppressions/lookup", "POST", { email: s.email }, ADMIN)
        ).json()) as { entries: { id: string; liftable: boolean }[] };
        for (const entry of found.entries.filter((e) => e.liftable))
          expect(
            (
              await json(
                `/api/v1/suppressions/${entry.id}/lift`,
                "POST",
                { reason: "The mailbox works again." },
                ADMIN,
              )
            ).status,
          ).toBe(200);
        return (await json(`/api/v1/subscribers/${s.id}/reactivate`, "POST", {}, ADMIN)).status;
      },
      answers: (legal) => (legal ? 200 : 409),
      // Pending and unsubscribed subscriptions are the subscriber's own to confirm.
      narrower: (from) => REACTIVATED_BY_OWNER.includes(from),
    },
    {
      name: "an organiser's import",
      to: "active",
      run: async (s) =>
        (
          await call("/api/v1/subscribers/import", {
            method: "POST",
            headers: { ...ADMIN, "Content-Type": "text/csv" },
            body: `email\r\n${s.email}\r\n`,
          })
        ).status,
      answers: () => 200,
      // An organiser never overrides a subscriber's own unsubscribe, nor a bounce or a
      // complaint (an owner reactivates those, once lifted).
      narrower: (from) => from !== "unsubscribed" && !REACTIVATED_BY_OWNER.includes(from),
    },
    {
      name: "one-click unsubscribe",
      to: "unsubscribed",
      run: async (s) =>
        (
          await call(
            `/u/${await unsubscribeToken(env.TOKEN_SECRET, { kind: "subscriber", id: s.id })}`,
            {
              method: "POST",
              headers: { "Content-Type": "application/x-www-form-urlencoded" },
              body: "List-Unsubscribe=One-Click",
            },
          )
        ).status,
      answers: () => 200,
    },
    { name: "a bounce", to: "bounced", run: webhook("email.bounced"), answers: () => 200 },
    {
      name: "a complaint",
      to: "complained",
      run: webhook("email.complained"),
      answers: () => 200,
    },
  ];

  async function subscriberIn(status: SubscriberStatus): Promise<Known> {
    const email = uniqueEmail("sub");
    expect((await json("/api/v1/public/subscriptions", "POST", { email })).status).toBe(202);
    const { id } = (await subscriberRowOf(email))!;
    const known = { id, email };
    const path = (to: SubscriberStatus) => paths.find((p) => p.to === to)!;
    if (status !== "pending") await path("active").run(known);
    if (status !== "pending" && status !== "active") await path(status).run(known);
    expect(await statusOf(id)).toBe(status);
    return known;
  }

  for (const from of SUBSCRIBER_STATUSES) {
    for (const path of paths) {
      const legal =
        canMove(SUBSCRIBER_TRANSITIONS, from, path.to) && (path.narrower?.(from) ?? true);
      it(`${from} → ${path.to} by ${path.name} is ${legal ? "allowed" : "refused"}`, async () => {
        const known = await subscriberIn(from);
        const code = await path.run(known);
        expect(await statusOf(known.id)).toBe(legal ? path.to : from);
        expect(code).toBe(path.answers(legal, from));
      });
    }
  }
});
