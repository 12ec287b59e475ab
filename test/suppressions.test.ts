// The owners' suppression list: listing by reason and date, looking an address up, lifting
// with a reason (audited, refused for erasures), adding by hand, reactivating a bounced or
// complained subscriber only once lifted, and who may do any of it.
import { and, desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, subscribers, suppressionLifts, suppressions } from "../src/db/schema";
import { seedSubscribers } from "./support/distribution";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  form,
  json,
  ORIGIN,
  organiserWithRole,
  ownerCookie,
  suppress,
  suppression,
  uniqueEmail,
} from "./support/helpers";
import { postWebhook } from "./support/svix";
import { subscriberIndex, subscriberRowOf } from "./support/vault";

interface Entry {
  id: string;
  reason: string;
  since: string;
  eventId: string | null;
  distributionId: string | null;
  note: string | null;
  erasedAt: string | null;
  liftable: boolean;
}
interface Lookup {
  suppressed: boolean;
  entries: Entry[];
  lifts: { id: string; reason: string; note: string | null; entryNote: string | null }[];
  subscriber: { id: string; status: string } | null;
}

const lookup = async (email: string, headers: Record<string, string> = ADMIN) => {
  const res = await json("/api/v1/suppressions/lookup", "POST", { email }, headers);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Lookup;
};
const lift = (id: string, reason: string | undefined) =>
  json(`/api/v1/suppressions/${id}/lift`, "POST", reason === undefined ? {} : { reason }, ADMIN);
const reactivate = (id: string) => json(`/api/v1/subscribers/${id}/reactivate`, "POST", {}, ADMIN);
const statusOf = async (id: string) =>
  (await db().query.subscribers.findFirst({ where: eq(subscribers.id, id) }))!.status;
const lastAudit = async (action: string) =>
  (
    await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, action))
      .orderBy(desc(auditLog.createdAt))
      .limit(1)
  )[0];

/** The notice a page's redirect carries. */
const noticeOf = (res: Response) =>
  new URL(res.headers.get("Location")!, ORIGIN).searchParams.get("notice");

/** A bounce reported by the provider's webhook for an email of a distribution. */
async function bounce(email: string, distributionId = "dst_bouncetest") {
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const res = await postWebhook(
    {
      type: "email.bounced",
      data: {
        email_id: `re_${id}`,
        to: [email],
        tags: { distribution: distributionId, chunk: "0", position: "0" },
      },
    },
    { id },
  );
  expect(res.status).toBe(200);
  return id;
}

