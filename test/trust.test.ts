// The closed-door promises that are not about who may open which page: where mail may go,
// who may read the dev mailbox, that the audit log records only what happened, and that an
// invitation closed meanwhile seats nobody.
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { auditLog, emails, invitations, registrations } from "../src/db/schema";
import type { Env } from "../src/env";
import worker from "../src/index";
import type { MailQueueMessage } from "../src/mail/messages";
import { Mailer } from "../src/mail/outbox";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  form,
  json,
  ORIGIN,
  organiserWithRole,
  simpleEmail,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { invitationRowOf } from "./support/vault";
import { createWorkshop, inviteAndGetToken } from "./support/workshops";

/** The Worker deployed somewhere public, with no Resend key: mail must be held. */
const PUBLIC_ENV: Env = { ...env, APP_URL: "https://workshops.example.org", RESEND_API_KEY: "" };

describe("where mail may go", () => {
  it("without a Resend key, a public APP_URL holds mail queued instead of storing it", async () => {
    const to = uniqueEmail("held");
    const mailer = new Mailer(db(), env.MAIL_QUEUE);
    const { id, query } = mailer.outboxInsert(simpleEmail({ to, subject: "Held" }));
    await query;
    const batch = createMessageBatch<MailQueueMessage>("workshops-mail", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { kind: "email", emailId: id } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, PUBLIC_ENV, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["m1"]);
    const row = await db().query.emails.findFirst({ where: eq(emails.id, id) });
    expect(row?.status).toBe("queued");
    expect(row?.attempts).toBe(0);
    const { mailboxMessages } = await import("../src/db/schema");
    expect(
      await db().query.mailboxMessages.findFirst({ where: eq(mailboxMessages.to, to) }),
    ).toBeUndefined();

    const app = createApp();
    const dashboardCtx = createExecutionContext();
    const dashboard = await app.fetch(
      new Request(`${ORIGIN}/admin`, { headers: ADMIN }),
      PUBLIC_ENV,
      dashboardCtx,
    );
    await waitOnExecutionContext(dashboardCtx);
    expect(await dashboard.text()).toContain("Mail is held and nothing is being sent");
    const mailbox = await app.fetch(
      new Request(`${ORIGIN}/api/v1/mailbox`, { headers: ADMIN }),
      PUBLIC_ENV,
      createExecutionContext(),
    );
    expect(mailbox.status).toBe(404);
  });
});

describe("the dev mailbox", () => {
  it("is for owners only, and shows a sign-in link to nobody but its recipient", async () => {
    const organiser = await organiserWithRole("organiser");
    const owner = await organiserWithRole("owner");
    const other = await organiserWithRole("organiser");
    for (const who of [owner, other])
      expect((await form("/admin/sign-in", { email: who.email })).status).toBe(303);
    const { eventually } = await import("./support/helpers");
    const mailboxFor = async (headers: Record<string, string>) =>
      (await call("/api/v1/mailbox?limit=100", { headers })).json() as Promise<{
        data: { to: string; subject: string }[];
      }>;

    expect(
      (await call("/api/v1/mailbox", { headers: { Cookie: await cookieFor(organiser.id) } }))
        .status,
    ).toBe(403);
    expect(
      (await call("/admin/mailbox", { headers: { Cookie: await cookieFor(organiser.id) } })).status,
    ).toBe(403);

    // Wait until both sign-in emails have been delivered into the mailbox.
    const { mailboxMessages } = await import("../src/db/schema");
    await eventually(async () => {
      const rows = await db().query.mailboxMessages.findMany({
        where: eq(mailboxMessages.kind, "sign-in"),
      });
      return [owner.email, other.email].every((e) => rows.some((r) => r.to === e));
    });
    const asOwner = await mailboxFor({ Cookie: await cookieFor(owner.id) });
    expect(asOwner.data.some((m) => m.to === owner.email)).toBe(true);
    expect(asOwner.data.some((m) => m.to === other.email)).toBe(false);
    const asToken = await mailboxFor(ADMIN);
    expect(asToken.data.some((m) => m.to === owner.email || m.to === other.email)).toBe(false);

    const viewed = await db().select().from(auditLog).where(eq(auditLog.action, "mailbox.view"));
    expect(viewed.length).toBeGreaterThanOrEqual(2);
  });
});

