import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { TEMPLATES, templateEmail } from "../emails";
import { emails, mailboxMessages } from "../src/db/schema";
import worker from "../src/index";
import { MINUTELY } from "../src/jobs/scheduled";
import { isSealed } from "../src/lib/crypto";
import { deliverEmail } from "../src/mail/consumer";
import { type EmailToSend, Mailer } from "../src/mail/outbox";
import { calendarAttachment, renderContent } from "../src/mail/render";
import { ResendTransport } from "../src/mail/resend";
import { MAIL_MAX_ATTEMPTS } from "../src/mail/retry";
import { placeOf } from "../src/vault/fields";
import { workshopKeyName } from "../src/vault/keys";
import { fakeResend } from "./support/fake-resend";
import { ADMIN, call, db, emailsTo, eventually, simpleEmail, uniqueEmail } from "./support/helpers";
import { deliver } from "./support/queue";
import { vault } from "./support/vault";

const STAMP = new Date("2027-05-01T08:00:00Z");

/** What the test emails are rendered from: a notice with a link and a calendar file. */
const CONTENT = templateEmail("notice", {
  props: {
    lang: "en",
    preview: "Your registration",
    heading: "Hello there",
    paragraphs: ["Hello there, see you soon."],
  },
  attachments: [
    calendarAttachment(
      "invite.ics",
      [
        {
          uid: "reg_1@workshops.test",
          sequence: 0,
          title: "A workshop",
          start: new Date("2027-05-03T07:00:00Z"),
          end: new Date("2027-05-03T13:00:00Z"),
        },
      ],
      { method: "publish", stamp: STAMP },
    ),
  ],
});