describe("the suppression list", () => {
  it("lists entries by reason and date, with the event they came from, and never an address", async () => {
    const [bounced, manual] = [uniqueEmail("list-bounce"), uniqueEmail("list-manual")];
    const eventId = await bounce(bounced, "dst_listed");
    const added = await json(
      "/api/v1/suppressions",
      "POST",
      { email: manual, note: "Asked by phone to stop." },
      ADMIN,
    );
    expect(added.status, await added.clone().text()).toBe(201);

    const res = await call("/api/v1/suppressions?limit=100", { headers: ADMIN });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data: Entry[];
      counts: Record<string, number>;
      nextCursor: string | null;
    };
    expect(JSON.stringify(body)).not.toContain("@");
    const byId = new Map(body.data.map((e) => [e.id, e]));
    expect(byId.get(await subscriberIndex(bounced))).toMatchObject({
      reason: "bounce",
      eventId,
      distributionId: "dst_listed",
      liftable: true,
    });
    expect(byId.get(await subscriberIndex(manual))).toMatchObject({
      reason: "manual",
      note: "Asked by phone to stop.",
      eventId: null,
    });
    // Newest first.
    const since = body.data.map((e) => e.since);
    expect([...since].sort().reverse()).toEqual(since);
    expect(body.counts.bounce).toBeGreaterThanOrEqual(1);
    expect(body.counts.manual).toBeGreaterThanOrEqual(1);

    const manualOnly = (await (
      await call("/api/v1/suppressions?reason=manual", { headers: ADMIN })
    ).json()) as { data: Entry[] };
    expect(manualOnly.data.every((e) => e.reason === "manual")).toBe(true);

    // Pages neither skip nor repeat entries.
    const seen: string[] = [];
    for (let cursor: string | null = ""; cursor !== null; ) {
      const page = (await (
        await call(`/api/v1/suppressions?limit=1${cursor ? `&cursor=${cursor}` : ""}`, {
          headers: ADMIN,
        })
      ).json()) as { data: Entry[]; nextCursor: string | null };
      seen.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(Object.values(body.counts).reduce((a, b) => a + b, 0));
  });

  it("looks an address up: whether and why it is suppressed, audited without the address", async () => {
    const [listed, unknown] = [uniqueEmail("lookup"), uniqueEmail("lookup-none")];
    await suppress(listed, "complaint");
    const found = await lookup(listed.toUpperCase());
    expect(found).toMatchObject({
      suppressed: true,
      entries: [{ reason: "complaint", liftable: true }],
      lifts: [],
      subscriber: null,
    });
    expect(await lookup(unknown)).toMatchObject({ suppressed: false, entries: [], lifts: [] });
    const audited = (await lastAudit("suppression.lookup"))!;
    expect(audited.detail).toEqual({ entries: 0, lifts: 0 });
    expect(JSON.stringify(audited)).not.toContain("@");
    // Entries from before the vault (the unkeyed hash) are found too.
    const old = uniqueEmail("lookup-legacy");
    const { sha256Hex } = await import("../src/lib/tokens");
    await db()
      .insert(suppressions)
      .values({ emailHash: await sha256Hex(old), reason: "bounce" });
    expect((await lookup(old)).entries).toMatchObject([{ reason: "bounce", liftable: true }]);
  });

  it("lifts an entry only with a reason, audited, and keeps its history", async () => {
    const email = uniqueEmail("lift");
    const eventId = await bounce(email);
    const [entry] = (await lookup(email)).entries as [Entry];

    expect((await lift(entry.id, undefined)).status).toBe(422);
    expect((await lift(entry.id, " ")).status).toBe(422);
    expect(await suppression(email)).toBeTruthy();

    const res = await lift(entry.id, "The mailbox was full; it works again.");
    expect(res.status, await res.clone().text()).toBe(200);
    const lifted = (await res.json()) as { id: string; reason: string; note: string };
    expect(lifted).toMatchObject({
      reason: "bounce",
      note: "The mailbox was full; it works again.",
      eventId,
      liftedBy: { type: "admin_token", id: null },
    });
    expect(await suppression(email)).toBeUndefined();

    const audited = (await lastAudit("suppression.lift"))!;
    expect(audited).toMatchObject({
      targetType: "suppression_lift",
      targetId: lifted.id,
      detail: { reason: "bounce" },
    });
    // The reason is kept with the lift, not in the audit log (ids and counts only).
    expect(JSON.stringify(audited)).not.toContain("mailbox");
    expect(await lookup(email)).toMatchObject({
      suppressed: false,
      lifts: [{ id: lifted.id, reason: "bounce", note: "The mailbox was full; it works again." }],
    });
    // Lifting it again: it is gone.
    expect((await lift(entry.id, "again")).status).toBe(404);
  });

  it("refuses to lift an erasure, even one recorded over an earlier bounce", async () => {
    const [erased, bouncedThenErased] = [uniqueEmail("erased"), uniqueEmail("bounce-erased")];
    await suppress(erased, "erased");
    await suppress(bouncedThenErased, "bounce");
    const [sub] = await seedSubscribers([{ email: bouncedThenErased }]);
    expect(
      (await call(`/api/v1/subscribers/${sub}`, { method: "DELETE", headers: ADMIN })).status,
    ).toBe(204);

    const [a] = (await lookup(erased)).entries as [Entry];
    expect(a).toMatchObject({ reason: "erased", liftable: false });
    const [b] = (await lookup(bouncedThenErased)).entries as [Entry];
    // The erasure keeps the bounce's reason and date, and marks it.
    expect(b).toMatchObject({ reason: "bounce", liftable: false });
    expect(b.erasedAt).not.toBeNull();
    for (const id of [a.id, b.id]) {
      const res = await lift(id, "The person wrote to us.");
      expect(res.status).toBe(409);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/erasure/);
    }
    expect(await suppression(erased)).toBeTruthy();
    expect(await suppression(bouncedThenErased)).toBeTruthy();
  });

  it("adds an address by hand as its index, audited, once", async () => {
    const email = uniqueEmail("manual");
    const res = await json(
      "/api/v1/suppressions",
      "POST",
      { email: ` ${email.toUpperCase()} ` },
      ADMIN,
    );
    // The address is validated as typed: surrounding spaces are refused by the API.
    expect(res.status).toBe(422);
    const ok = await json("/api/v1/suppressions", "POST", { email: email.toUpperCase() }, ADMIN);
    expect(ok.status, await ok.clone().text()).toBe(201);
    const entry = (await ok.json()) as Entry;
    expect(entry).toMatchObject({ id: await subscriberIndex(email), reason: "manual", note: null });
    const rows = await db().select().from(suppressions).where(eq(suppressions.emailHash, entry.id));
    expect(JSON.stringify(rows)).not.toContain("@");
    expect(await lastAudit("suppression.add")).toMatchObject({
      targetType: "suppression",
      targetId: entry.id,
      detail: { reason: "manual" },
    });

    const again = await json("/api/v1/suppressions", "POST", { email }, ADMIN);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toMatch(/manual/);
    // A listed address cannot subscribe (the form answers the same, and records nothing).
    expect((await json("/api/v1/public/subscriptions", "POST", { email })).status).toBe(202);
    expect(await subscriberRowOf(email)).toBeUndefined();
  });

  it("forgets owners' notes about an address when it is erased", async () => {
    const email = uniqueEmail("notes");
    await json("/api/v1/suppressions", "POST", { email, note: "Jane's assistant called." }, ADMIN);
    const [first] = (await lookup(email)).entries as [Entry];
    expect((await lift(first.id, "Jane asked again to receive them.")).status).toBe(200);
    await json("/api/v1/suppressions", "POST", { email, note: "Jane changed her mind." }, ADMIN);
    const erased = await json(
      `/api/v1/people?email=${encodeURIComponent(email)}`,
      "DELETE",
      {},
      ADMIN,
    );
    expect(erased.status).toBe(200);

    const entry = (await db().query.suppressions.findFirst({
      where: eq(suppressions.emailHash, first.id),
    }))!;
    expect(entry).toMatchObject({ reason: "manual", note: null });
    expect(entry.erasedAt).not.toBeNull();
    const lifts = await db()
      .select()
      .from(suppressionLifts)
      .where(eq(suppressionLifts.emailHash, first.id));
    expect(lifts).toHaveLength(1);
    expect(JSON.stringify(lifts)).not.toContain("Jane");
  });
});

