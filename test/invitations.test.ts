import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emails, invitations } from "../src/db/schema";
import worker from "../src/index";
import { openInvitation, openInvitations } from "../src/invitations/sealed";
import { FREQUENT } from "../src/jobs/scheduled";
import { ADMIN, call, db, form, json, tokenFromEmail, uniqueEmail } from "./support/helpers";
import { invitationRowOf, registrationOf, vault, workshopIndex } from "./support/vault";
import { createWorkshop } from "./support/workshops";

const invite = (workshopId: string, invitees: unknown[], send = true) =>
  json(`/api/v1/workshops/${workshopId}/invitations`, "POST", { invitees, send }, ADMIN);

async function invited(workshopId: string, name = "Invited Person") {
  const email = uniqueEmail("inv");
  expect(await (await invite(workshopId, [{ email, name }])).json()).toEqual({
    created: 1,
    skipped: 0,
  });
  return { email, token: await tokenFromEmail(email, "workshop:invitation", "i") };
}

describe("invitations", () => {
  it("count created and skipped, and list statuses", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const a = uniqueEmail("a");
    const first = await invite(w.id, [{ email: a, name: "A" }, { email: uniqueEmail("b") }], false);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ created: 2, skipped: 0 });
    expect(
      await (
        await invite(w.id, [{ email: a.toUpperCase() }, { email: uniqueEmail("c") }], false)
      ).json(),
    ).toEqual({ created: 1, skipped: 1 });
    const list = (await (
      await call(`/api/v1/workshops/${w.id}/invitations`, { headers: ADMIN })
    ).json()) as { data: { status: string }[] };
    expect(list.data.map((i) => i.status)).toEqual(["pending", "pending", "pending"]);
  });

  it("import nothing when a CSV row is invalid, and report each bad row", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const csv =
      "email,name,affiliation\r\ngood@example.org,Good,Org\r\nnot-an-email,Bad,Org\r\nalso@example.org,Also,\r\n,Empty,\r\n";
    const res = await call(`/api/v1/workshops/${w.id}/invitations`, {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "text/csv" },
      body: csv,
    });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(["rows.2.email", "rows.4.email"]);
    expect(
      await db().select().from(invitations).where(eq(invitations.workshopId, w.id)),
    ).toHaveLength(0);

    const ok = await call(`/api/v1/workshops/${w.id}/invitations?send=true`, {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "text/csv" },
      body: 'email,name\r\none@example.org,One\r\ntwo@example.org,"Two, Jr"\r\n',
    });
    expect(await ok.json()).toEqual({ created: 2, skipped: 0 });
    const rows = await openInvitations(
      vault(),
      await db().select().from(invitations).where(eq(invitations.workshopId, w.id)),
    );
    expect(rows.map((r) => [r.email, r.name, r.status]).sort()).toEqual([
      ["one@example.org", "One", "sent"],
      ["two@example.org", "Two, Jr", "sent"],
    ]);
  });

  it("RSVP: a GET changes nothing, accepting registers the invited address and skips verification", async () => {
    const w = await createWorkshop({ registrationMode: "invitation", capacity: 5 });
    const { email, token } = await invited(w.id);
    const page = await call(`/i/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(email);
    expect((await invitationRowOf(w.id, email))!.status).toBe("sent");

    // The body's email is ignored: the invitation is locked to its address.
    const res = await json(`/api/v1/public/invitations/${token}`, "POST", {
      response: "accept",
      email: "someone-else@example.org",
      name: "Rania",
    });
    expect(await res.json()).toEqual({ status: "confirmed" });
    const reg = (await registrationOf(w.id, email))!;
    expect(reg).toMatchObject({ status: "confirmed", source: "invitation", name: "Rania" });
    expect(await registrationOf(w.id, "someone-else@example.org")).toBeUndefined();
    // Answering again changes nothing.
    expect(
      await (
        await json(`/api/v1/public/invitations/${token}`, "POST", { response: "decline" })
      ).json(),
    ).toEqual({ status: "confirmed" });
    expect(await tokenFromEmail(email, "workshop:confirmed")).toBeTruthy();
  });

  it("puts an invitee on the waitlist when the workshop is full", async () => {
    const w = await createWorkshop({ registrationMode: "invitation", capacity: 1 });
    const first = await invited(w.id);
    const second = await invited(w.id);
    expect(
      await (
        await json(`/api/v1/public/invitations/${first.token}`, "POST", { response: "accept" })
      ).json(),
    ).toEqual({ status: "confirmed" });
    expect(
      await (
        await json(`/api/v1/public/invitations/${second.token}`, "POST", { response: "accept" })
      ).json(),
    ).toEqual({ status: "waitlisted" });
  });

  it("decline through the page, and revoked links stop working", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const one = await invited(w.id);
    const declined = await form(`/i/${one.token}`, { response: "decline", language: "en" });
    expect(declined.status).toBe(200);
    expect((await invitationRowOf(w.id, one.email))!.status).toBe("declined");

    const two = await invited(w.id);
    const row = (await invitationRowOf(w.id, two.email))!;
    expect((await json(`/api/v1/invitations/${row.id}/revoke`, "POST", {}, ADMIN)).status).toBe(
      200,
    );
    expect(
      (await json(`/api/v1/public/invitations/${two.token}`, "POST", { response: "accept" }))
        .status,
    ).toBe(409);
    expect((await json(`/api/v1/invitations/${row.id}/send`, "POST", {}, ADMIN)).status).toBe(409);
  });

  it("remind unanswered invitees on schedule, once, even when the cron runs twice", async () => {
    const w = await createWorkshop({ registrationMode: "invitation", invitationReminderDays: [2] });
    const waiting = await invited(w.id);
    const answered = await invited(w.id);
    await json(`/api/v1/public/invitations/${answered.token}`, "POST", { response: "decline" });
    // Pretend the invitations went out three days ago.
    await db()
      .update(invitations)
      .set({ sentAt: new Date(Date.now() - 3 * 86_400_000) })
      .where(eq(invitations.workshopId, w.id));
    const cron = async () =>
      worker.scheduled(
        createScheduledController({ cron: FREQUENT, scheduledTime: Date.now() }),
        env,
        createExecutionContext(),
      );
    await Promise.all([cron(), cron()]);
    await cron();
    const reminders = await db()
      .select()
      .from(emails)
      .where(eq(emails.kind, "workshop:invitation_reminder"));
    // Found by the index the outbox keeps beside the address (sealed once the email is sent).
    expect(reminders.map((r) => [r.keyName, r.toIndex])).toEqual([
      [`workshop:${w.id}`, await workshopIndex(w.id, waiting.email)],
    ]);
  });
});

describe("sealed invitations", () => {
  it("store no address, name or affiliation in the clear; their emails carry the index", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const email = uniqueEmail("sealed");
    await invite(w.id, [{ email, name: "Selma Sealedname", affiliation: "Hidden Institute" }]);
    const stored = (
      await env.DB.prepare("SELECT * FROM invitations WHERE workshop_id = ?")
        .bind(w.id)
        .all<Record<string, unknown>>()
    ).results;
    expect(stored).toHaveLength(1);
    const text = JSON.stringify(stored).toLowerCase();
    for (const plain of [email, "Selma Sealedname", "Hidden Institute"])
      expect(text).not.toContain(plain.toLowerCase());
    const row = (await invitationRowOf(w.id, email.toUpperCase()))!;
    expect(row.emailIndex).toBe(await workshopIndex(w.id, email));
    expect(await openInvitation(await vault().workshop(w.id), row)).toMatchObject({
      email,
      name: "Selma Sealedname",
      affiliation: "Hidden Institute",
    });
    // The invitation email says whose key it is about and the recipient's index there.
    const sent = await db().select().from(emails).where(eq(emails.kind, "workshop:invitation"));
    expect(sent.filter((m) => m.toIndex === row.emailIndex)).toMatchObject([
      { keyName: `workshop:${w.id}` },
    ]);
    // The organisers' list opens them.
    const list = (await (
      await call(`/api/v1/workshops/${w.id}/invitations`, { headers: ADMIN })
    ).json()) as { data: { email: string; name: string }[] };
    expect(list.data).toMatchObject([{ email, name: "Selma Sealedname" }]);
  });

  it("do not open a ciphertext copied to another invitation or column", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const a = await invited(w.id, "Person A");
    const b = await invited(w.id, "Person B");
    const [rowA, rowB] = [
      (await invitationRowOf(w.id, a.email))!,
      (await invitationRowOf(w.id, b.email))!,
    ];
    const key = await vault().workshop(w.id);
    await expect(openInvitation(key, { ...rowB, email: rowA.email })).rejects.toThrow();
    await expect(openInvitation(key, { ...rowB, name: rowB.email })).rejects.toThrow();
    // Nor under another workshop's key, at the same place.
    const other = await createWorkshop({ registrationMode: "invitation" });
    await invited(other.id);
    await expect(
      openInvitation(await vault().workshop(other.id), { ...rowB, workshopId: other.id }),
    ).rejects.toThrow();
    // Moved in D1 itself: B's RSVP page refuses rather than show A's address.
    await db().update(invitations).set({ email: rowA.email }).where(eq(invitations.id, rowB.id));
    const page = await call(`/i/${b.token}`);
    expect(page.status).toBe(500);
    expect(await page.text()).not.toContain(a.email);
  });

  it("refuse new invitees once the workshop's key is destroyed, and show the rest as erased", async () => {
    const { workshopKeyName } = await import("../src/vault/keys");
    const w = await createWorkshop({ registrationMode: "invitation" });
    const before = await invited(w.id);
    await vault().destroy(workshopKeyName(w.id), new Date());
    const res = await invite(w.id, [{ email: uniqueEmail("late") }]);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("key was destroyed");
    const list = (await (
      await call(`/api/v1/workshops/${w.id}/invitations`, { headers: ADMIN })
    ).json()) as { data: { id: string; email: string; name: string | null }[] };
    expect(list.data).toEqual([
      expect.objectContaining({ email: `purged:${list.data[0]!.id}`, name: null }),
    ]);
    expect((await call(`/i/${before.token}`)).status).toBe(404);
    expect(
      (await json(`/api/v1/public/invitations/${before.token}`, "POST", { response: "accept" }))
        .status,
    ).toBe(404);
  });
});

describe("pasted invitee lists", () => {
  it("work without a header line", async () => {
    const { inviteesFromCsv } = await import("../src/invitations/import");
    expect(
      inviteesFromCsv("amal@example.org,Amal Saleh,Example Institute\nomar@example.org"),
    ).toEqual({
      invitees: [
        { email: "amal@example.org", name: "Amal Saleh", affiliation: "Example Institute" },
        { email: "omar@example.org" },
      ],
      errors: [],
      // Lines of the pasted text: the header the import adds is not one of them.
      lines: [1, 2],
    });
  });
});