/** Records an email in the outbox without enqueueing it, so only the test delivers it. */
async function outboxEmail(overrides: Partial<EmailToSend> = {}) {
  const mailer = new Mailer(db(), env.MAIL_QUEUE);
  const { id, query } = mailer.outboxInsert({
    to: uniqueEmail("rcpt"),
    subject: "Your registration",
    kind: "test",
    headers: {
      "List-Unsubscribe": "<https://workshops.test/u/abc>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    ...CONTENT,
    ...overrides,
  });
  await query;
  return id;
}

const rendered = () => renderContent(TEMPLATES, CONTENT.template, CONTENT.content);

const emailRow = async (id: string) =>
  (await db().query.emails.findFirst({ where: eq(emails.id, id) }))!;

describe("dev mailbox", () => {
  it("keeps the HTML, text, headers and attachment names of each email, and serves them", async () => {
    const id = await outboxEmail();
    const result = await deliver([{ id: "m1", emailId: id, attempts: 1 }]);
    expect(result.explicitAcks).toEqual(["m1"]);
    const row = await emailRow(id);
    expect(row.status).toBe("sent");

    const res = await call(`/api/v1/mailbox?to=${encodeURIComponent(row.to)}`, { headers: ADMIN });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as {
      data: {
        html: string;
        text: string;
        headers: Record<string, string>;
        attachments: unknown[];
        subject: string;
      }[];
    };
    expect(data).toHaveLength(1);
    const { html, text } = await rendered();
    expect(text).toContain("Hello there, see you soon.");
    expect(data[0]).toMatchObject({
      subject: "Your registration",
      html,
      text,
      headers: {
        "List-Unsubscribe": "<https://workshops.test/u/abc>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
      attachments: [{ filename: "invite.ics", contentType: "text/calendar" }],
    });
  });

  it("needs sign-in, and is 404 when Resend is configured", async () => {
    expect((await call("/api/v1/mailbox")).status).toBe(401);
    const { app } = await import("./support/app");
    const res = await app.request(
      "/api/v1/mailbox",
      { headers: ADMIN },
      { ...env, RESEND_API_KEY: "re_x" },
    );
    expect(res.status).toBe(404);
  });

  it("shows messages on the admin page with a sandboxed preview", async () => {
    const id = await outboxEmail({ subject: "Preview me" });
    await deliver([{ id: "m1", emailId: id, attempts: 1 }]);
    const message = (await db().query.mailboxMessages.findFirst({
      where: eq(mailboxMessages.subject, "Preview me"),
    }))!;
    const { ownerCookie } = await import("./support/helpers");
    const cookie = await ownerCookie();
    const list = await call("/admin/mailbox", { headers: { Cookie: cookie } });
    expect(await list.text()).toContain("Preview me");
    const page = await call(`/admin/mailbox/${message.id}`, { headers: { Cookie: cookie } });
    expect(await page.text()).toContain(`src="/admin/mailbox/${message.id}/html" sandbox=""`);
    const html = await call(`/admin/mailbox/${message.id}/html`, { headers: { Cookie: cookie } });
    expect(html.headers.get("content-security-policy")).toContain("sandbox");
    expect(html.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
    expect(html.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    // Every other page keeps the strict policy.
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(await html.text()).toBe((await rendered()).html);
  });

  it("strips CR/LF from subjects and header values", async () => {
    const id = await outboxEmail({
      subject: "Hi\r\nBcc: victim@example.org",
      headers: { "X-Name": "Ali\nBcc: x@example.org" },
    });
    const row = await emailRow(id);
    expect(row.subject).toBe("Hi Bcc: victim@example.org");
    expect(row.headers["X-Name"]).toBe("Ali Bcc: x@example.org");
  });

  it("delivers a redelivered message once", async () => {
    const id = await outboxEmail();
    await deliver([
      { id: "a", emailId: id, attempts: 1 },
      { id: "b", emailId: id, attempts: 1 },
    ]);
    await deliver([{ id: "a", emailId: id, attempts: 2 }]);
    const copies = await db()
      .select()
      .from(mailboxMessages)
      .where(eq(mailboxMessages.to, (await emailRow(id)).to));
    expect(copies).toHaveLength(1);
  });

  it("goes end to end through the real queue consumer", async () => {
    const to = uniqueEmail("e2e");
    await new Mailer(db(), env.MAIL_QUEUE).send(simpleEmail({ to, subject: "Through the queue" }));
    const message = await eventually(() =>
      db().query.mailboxMessages.findFirst({ where: eq(mailboxMessages.to, to) }),
    );
    expect(message.subject).toBe("Through the queue");
  });
});

describe("Resend transport through the consumer", () => {
  it("sends with an Idempotency-Key and records the provider id", async () => {
    const fake = fakeResend();
    const id = await outboxEmail();
    const result = await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    expect(result.explicitAcks).toEqual(["m"]);
    const state = await fake.state();
    expect(state.calls).toHaveLength(1);
    expect(state.calls[0]).toMatchObject({
      path: "/emails",
      idempotencyKey: `email/${id}`,
      status: 200,
    });
    expect(state.delivered[0]).toMatchObject({
      headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      attachments: ["invite.ics"],
    });
    expect((await emailRow(id)).providerId).toMatch(/^fake_/);
  });

  it("never sends a redelivered message twice", async () => {
    const fake = fakeResend();
    const id = await outboxEmail();
    await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    await deliver([{ id: "m", emailId: id, attempts: 2 }], fake.env);
    const state = await fake.state();
    expect(state.delivered).toHaveLength(1);
  });

  it("survives a crash between the provider call and the status update: no duplicate, no loss", async () => {
    const fake = fakeResend();
    const id = await outboxEmail();
    // The provider sends but its answer is lost: we cannot know it went out.
    await fake.inject({ sendThenStatus: 500 });
    const first = await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    expect(first.retryMessages).toHaveLength(1);
    expect((await emailRow(id)).status).toBe("queued");
    const second = await deliver([{ id: "m", emailId: id, attempts: 2 }], fake.env);
    expect(second.explicitAcks).toEqual(["m"]);
    const state = await fake.state();
    expect(state.delivered).toHaveLength(1);
    expect(state.calls.map((c) => c.replay)).toEqual([false, true]);
    expect((await emailRow(id)).status).toBe("sent");
  });

  it("retries a 429 no sooner than its retry-after", async () => {
    const fake = fakeResend();
    const id = await outboxEmail();
    await fake.inject({ status: 429, retryAfter: 120 });
    const before = Date.now();
    const result = await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.retryMessages[0]!.delaySeconds).toBeGreaterThanOrEqual(120);
    const row = await emailRow(id);
    expect(row).toMatchObject({ status: "queued", attempts: 1 });
    expect(row.lastError).toContain("429");
    expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 120_000);
  });

  it("retries 5xx with growing backoff, then dead-letters with the failure recorded", async () => {
    const fake = fakeResend();
    const id = await outboxEmail();
    await fake.inject(...Array.from({ length: MAIL_MAX_ATTEMPTS }, () => ({ status: 503 })));
    const delays: number[] = [];
    for (let attempt = 1; attempt < MAIL_MAX_ATTEMPTS; attempt++) {
      const result = await deliver([{ id: "m", emailId: id, attempts: attempt }], fake.env);
      expect(result.retryMessages).toHaveLength(1);
      delays.push(result.retryMessages[0]!.delaySeconds!);
      expect((await emailRow(id)).status).toBe("queued");
    }
    // Backoff grows: each delay's floor is the previous one's ceiling.
    for (let i = 1; i < delays.length; i++)
      expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays[0]!).toBeGreaterThanOrEqual(15);

    // The last attempt fails too: recorded as failed, and retried once more so the queue
    // moves it to the dead-letter queue (max_retries exceeded).
    const last = await deliver([{ id: "m", emailId: id, attempts: MAIL_MAX_ATTEMPTS }], fake.env);
    expect(last.retryMessages).toHaveLength(1);
    const row = await emailRow(id);
    expect(row).toMatchObject({ status: "failed", attempts: MAIL_MAX_ATTEMPTS });
    expect(row.lastError).toContain("503");

    // The dead-letter consumer acks it and leaves the failure on record.
    const dlq = await deliver(
      [{ id: "m", emailId: id, attempts: 1 }],
      fake.env,
      "workshops-mail-dlq",
    );
    expect(dlq.explicitAcks).toEqual(["m"]);
    expect((await emailRow(id)).status).toBe("failed");
    expect((await fake.state()).delivered).toHaveLength(0);
  });

  it("marks a message the dead-letter queue received while still queued as failed", async () => {
    const id = await outboxEmail();
    await deliver([{ id: "d", emailId: id, attempts: 1 }], env, "workshops-mail-dlq");
    expect(await emailRow(id)).toMatchObject({
      status: "failed",
      lastError: "dead-lettered after the last retry",
    });
  });

  it("fails at once, without retrying, on a permanent 4xx", async () => {
    const fake = fakeResend();
    const id = await outboxEmail();
    await fake.inject({ status: 422 });
    const result = await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    expect(result.explicitAcks).toEqual(["m"]);
    expect(result.retryMessages).toEqual([]);
    expect((await emailRow(id)).status).toBe("failed");
  });

  it("abandons a call that hangs and retries it with the same key, sending once", async () => {
    const fake = fakeResend();
    const id = await outboxEmail();
    await fake.inject({ delayMs: 1500 });
    const transport = new ResendTransport("re_test", fake.baseUrl, 200);
    const first = await deliverEmail(db(), vault(), transport, TEMPLATES, env.MAIL_FROM, id, 1);
    expect(first.action).toBe("retry");
    const second = await deliverEmail(db(), vault(), transport, TEMPLATES, env.MAIL_FROM, id, 2);
    expect(second.action).toBe("ack");
    const state = await fake.state();
    expect(state.delivered).toHaveLength(1);
    expect(state.calls.every((c) => c.idempotencyKey === `email/${id}`)).toBe(true);
    expect((await emailRow(id)).status).toBe("sent");
  });
});

describe("the outbox once an email is final", () => {
  const forgotten = { subject: "", html: "", text: "", headers: {}, attachments: [] };

  it("keeps only the delivery record of a sent email, and a redelivery sends nothing", async () => {
    const fake = fakeResend();
    const id = await outboxEmail();
    const before = await emailRow(id);
    await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    const row = await emailRow(id);
    expect(row).toMatchObject({
      ...forgotten,
      to: before.to,
      kind: "test",
      status: "sent",
      attempts: 1,
      lastError: null,
    });
    expect(row.providerId).toMatch(/^fake_/);
    expect(row.sentAt).toBeInstanceOf(Date);
    // The provider got the whole email, once; the redelivered message is acked unsent.
    const again = await deliver([{ id: "m", emailId: id, attempts: 2 }], fake.env);
    expect(again.explicitAcks).toEqual(["m"]);
    const state = await fake.state();
    expect(state.delivered).toHaveLength(1);
    expect(state.delivered[0]).toMatchObject({
      subject: "Your registration",
      attachments: ["invite.ics"],
    });
  });

  it("records an email to an erased person as failed at once, with no body, and sends nothing", async () => {
    const fake = fakeResend();
    const id = await outboxEmail({ to: "erased:reg_gone" });
    expect(await emailRow(id)).toMatchObject({ ...forgotten, status: "failed" });
    expect((await emailRow(id)).lastError).toContain("erased");
    const result = await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    expect(result.explicitAcks).toEqual(["m"]);
    expect((await fake.state()).calls).toHaveLength(0);
  });

  it("keeps no body of a failed or dead-lettered email either", async () => {
    const fake = fakeResend();
    const refused = await outboxEmail();
    await fake.inject({ status: 422 });
    await deliver([{ id: "m", emailId: refused, attempts: 1 }], fake.env);
    expect(await emailRow(refused)).toMatchObject({ ...forgotten, status: "failed" });
    expect((await emailRow(refused)).lastError).toContain("422");
    const lost = await outboxEmail();
    await deliver([{ id: "d", emailId: lost, attempts: 1 }], env, "workshops-mail-dlq");
    expect(await emailRow(lost)).toMatchObject({ ...forgotten, status: "failed" });
  });

  it("holds no live link after a registration's email went out, and the link still works", async () => {
    const { createWorkshop } = await import("./support/workshops");
    const { json, tokenFromEmail } = await import("./support/helpers");
    const w = await createWorkshop();
    const email = uniqueEmail("link");
    await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: "Link Holder",
      email,
    });
    const token = await tokenFromEmail(email, "workshop:verify");
    const row = await eventually(async () => {
      const sent = await db().query.emails.findFirst({ where: emailsTo(email) });
      return sent?.status === "sent" && sent;
    });
    expect(row).toMatchObject({ ...forgotten, status: "sent", kind: "workshop:verify" });
    const everything = JSON.stringify(await db().select().from(emails));
    expect(everything).not.toContain(token);
    expect(everything).not.toContain("Link Holder");
    expect((await call(`/r/${token}`)).status).toBe(200);
  });
});

