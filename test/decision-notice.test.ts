// The seat decision in one round trip: the verification reads, moves and records its email
// in one batch, and the email, recorded by reference, is written by the queue consumer.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, like, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emails, mailboxMessages, registrations } from "../src/db/schema";
import type { Env } from "../src/env";
import { emailIdempotencyKey } from "../src/mail/consumer";
import { Mailer } from "../src/mail/outbox";
import { completeReference, referenceInsert } from "../src/mail/references";
import { MAIL_MAX_ATTEMPTS } from "../src/mail/retry";
import { verify } from "../src/registrations/service";
import { createServices } from "../src/services";
import { workshopKeyName } from "../src/vault/keys";
import { app } from "./support/app";
import {
  ADMIN,
  call,
  db,
  delivered,
  eventually,
  json,
  simpleEmail,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { deliver } from "./support/queue";
import { registrationOf, vault, workshopEmailsTo } from "./support/vault";
import { createWorkshop } from "./support/workshops";

const metered = { ...env, D1_METRICS: "on" } as Env;

/** A registration awaiting its verification, and the link that verifies it. */
async function pending(slug: string, name = "Participant") {
  const email = uniqueEmail(name.split(" ")[0]!.toLowerCase());
  const res = await json(`/api/v1/public/workshops/${slug}/registrations`, "POST", {
    name,
    email,
  });
  expect(res.status).toBe(202);
  return { email, token: await tokenFromEmail(email, "workshop:verify") };
}

/** The verification as the browser's POST makes it, with its D1 round trips before the answer. */
async function verifyMetered(token: string) {
  const ctx = createExecutionContext();
  const res = await app.request(
    `/api/v1/public/registrations/${token}/verify`,
    { method: "POST" },
    metered,
    ctx,
  );
  const answer = {
    status: res.status,
    body: (await res.json()) as { status?: string },
    roundTrips: Number(res.headers.get("x-d1-round-trips")),
  };
  await waitOnExecutionContext(ctx);
  return answer;
}

/** The email a verification recorded by reference, not yet written (nobody enqueued it). */
async function referenceFor(workshopId: string) {
  return (await db().query.emails.findFirst({
    where: and(eq(emails.keyName, workshopKeyName(workshopId)), like(emails.template, "ref:%")),
  }))!;
}

/** What the dev mailbox received of an outbox email: none, or its one copy. */
const sentCopies = (emailId: string) =>
  db()
    .select()
    .from(mailboxMessages)
    .where(eq(mailboxMessages.idempotencyKey, emailIdempotencyKey(emailId)));

/** The seat decision without its queue send: the email stays a reference until the test delivers it. */
const verifyUnsent = (token: string) =>
  verify(createServices(env), token, { after: () => undefined });

describe("a verification", () => {
  it("decides the seat in one D1 round trip; the consumer writes its email as the request would have", async () => {
    const w = await createWorkshop({ capacity: 1 });
    await pending(w.slug, "First"); // makes the workshop's key
    const seat = await pending(w.slug, "Seat Holder");
    const line = await pending(w.slug, "In Line");

    const seated = await verifyMetered(seat.token);
    expect(seated).toMatchObject({ status: 200, body: { status: "confirmed" }, roundTrips: 1 });
    const waiting = await verifyMetered(line.token);
    expect(waiting).toMatchObject({ status: 200, body: { status: "waitlisted" }, roundTrips: 1 });

    const confirmation = await delivered(
      (await workshopEmailsTo(w.id, seat.email)).find((e) => e.kind === "workshop:confirmed")!,
    );
    expect(confirmation.to).toBe(seat.email);
    expect(confirmation.subject).toContain(w.title);
    expect(confirmation.text).toContain("Seat Holder");
    // The manage link, the check-in code and the calendar file, as before.
    const manage = confirmation.text.match(/\/r\/([A-Za-z0-9_.-]+)/)![1]!;
    expect((await call(`/r/${manage}`)).status).toBe(200);
    expect(confirmation.text).toContain("Show this code at the door to check in.");
    expect(confirmation.html).toContain('bgcolor="#000000"'); // the QR code's cells
    expect(confirmation.attachments.map((a) => a.filename)).toContain("workshop.ics");
    expect(confirmation.text).toContain("Hall B");

    const waitlisted = await delivered(
      (await workshopEmailsTo(w.id, line.email)).find((e) => e.kind === "workshop:waitlisted")!,
    );
    expect(waitlisted.to).toBe(line.email);
    // A place on the waitlist has no check-in code and no calendar file.
    expect(waitlisted.text).not.toContain("Show this code at the door");
    expect(waitlisted.attachments).toHaveLength(0);
  });

  it("writes the email in the language the person registered in", async () => {
    const w = await createWorkshop();
    await pending(w.slug, "First");
    const email = uniqueEmail("arabic");
    const res = await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: "سلمى",
      email,
      language: "ar",
    });
    expect(res.status).toBe(202);
    const token = await tokenFromEmail(email, "workshop:verify");
    expect((await verifyMetered(token)).body.status).toBe("confirmed");
    const confirmation = await delivered(
      (await workshopEmailsTo(w.id, email)).find((e) => e.kind === "workshop:confirmed")!,
    );
    expect(confirmation.html).toContain('dir="rtl"');
    expect(confirmation.text).toContain("سلمى");
    expect(confirmation.subject).toMatch(/[\u0600-\u06FF]/);
  });

  it("tells each of many racing for one seat where they really ended", async () => {
    const w = await createWorkshop({ capacity: 1 });
    await pending(w.slug, "First");
    const people = await Promise.all(
      Array.from({ length: 6 }, (_, i) => pending(w.slug, `Racer ${i}`)),
    );
    const answers = await Promise.all(
      people.map(
        async (p) =>
          (
            (await (
              await call(`/api/v1/public/registrations/${p.token}/verify`, { method: "POST" })
            ).json()) as {
              status: string;
            }
          ).status,
      ),
    );
    expect(answers.filter((s) => s === "confirmed")).toHaveLength(1);
    for (const [i, p] of people.entries()) {
      const kinds = await eventually(async () => {
        const rows = await workshopEmailsTo(w.id, p.email);
        const decided = rows.filter((r) => r.kind !== "workshop:verify");
        return decided.length > 0 && decided.every((r) => r.status === "sent") && decided;
      });
      expect(kinds.map((r) => r.kind)).toEqual([`workshop:${answers[i]}`]);
    }
  });

  it("goes to the approval queue where the workshop asks, read in the move's own statement", async () => {
    const w = await createWorkshop({ registrationMode: "approval" });
    await pending(w.slug, "First");
    const p = await pending(w.slug, "Applicant");
    expect(await verifyMetered(p.token)).toMatchObject({
      body: { status: "pending_approval" },
      roundTrips: 1,
    });
    const rows = await workshopEmailsTo(w.id, p.email);
    expect(rows.map((r) => r.kind)).toContain("workshop:pending_approval");
    expect((await registrationOf(w.id, p.email))!.verifiedAt).not.toBeNull();
  });

  it("of a cancelled workshop is refused and moves nothing; a second one answers the status", async () => {
    const w = await createWorkshop();
    await pending(w.slug, "First");
    const p = await pending(w.slug, "Late");
    const q = await pending(w.slug, "Twice");
    expect((await verifyMetered(q.token)).body.status).toBe("confirmed");
    const again = await verifyMetered(q.token);
    expect(again).toMatchObject({ status: 200, body: { status: "confirmed" }, roundTrips: 1 });
    expect(
      (await workshopEmailsTo(w.id, q.email)).filter((r) => r.kind === "workshop:confirmed"),
    ).toHaveLength(1);

    expect((await json(`/api/v1/workshops/${w.id}/cancel`, "POST", {}, ADMIN)).status).toBe(200);
    const refused = await verifyMetered(p.token);
    expect(refused.status).toBe(409);
    expect((await registrationOf(w.id, p.email))!.status).toBe("pending_verification");
    const rows = await workshopEmailsTo(w.id, p.email);
    expect(rows.map((r) => r.kind)).not.toContain("workshop:confirmed");
  });

  it("of a full workshop without a waitlist is rejected, and told so", async () => {
    const w = await createWorkshop({ capacity: 1, waitlist: false });
    await pending(w.slug, "First");
    const seated = await pending(w.slug, "Seated");
    const late = await pending(w.slug, "Late Comer");
    expect((await verifyMetered(seated.token)).body.status).toBe("confirmed");
    expect(await verifyMetered(late.token)).toMatchObject({
      body: { status: "rejected" },
      roundTrips: 1,
    });
    const told = await delivered(
      (await workshopEmailsTo(w.id, late.email)).find((e) => e.kind === "workshop:rejected")!,
    );
    expect(told.to).toBe(late.email);
    expect(told.text).not.toContain("Show this code at the door");
  });

  it("of someone whose workshop's key was destroyed is a link to nobody: 404, nothing moved", async () => {
    const w = await createWorkshop();
    const p = await pending(w.slug, "Purged Early");
    const row = (await registrationOf(w.id, p.email))!;
    await vault().destroy(workshopKeyName(w.id), new Date());
    expect(await verifyMetered(p.token)).toMatchObject({ status: 404, roundTrips: 1 });
    const after = await db().query.registrations.findFirst({
      where: eq(registrations.id, row.id),
    });
    expect(after).toMatchObject({ status: "pending_verification", verifiedAt: null });
    const recorded = await db().query.emails.findMany({
      where: eq(emails.keyName, workshopKeyName(w.id)),
    });
    expect(recorded.map((e) => e.kind)).toEqual(["workshop:verify"]);
  });
});