describe("the audit log records only what happened", () => {
  it("a second check-in and a refused approval leave no row and change nothing", async () => {
    const w = await createWorkshop({ capacity: 1, registrationMode: "approval" });
    const add = async (name: string) =>
      (
        (await (
          await json(
            `/api/v1/workshops/${w.id}/registrations`,
            "POST",
            { name, email: uniqueEmail("a") },
            ADMIN,
          )
        ).json()) as { id: string; status: string }
      ).id;
    const seated = await add("Seated");
    const waiting = await add("Waiting");
    const rows = async (action: string, targetId: string) =>
      (
        await db()
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)))
      ).length;

    expect((await json(`/api/v1/registrations/${seated}/check-in`, "POST", {}, ADMIN)).status).toBe(
      200,
    );
    expect((await json(`/api/v1/registrations/${seated}/check-in`, "POST", {}, ADMIN)).status).toBe(
      200,
    );
    expect(await rows("registration.check_in", seated)).toBe(1);

    // The one seat is taken: approving the waitlisted person with a note is refused whole.
    const refused = await json(
      `/api/v1/registrations/${waiting}`,
      "PATCH",
      { status: "confirmed", notes: "VIP" },
      ADMIN,
    );
    expect(refused.status).toBe(409);
    expect(await rows("registration.status", waiting)).toBe(0);
    const row = await db().query.registrations.findFirst({
      where: eq(registrations.id, waiting),
    });
    expect(row?.notes).toBeNull();
  });
});

describe("answering an invitation", () => {
  it("joins an existing registration instead of pointing at nothing", async () => {
    const w = await createWorkshop();
    const email = uniqueEmail("both");
    const registered = await json(
      `/api/v1/workshops/${w.id}/registrations`,
      "POST",
      { name: "Already In", email },
      ADMIN,
    );
    const { id: registrationId } = (await registered.json()) as { id: string };
    const token = await inviteAndGetToken(w.id, email);
    const answer = await json(`/api/v1/public/invitations/${token}`, "POST", {
      response: "accept",
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: "confirmed" });
    const invitation = await invitationRowOf(w.id, email);
    expect(invitation).toMatchObject({ status: "accepted", registrationId });
  });

  it("seats nobody when the invitation is revoked at the same moment", async () => {
    const w = await createWorkshop({ registrationMode: "invitation", capacity: 50 });
    const people = Array.from({ length: 12 }, () => uniqueEmail("race"));
    await json(
      `/api/v1/workshops/${w.id}/invitations`,
      "POST",
      { invitees: people.map((email) => ({ email })), send: true },
      ADMIN,
    );
    const list = (await (
      await call(`/api/v1/workshops/${w.id}/invitations`, { headers: ADMIN })
    ).json()) as { data: { id: string; email: string }[] };
    await Promise.all(
      people.map(async (email) => {
        const token = await tokenFromEmail(email, "workshop:invitation", "i");
        const id = list.data.find((i) => i.email === email)!.id;
        await Promise.all([
          json(`/api/v1/public/invitations/${token}`, "POST", { response: "accept" }),
          json(`/api/v1/invitations/${id}/revoke`, "POST", {}, ADMIN),
        ]);
      }),
    );
    const rows = await db().query.invitations.findMany({
      where: eq(invitations.workshopId, w.id),
    });
    const seated = await db().query.registrations.findMany({
      where: eq(registrations.workshopId, w.id),
    });
    for (const invitation of rows) {
      const registration = seated.find((r) => r.email === invitation.email);
      // Either the acceptance won (accepted, registered) or the revoke did (nobody seated).
      if (invitation.status === "revoked") expect(registration).toBeUndefined();
      else {
        expect(invitation.status).toBe("accepted");
        expect(registration?.id).toBe(invitation.registrationId);
      }
    }
  });
});