describe("the address of a final email about someone", () => {
  /** An email about a person of a new workshop, whose data key exists. */
  async function aboutSomeone() {
    const keyName = workshopKeyName(`wsh_${Math.random().toString(36).slice(2, 10)}`);
    const key = (await vault().keyToSeal(keyName))!;
    const to = uniqueEmail("sealed");
    const id = await outboxEmail({ to, keyName, toIndex: await key.index(to) });
    return { id, to, keyName, key };
  }

  const opened = async (id: string, keyName: ReturnType<typeof workshopKeyName>) => {
    const key = (await vault().key(keyName))!;
    return key.open((await emailRow(id)).to, placeOf("emails", id, "to_address"));
  };

  it("stays plain while queued, and is sealed under their key once sent", async () => {
    const fake = fakeResend();
    const { id, to, keyName } = await aboutSomeone();
    expect((await emailRow(id)).to).toBe(to);
    await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    const row = await emailRow(id);
    expect(row.status).toBe("sent");
    expect(isSealed(row.to)).toBe(true);
    expect(JSON.stringify(row)).not.toContain(to.split("@")[0]);
    expect(await opened(id, keyName)).toBe(to);
    // The provider got the plain address; the ciphertext opens only in its own row.
    expect((await fake.state()).delivered.map((d) => d.to)).toEqual([to]);
    const key = (await vault().key(keyName))!;
    await expect(key.open(row.to, placeOf("emails", "eml_other", "to_address"))).rejects.toThrow();
  });

  it("is sealed when the email fails or is dead-lettered too", async () => {
    const fake = fakeResend();
    const refused = await aboutSomeone();
    await fake.inject({ status: 422 });
    await deliver([{ id: "m", emailId: refused.id, attempts: 1 }], fake.env);
    expect((await emailRow(refused.id)).status).toBe("failed");
    expect(await opened(refused.id, refused.keyName)).toBe(refused.to);
    const lost = await aboutSomeone();
    await deliver([{ id: "d", emailId: lost.id, attempts: 1 }], env, "workshops-mail-dlq");
    expect((await emailRow(lost.id)).status).toBe("failed");
    expect(await opened(lost.id, lost.keyName)).toBe(lost.to);
  });

  it("fails without sending when their key was destroyed before the consumer got to it", async () => {
    const fake = fakeResend();
    const { id, to, keyName } = await aboutSomeone();
    await vault().destroy(keyName, new Date());
    const result = await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    expect(result.explicitAcks).toEqual(["m"]);
    expect((await fake.state()).calls).toHaveLength(0);
    const row = await emailRow(id);
    expect(row).toMatchObject({ status: "failed", subject: "", props: null });
    expect(row.lastError).toMatch(/erased or purged/);
    expect(JSON.stringify(row)).not.toContain(to.split("@")[0]);
  });

  it("waits, unsent, while DATA_KEY cannot open their key", async () => {
    const fake = fakeResend();
    const { id, to } = await aboutSomeone();
    const wrong = { ...fake.env, DATA_KEY: btoa("another-master-key-0123456789abc") };
    const result = await deliver([{ id: "m", emailId: id, attempts: 1 }], wrong);
    expect(result.retryMessages.map((r) => r.msgId)).toEqual(["m"]);
    expect((await fake.state()).calls).toHaveLength(0);
    expect(await emailRow(id)).toMatchObject({ status: "queued", to });
  });

  it("keeps an organiser's email, which no data key covers, as it was", async () => {
    const fake = fakeResend();
    const to = uniqueEmail("organiser");
    const id = await outboxEmail({ to });
    await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    expect(await emailRow(id)).toMatchObject({ status: "sent", to, keyName: null });
  });
});