describe("an email recorded by reference", () => {
  /** A reference about nothing, for the resolver of that name: the consumer's side alone. */
  async function aReference(resolver: string) {
    const { id, query } = referenceInsert(db(), {
      resolver,
      source: sql`FROM (SELECT 1)`,
      keyName: sql`NULL`,
      toIndex: sql`NULL`,
      kind: sql`'test:reference'`,
      props: sql`json_object('about', 'nothing')`,
      now: new Date(),
    });
    await query;
    return id;
  }

  /** A seat confirmed, its email recorded by reference and not enqueued: the test delivers it. */
  async function confirmedUnsent(name: string) {
    const w = await createWorkshop();
    await pending(w.slug, "First");
    const p = await pending(w.slug, name);
    expect(await verifyUnsent(p.token)).toBe("confirmed");
    return { w, p, reference: await referenceFor(w.id) };
  }

  it("is not written for a registration the organisers cancelled before the consumer got to it", async () => {
    const { w, p, reference } = await confirmedUnsent("Removed");
    expect(reference).toMatchObject({ to: "", subject: "", kind: "workshop:confirmed" });
    // Found by the person's index before it is written: erasure and access requests see it.
    expect((await workshopEmailsTo(w.id, p.email)).map((r) => r.id)).toContain(reference.id);

    const row = (await registrationOf(w.id, p.email))!;
    const cancel = await json(
      `/api/v1/registrations/${row.id}`,
      "PATCH",
      { status: "cancelled" },
      ADMIN,
    );
    expect(cancel.status).toBe(200);
    await deliver([{ id: "m", emailId: reference.id, attempts: 1 }]);
    const after = (await db().query.emails.findFirst({ where: eq(emails.id, reference.id) }))!;
    expect(after.status).toBe("failed");
    expect(after.lastError).toBe(
      "not sent: the registration became cancelled before its email was written",
    );
    // No place, no check-in code went out; the cancellation has its own email.
    const sent = await sentCopies(reference.id);
    expect(sent).toHaveLength(0);
    expect((await workshopEmailsTo(w.id, p.email)).map((r) => r.kind)).toContain(
      "workshop:cancelled",
    );
  });

  it("is not written when the workshop was cancelled before the consumer got to it", async () => {
    const { w, p, reference } = await confirmedUnsent("Too Late");
    expect((await json(`/api/v1/workshops/${w.id}/cancel`, "POST", {}, ADMIN)).status).toBe(200);
    await deliver([{ id: "m", emailId: reference.id, attempts: 1 }]);
    expect(await db().query.emails.findFirst({ where: eq(emails.id, reference.id) })).toMatchObject(
      {
        status: "failed",
        lastError: "not sent: the workshop was cancelled before its email was written",
      },
    );
    expect(await sentCopies(reference.id)).toHaveLength(0);
    // Only the cancellation reaches them, with its calendar file cancelling the event.
    const told = await workshopEmailsTo(w.id, p.email);
    expect(told.map((r) => r.kind)).toContain("workshop:workshop_cancelled");
  });

  it("goes with the person erased before it was written", async () => {
    const { p, reference } = await confirmedUnsent("Erased");
    const erased = await json(
      `/api/v1/people?email=${encodeURIComponent(p.email)}`,
      "DELETE",
      {},
      ADMIN,
    );
    expect(erased.status).toBe(200);
    expect(await db().query.emails.findFirst({ where: eq(emails.id, reference.id) })).toBe(
      undefined,
    );
    expect((await deliver([{ id: "m", emailId: reference.id, attempts: 1 }])).explicitAcks).toEqual(
      ["m"],
    );
  });

  it("is written once when two deliveries of its message race, and sent once", async () => {
    const { p, reference } = await confirmedUnsent("Once");
    await Promise.all([
      deliver([{ id: "a", emailId: reference.id, attempts: 1 }]),
      deliver([{ id: "b", emailId: reference.id, attempts: 1 }]),
    ]);
    const row = (await db().query.emails.findFirst({ where: eq(emails.id, reference.id) }))!;
    expect(row.status).toBe("sent");
    const sent = await sentCopies(reference.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(p.email);
  });

  it("is not stored when what it is about changed after the resolver read it: tried again", async () => {
    const id = await aReference("test");
    const row = (await db().query.emails.findFirst({ where: eq(emails.id, id) }))!;
    const mailer = new Mailer(db(), env.MAIL_QUEUE);
    const writing = (holds: boolean) =>
      completeReference(
        db(),
        mailer,
        { test: async () => ({ email: simpleEmail(), onlyIf: holds ? sql`1` : sql`0` }) },
        { ...row, template: row.template! },
      );
    await expect(writing(false)).rejects.toThrow("changed while it was being written");
    expect(await db().query.emails.findFirst({ where: eq(emails.id, id) })).toMatchObject({
      template: "ref:test",
      to: "",
    });
    const written = await writing(true);
    expect(written).toMatchObject({ id, template: "notice", status: "queued" });
    // A second delivery's writing finds it written and takes it as it is.
    expect(await writing(true)).toMatchObject({ id, to: (written as { to: string }).to });
  });

  it("that cannot be written is retried, then recorded as failed with the reason, sending nothing", async () => {
    const id = await aReference("no-such-resolver");
    for (let attempt = 1; attempt < MAIL_MAX_ATTEMPTS; attempt++) {
      const result = await deliver([{ id: "m", emailId: id, attempts: attempt }]);
      expect(result.retryMessages).toHaveLength(1);
      expect(await db().query.emails.findFirst({ where: eq(emails.id, id) })).toMatchObject({
        status: "queued",
        attempts: attempt,
        lastError: 'writing the email failed: no resolver for "no-such-resolver"',
      });
    }
    await deliver([{ id: "m", emailId: id, attempts: MAIL_MAX_ATTEMPTS }]);
    expect(await db().query.emails.findFirst({ where: eq(emails.id, id) })).toMatchObject({
      status: "failed",
      lastError: 'writing the email failed: no resolver for "no-such-resolver"',
    });
    const sent = await sentCopies(id);
    expect(sent).toHaveLength(0);
  });
});