describe("reactivating a bounced or complained subscriber", () => {
  it("is refused while the address is suppressed, and allowed once its entry is lifted", async () => {
    const email = uniqueEmail("reactivate");
    const [id] = (await seedSubscribers([{ email }])) as [string];
    await bounce(email);
    expect(await statusOf(id)).toBe("bounced");

    const refused = await reactivate(id);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/lift/i);
    expect(await statusOf(id)).toBe("bounced");

    const found = await lookup(email);
    expect(found.subscriber).toEqual({ id, status: "bounced" });
    expect((await lift(found.entries[0]!.id, "Their server was down.")).status).toBe(200);
    // Lifting alone does not reactivate: that is a decision of its own.
    expect(await statusOf(id)).toBe("bounced");

    const res = await reactivate(id);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await statusOf(id)).toBe("active");
    expect(await lastAudit("subscriber.reactivate")).toMatchObject({
      targetType: "subscriber",
      targetId: id,
      detail: { from: "bounced" },
    });
    // Once active, a new bounce pauses it again.
    await bounce(email);
    expect(await statusOf(id)).toBe("bounced");
  });

  it("is refused under an entry from before the vault, and for statuses an owner does not restore", async () => {
    const email = uniqueEmail("reactivate-legacy");
    const [id] = (await seedSubscribers([{ email, status: "bounced" }])) as [string];
    const { sha256Hex } = await import("../src/lib/tokens");
    await db()
      .insert(suppressions)
      .values({ emailHash: await sha256Hex(email), reason: "bounce" });
    expect((await reactivate(id)).status).toBe(409);

    const [unsubscribed, active] = (await seedSubscribers([
      { email: uniqueEmail("re-unsub"), status: "unsubscribed" },
      { email: uniqueEmail("re-active") },
    ])) as [string, string];
    expect((await reactivate(unsubscribed)).status).toBe(409);
    expect(await statusOf(unsubscribed)).toBe("unsubscribed");
    expect((await reactivate(active)).status).toBe(409);
    expect((await reactivate("sub_nobody")).status).toBe(404);
  });

  it("works from the owners' pages: look up, lift, reactivate", async () => {
    const cookie = await ownerCookie();
    const email = uniqueEmail("pages");
    const [id] = (await seedSubscribers([{ email }])) as [string];
    await bounce(email);

    const page = await call("/admin/suppressions", { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Bounced:");
    expect(html).not.toContain(email);

    const looked = await form("/admin/suppressions/lookup", { email }, cookie);
    expect(looked.status).toBe(200);
    const result = await looked.text();
    expect(result).toContain("On the suppression list");
    expect(result).toContain("A subscriber has this address: <strong>bounced</strong>");
    expect(result).not.toContain(`/admin/subscribers/${id}/reactivate`);

    const index = await subscriberIndex(email);
    const noReason = await form("/admin/suppressions/lift", { id: index, reason: "" }, cookie);
    expect(noReason.status).toBe(303);
    expect(noReason.headers.get("Location")).toContain("kind=error");
    expect(await suppression(email)).toBeTruthy();

    const lifted = await form(
      "/admin/suppressions/lift",
      { id: index, reason: "Checked with their IT." },
      cookie,
    );
    expect(lifted.status).toBe(303);
    expect(noticeOf(lifted)).toContain("still bounced");
    expect(await suppression(email)).toBeUndefined();

    const after = await (await form("/admin/suppressions/lookup", { email }, cookie)).text();
    expect(after).toContain("Not on the suppression list");
    expect(after).toContain("Checked with their IT.");
    expect(after).toContain(`/admin/subscribers/${id}/reactivate`);

    const done = await form(
      `/admin/subscribers/${id}/reactivate`,
      { from: "suppressions" },
      cookie,
    );
    expect(done.status).toBe(303);
    expect(done.headers.get("Location")).toMatch(/^\/admin\/suppressions\?notice=Reactivated/);
    expect(await statusOf(id)).toBe("active");

    const added = await form(
      "/admin/suppressions",
      { email: uniqueEmail("pages-add"), note: "Role account." },
      cookie,
    );
    expect(added.status).toBe(303);
    expect(noticeOf(added)).toContain("Added to the list");
    const invalid = await form("/admin/suppressions", { email: "not an address" }, cookie);
    expect(invalid.status).toBe(422);
  });
});