describe("rendering in the consumer", () => {
  it("retries a template that throws with backoff, then records it as failed with the error, sending nothing", async () => {
    const fake = fakeResend();
    // A notice without paragraphs: the template throws when it maps them.
    const id = await outboxEmail({
      template: "notice",
      content: { props: { lang: "en", preview: "Broken", heading: "Broken" } },
    });
    const delays: number[] = [];
    for (let attempt = 1; attempt < MAIL_MAX_ATTEMPTS; attempt++) {
      const result = await deliver([{ id: "m", emailId: id, attempts: attempt }], fake.env);
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages).toHaveLength(1);
      delays.push(result.retryMessages[0]!.delaySeconds!);
      const row = await emailRow(id);
      expect(row).toMatchObject({ status: "queued", attempts: attempt });
      expect(row.lastError).toMatch(/^rendering failed: .*map/);
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    }
    for (let i = 1; i < delays.length; i++)
      expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays[0]!).toBeGreaterThanOrEqual(15);

    const last = await deliver([{ id: "m", emailId: id, attempts: MAIL_MAX_ATTEMPTS }], fake.env);
    expect(last.retryMessages).toHaveLength(1);
    const row = await emailRow(id);
    expect(row).toMatchObject({ status: "failed", attempts: MAIL_MAX_ATTEMPTS, html: "" });
    expect(row.lastError).toMatch(/^rendering failed: .*map/);
    // The dead-letter queue leaves that reason on record.
    await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env, "workshops-mail-dlq");
    expect((await emailRow(id)).lastError).toMatch(/^rendering failed/);
    const state = await fake.state();
    expect(state.calls).toHaveLength(0);
  });

  it("fails an email naming no known template the same way", async () => {
    const id = await outboxEmail({ template: "no-such-template" });
    await deliver([{ id: "m", emailId: id, attempts: MAIL_MAX_ATTEMPTS }]);
    expect(await emailRow(id)).toMatchObject({
      status: "failed",
      lastError: 'rendering failed: no email template named "no-such-template"',
    });
  });

  it("sends the same bytes on every retry: the render is stored when a retry is due", async () => {
    const fake = fakeResend();
    const id = await outboxEmail();
    // Sent, but the answer is lost; then a 5xx; then accepted as a replay of the first.
    await fake.inject({ sendThenStatus: 500 }, { status: 503 });
    await deliver([{ id: "m", emailId: id, attempts: 1 }], fake.env);
    const stored = await emailRow(id);
    const expected = await rendered();
    expect(stored).toMatchObject({ status: "queued", html: expected.html, text: expected.text });
    expect(stored.attachments.map((a) => a.filename)).toEqual(["invite.ics"]);
    await deliver([{ id: "m", emailId: id, attempts: 2 }], fake.env);
    await deliver([{ id: "m", emailId: id, attempts: 3 }], fake.env);
    const state = await fake.state();
    // A payload that differed would have been answered 409 by the fake, as by Resend.
    expect(state.calls.map((c) => c.status)).toEqual([500, 503, 200]);
    expect(state.calls.map((c) => c.replay)).toEqual([false, false, true]);
    expect(state.delivered).toHaveLength(1);
    expect(await emailRow(id)).toMatchObject({ status: "sent" });
  });

  it("renders byte-identically when a crash lost the stored render", async () => {
    const fake = fakeResend();
    const id = await outboxEmail();
    const transport = new ResendTransport("re_test", fake.baseUrl);
    // The provider took it; the consumer died before recording anything.
    await fake.inject({ sendThenStatus: 500 });
    await deliverEmail(db(), vault(), transport, TEMPLATES, env.MAIL_FROM, id, 1);
    await db().update(emails).set({ html: "", text: "", attachments: [] }).where(eq(emails.id, id));
    const again = await deliverEmail(db(), vault(), transport, TEMPLATES, env.MAIL_FROM, id, 2);
    expect(again.action).toBe("ack");
    const state = await fake.state();
    expect(state.calls.map((c) => c.replay)).toEqual([false, true]);
    expect(state.delivered).toHaveLength(1);
  });

  it("still sends a row rendered when it was recorded, as it was stored", async () => {
    const to = uniqueEmail("old");
    const [row] = await db()
      .insert(emails)
      .values({
        id: "eml_recorded_before",
        to,
        subject: "Rendered long ago",
        html: "<p>Hello <strong>there</strong></p>",
        text: "Hello there",
        headers: {},
        attachments: [],
        kind: "test",
        status: "queued",
        nextAttemptAt: new Date(),
      })
      .returning();
    await deliver([{ id: "m", emailId: row!.id, attempts: 1 }]);
    const message = (await db().query.mailboxMessages.findFirst({
      where: eq(mailboxMessages.to, to),
    }))!;
    expect(message).toMatchObject({
      html: "<p>Hello <strong>there</strong></p>",
      text: "Hello there",
    });
  });
});

describe("sweeper", () => {
  it("re-enqueues emails whose queue message was lost, and they get delivered", async () => {
    const id = await outboxEmail();
    await db()
      .update(emails)
      .set({ nextAttemptAt: new Date(Date.now() - 10 * 60 * 1000) })
      .where(eq(emails.id, id));
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: MINUTELY, scheduledTime: Date.now() }),
      env,
      ctx,
    );
    const to = (await emailRow(id)).to;
    await eventually(() =>
      db().query.mailboxMessages.findFirst({ where: eq(mailboxMessages.to, to) }),
    );
    expect(
      (await eventually(async () => (await emailRow(id)).status === "sent" && (await emailRow(id))))
        .status,
    ).toBe("sent");
  });

  it("leaves emails that are merely waiting for a retry alone", async () => {
    const id = await outboxEmail();
    await db()
      .update(emails)
      .set({ nextAttemptAt: new Date(Date.now() + 10 * 60 * 1000) })
      .where(eq(emails.id, id));
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: MINUTELY, scheduledTime: Date.now() }),
      env,
      ctx,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect((await emailRow(id)).status).toBe("queued");
  });
});

describe("batch sends", () => {
  const emailsFor = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      from: env.MAIL_FROM,
      to: `batch${i}@example.org`,
      subject: `Report ${i}`,
      html: "<p>r</p>",
      text: "r",
      headers: { "List-Unsubscribe": `<https://workshops.test/u/t${i}>` },
      attachments: [],
    }));

  it("go to Resend's batch endpoint in one call with the idempotency key, once even when retried", async () => {
    const fake = fakeResend();
    const transport = new ResendTransport("re_test", fake.baseUrl);
    const batch = emailsFor(100);
    const first = await transport.sendBatch(batch, "dist/d1/chunk/0");
    const again = await transport.sendBatch(batch, "dist/d1/chunk/0");
    expect(first).toMatchObject({ ok: true });
    expect(first.ok && first.providerIds).toHaveLength(100);
    // The replay returns the first answer: the same provider ids.
    expect(again).toEqual(first);
    const state = await fake.state();
    expect(
      state.calls.map((c) => [c.path, c.idempotencyKey, c.recipients.length, c.replay]),
    ).toEqual([
      ["/emails/batch", "dist/d1/chunk/0", 100, false],
      ["/emails/batch", "dist/d1/chunk/0", 100, true],
    ]);
    expect(state.delivered).toHaveLength(100);
  });

  it("classify a batch 429 as retryable with its retry-after", async () => {
    const fake = fakeResend();
    await fake.inject({ status: 429, retryAfter: 7 });
    const outcome = await new ResendTransport("re_test", fake.baseUrl).sendBatch(emailsFor(2), "k");
    expect(outcome).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 7 });
  });

  it("land in the dev mailbox once per recipient, whatever the retries", async () => {
    const { DevMailboxTransport } = await import("../src/mail/dev-mailbox");
    const transport = new DevMailboxTransport(db());
    const batch = emailsFor(30).map((e) => ({ ...e, to: `dev-${e.to}` }));
    await transport.sendBatch(batch, "dist/x/chunk/0");
    await transport.sendBatch(batch, "dist/x/chunk/0");
    const rows = await db()
      .select()
      .from(mailboxMessages)
      .where(eq(mailboxMessages.idempotencyKey, "dist/x/chunk/0"));
    expect(rows).toHaveLength(30);
  });
});