describe("who manages the suppression list", () => {
  it("owners only: organisers and door staff get 403, and see no menu item", async () => {
    const owner = await organiserWithRole("owner");
    const organiser = await organiserWithRole("organiser");
    const door = await organiserWithRole("door");
    const email = uniqueEmail("perm");
    const [id] = (await seedSubscribers([{ email, status: "bounced" }])) as [string];
    const index = await subscriberIndex(email);
    await suppress(email, "bounce");

    const asCookie = (cookie: string) => ({ Cookie: cookie, Origin: ORIGIN });
    const requests = (cookie: string) => [
      call("/api/v1/suppressions", { headers: { Cookie: cookie } }),
      json("/api/v1/suppressions/lookup", "POST", { email }, asCookie(cookie)),
      json("/api/v1/suppressions", "POST", { email: uniqueEmail("perm-add") }, asCookie(cookie)),
      json(`/api/v1/suppressions/${index}/lift`, "POST", { reason: "Because." }, asCookie(cookie)),
      json(`/api/v1/subscribers/${id}/reactivate`, "POST", {}, asCookie(cookie)),
      call("/admin/suppressions", { headers: { Cookie: cookie } }),
      form("/admin/suppressions/lookup", { email }, cookie),
      form("/admin/suppressions", { email: uniqueEmail("perm-add") }, cookie),
      form("/admin/suppressions/lift", { id: index, reason: "Because." }, cookie),
      form(`/admin/subscribers/${id}/reactivate`, {}, cookie),
    ];
    for (const who of [organiser, door]) {
      const cookie = await cookieFor(who.id);
      const answers = await Promise.all(requests(cookie));
      expect(answers.map((r) => r.status)).toEqual(answers.map(() => 403));
      const menu = await (await call("/admin", { headers: { Cookie: cookie } })).text();
      expect(menu).not.toContain('href="/admin/suppressions"');
    }
    // Nothing changed.
    expect(await suppression(email)).toMatchObject({ reason: "bounce" });
    expect(await statusOf(id)).toBe("bounced");
    expect(
      await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "suppression.lift"), eq(auditLog.actorId, organiser.id))),
    ).toEqual([]);

    const ownerCookieValue = await cookieFor(owner.id);
    const menu = await (await call("/admin", { headers: { Cookie: ownerCookieValue } })).text();
    expect(menu).toContain('href="/admin/suppressions"');
    expect(
      (await call("/api/v1/suppressions", { headers: { Cookie: ownerCookieValue } })).status,
    ).toBe(200);
  });
});
