import { createExecutionContext } from "cloudflare:test";
// The data keys, as owners and the retention purge use them: the purge destroys a workshop's
// key and leaves nothing readable; an owner destroys one early, confirmed twice; a master key
// rotation re-wraps every key; a wrong DATA_KEY is refused, never served as garbage.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, dataKeys, emails, registrations, workshops } from "../src/db/schema";
import { DAILY } from "../src/jobs/scheduled";
import { Mailer } from "../src/mail/outbox";
import { placeOf } from "../src/vault/fields";
import { type KeyName, SUBSCRIBERS_KEY, Vault, workshopKeyName } from "../src/vault/keys";
import { masterKeys } from "../src/vault/master";
import { app } from "./support/app";
import { runCron } from "./support/cron";
import {
  drain,
  engine,
  publishedReport,
  RecordingQueue,
  seedAttendees,
  seedSubscribers,
} from "./support/distribution";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  eventually,
  form,
  json,
  ORIGIN,
  organiserWithRole,
  simpleEmail,
  uniqueEmail,
} from "./support/helpers";
import { tablesHolding } from "./support/tables";
import { vault } from "./support/vault";
import { createWorkshop } from "./support/workshops";

/** Another valid master key: base64 of 32 bytes, not the test DATA_KEY. */
const OTHER_KEY = btoa("another-master-key-0123456789abc");

const keyRow = async (name: KeyName) =>
  db().query.dataKeys.findFirst({ where: eq(dataKeys.name, name) });
const workshopRow = async (id: string) =>
  (await db().query.workshops.findFirst({ where: eq(workshops.id, id) }))!;

/**
 * A workshop whose people were registered, emailed and sent its report: sealed rows, a sent
 * and a queued outbox email about one of them, deliveries and dev-mailbox copies.
 */
async function workshopWithPeople() {
  const w = await createWorkshop();
  const people = [
    { email: uniqueEmail("noor"), name: "Noor Sealedottir" },
    { email: uniqueEmail("omar"), name: "Omar Keyholderson" },
  ];
  const ids = await seedAttendees(w.id, people);
  const keyName = workshopKeyName(w.id);
  const mailer = new Mailer(db(), env.MAIL_QUEUE);
  await mailer.send(simpleEmail({ to: people[0]!.email, keyName }));
  await eventually(async () => {
    const sent = await db().query.emails.findFirst({ where: eq(emails.keyName, keyName) });
    return sent?.status === "sent";
  });
  const queued = mailer.outboxInsert(simpleEmail({ to: people[1]!.email, keyName }));
  await queued.query;
  const report = await publishedReport({ workshopId: w.id });
  const queue = new RecordingQueue();
  const ctx = engine(queue);
  const { createDistribution } = await import("../src/distributions/create");
  const { BUILT_IN_OWNER } = await import("../src/organisers/service");
  const { DevMailboxTransport } = await import("../src/mail/dev-mailbox");
  const d = await createDistribution(ctx, BUILT_IN_OWNER, report.id, {
    attendeesOf: { workshopId: w.id, statuses: ["confirmed"] },
  });
  await drain(ctx, queue, new DevMailboxTransport(db()));
  const traces = people.flatMap((p) => [p.email, p.name, `Works with ${p.name}`]);
  return { w, people, ids, distributionId: d.id, traces };
}

/** What an organiser sees of the workshop afterwards: every view must answer, none may show them. */
async function everyViewOf(workshopId: string, distributionId: string) {
  const paths = [
    `/api/v1/workshops/${workshopId}/registrations`,
    `/api/v1/workshops/${workshopId}/registrations.csv`,
    `/api/v1/workshops/${workshopId}/key`,
    `/admin/workshops/${workshopId}`,
    `/admin/workshops/${workshopId}/door`,
    `/api/v1/distributions/${distributionId}`,
    `/admin/distributions/${distributionId}`,
  ];
  const owner = await cookieFor((await organiserWithRole("owner")).id);
  return Promise.all(
    paths.map(async (path) => {
      const res = await call(
        path,
        path.startsWith("/admin") ? { headers: { Cookie: owner } } : { headers: ADMIN },
      );
      return { path, status: res.status, body: await res.text() };
    }),
  );
}

describe("the retention purge", () => {
  it("destroys the workshop's key with its audit entry, and leaves nothing readable", async () => {
    const { w, people, distributionId, traces } = await workshopWithPeople();
    expect((await keyRow(workshopKeyName(w.id)))?.wrapped).toBeTruthy();
    expect((await tablesHolding(traces)).length).toBeGreaterThan(0);

    const ended = Date.now() - 366 * 86_400_000;
    await db()
      .update(workshops)
      .set({ startsAt: new Date(ended - 3600_000), endsAt: new Date(ended) })
      .where(eq(workshops.id, w.id));
    await runCron(DAILY);

    expect(await keyRow(workshopKeyName(w.id))).toMatchObject({
      wrapped: null,
      masterFingerprint: null,
    });
    expect((await keyRow(workshopKeyName(w.id)))!.destroyedAt).toBeInstanceOf(Date);
    expect((await workshopRow(w.id)).purgedAt).toBeInstanceOf(Date);
    expect(
      await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "workshop.purge"), eq(auditLog.targetId, w.id))),
    ).toHaveLength(1);
    expect(await tablesHolding(traces)).toEqual([]);
    expect(
      await db()
        .select()
        .from(emails)
        .where(eq(emails.keyName, workshopKeyName(w.id))),
    ).toEqual([]);

    for (const view of await everyViewOf(w.id, distributionId)) {
      expect(view.status, view.path).toBe(200);
      for (const p of people) {
        expect(view.body, view.path).not.toContain(p.email);
        expect(view.body, view.path).not.toContain(p.name);
      }
    }
    const list = (await (
      await call(`/api/v1/workshops/${w.id}/registrations`, { headers: ADMIN })
    ).json()) as { data: { email: string }[] };
    expect(list.data.map((r) => r.email.split(":")[0])).toEqual(["purged", "purged"]);
    // A second run finds nothing to do, and records nothing twice.
    await runCron(DAILY);
    expect(
      await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "workshop.purge"), eq(auditLog.targetId, w.id))),
    ).toHaveLength(1);
  });
});

describe("an owner destroying a workshop's key early", () => {
  it("shows every organiser of the workshop when its key will be destroyed, and only owners how to destroy it", async () => {
    const w = await createWorkshop({ retentionDays: 90 });
    const organiser = await organiserWithRole("organiser");
    await json(
      `/api/v1/workshops/${w.id}/members`,
      "POST",
      { email: organiser.email, role: "organiser" },
      ADMIN,
    );
    const owner = await cookieFor((await organiserWithRole("owner")).id);
    const page = async (cookie: string) =>
      (await call(`/admin/workshops/${w.id}`, { headers: { Cookie: cookie } })).text();
    const seen = await page(await cookieFor(organiser.id));
    expect(seen).toContain("will be destroyed on");
    expect(seen).toContain("90");
    expect(seen).not.toContain(`/admin/workshops/${w.id}/key`);
    expect(await page(owner)).toContain(`/admin/workshops/${w.id}/key`);
    const state = (await (
      await call(`/api/v1/workshops/${w.id}/key`, { headers: ADMIN })
    ).json()) as {
      status: string;
      destroysAt: string;
    };
    const ends = (await workshopRow(w.id)).endsAt.getTime();
    expect(state).toMatchObject({ status: "live", destroyedAt: null });
    expect(Date.parse(state.destroysAt)).toBe(ends + 90 * 86_400_000);
  });

  it("is forbidden to organisers, even on the workshop's team", async () => {
    const w = await createWorkshop();
    const organiser = await organiserWithRole("organiser");
    await json(
      `/api/v1/workshops/${w.id}/members`,
      "POST",
      { email: organiser.email, role: "organiser" },
      ADMIN,
    );
    const cookie = await cookieFor(organiser.id);
    expect(
      (await call(`/admin/workshops/${w.id}/key`, { headers: { Cookie: cookie } })).status,
    ).toBe(403);
    const refused = await form(
      `/admin/workshops/${w.id}/key/destroy`,
      { slug: w.slug, irreversible: "yes" },
      cookie,
    );
    expect(refused.status).toBe(403);
    const api = await json(
      `/api/v1/workshops/${w.id}/key/destroy`,
      "POST",
      { slug: w.slug, irreversible: true },
      { Cookie: cookie, Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" },
    );
    expect(api.status).toBe(403);
    expect((await keyRow(workshopKeyName(w.id)))?.destroyedAt ?? null).toBeNull();
  });

  it("needs the slug typed and the box ticked, then purges at once and is audited", async () => {
    const { w, people, distributionId, traces } = await workshopWithPeople();
    const ownerAccount = await organiserWithRole("owner");
    const owner = await cookieFor(ownerAccount.id);
    const base = `/admin/workshops/${w.id}/key`;

    expect((await call(base, { headers: { Cookie: owner } })).status).toBe(200);
    const wrongSlug = await form(`${base}/confirm`, { slug: "not-the-slug" }, owner);
    expect(wrongSlug.status).toBe(422);
    const second = await form(`${base}/confirm`, { slug: w.slug }, owner);
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('name="irreversible"');
    // The last step without the box ticked, or with another slug, destroys nothing.
    expect((await form(`${base}/destroy`, { slug: w.slug }, owner)).status).toBe(422);
    expect((await form(`${base}/destroy`, { slug: "x", irreversible: "yes" }, owner)).status).toBe(
      422,
    );
    // The API wants both as well.
    const api = (body: Record<string, unknown>) =>
      json(`/api/v1/workshops/${w.id}/key/destroy`, "POST", body, ADMIN);
    expect((await api({ slug: w.slug })).status).toBe(422);
    expect((await api({ slug: w.slug, irreversible: false })).status).toBe(422);
    expect((await api({ slug: "nope", irreversible: true })).status).toBe(422);
    expect((await keyRow(workshopKeyName(w.id)))!.wrapped).toBeTruthy();
    expect(await tablesHolding(traces)).not.toEqual([]);

    const done = await form(`${base}/destroy`, { slug: w.slug, irreversible: "yes" }, owner);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toContain(`/admin/workshops/${w.id}`);
    expect((await keyRow(workshopKeyName(w.id)))!.wrapped).toBeNull();
    expect((await workshopRow(w.id)).purgedAt).toBeInstanceOf(Date);
    const audited = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "workshop.key_destroy"), eq(auditLog.targetId, w.id)));
    expect(audited).toMatchObject([
      { actorType: "organiser", actorId: ownerAccount.id, workshopId: w.id },
    ]);
    expect(await tablesHolding(traces)).toEqual([]);
    const rows = await db().query.registrations.findMany({
      where: eq(registrations.workshopId, w.id),
    });
    expect(rows.map((r) => r.status)).toEqual(["confirmed", "confirmed"]);

    // Nothing left to destroy; the page says so, and every view still answers.
    expect((await api({ slug: w.slug, irreversible: true })).status).toBe(409);
    // It takes nobody new, and its public page no longer offers places or a form.
    const late = await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: "Late Comer",
      email: uniqueEmail("late"),
    });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("closed");
    expect(await (await call(`/workshops/${w.slug}?lang=en`)).text()).not.toContain('name="email"');
    expect(
      await (await call(`/admin/workshops/${w.id}`, { headers: { Cookie: owner } })).text(),
    ).toContain("Destroyed on");
    for (const view of await everyViewOf(w.id, distributionId)) {
      expect(view.status, view.path).toBe(200);
      for (const p of people) expect(view.body, view.path).not.toContain(p.name);
    }
    // The retention purge later has nothing more to do.
    await db()
      .update(workshops)
      .set({ endsAt: new Date(Date.now() - 400 * 86_400_000) })
      .where(eq(workshops.id, w.id));
    await runCron(DAILY);
    expect(
      await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "workshop.purge"), eq(auditLog.targetId, w.id))),
    ).toEqual([]);
  });
});

describe("a wrong DATA_KEY", () => {
  it("answers a list of registrations with a 503 problem naming the setting, never garbage", async () => {
    const w = await createWorkshop();
    const people = [{ email: uniqueEmail("wrongkey"), name: "Rana Wrongkey" }];
    await seedAttendees(w.id, people);
    const res = await app.request(
      `/api/v1/workshops/${w.id}/registrations`,
      { headers: ADMIN },
      { ...env, DATA_KEY: OTHER_KEY },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as { detail: string };
    expect(problem.detail).toContain("DATA_KEY");
    expect(JSON.stringify(problem)).not.toContain("Rana");
  });
});

describe("a master key rotation", () => {
  it("re-wraps every data key under the new DATA_KEY in resumable steps, after which only it is needed", async () => {
    const NEW_KEY = btoa("the-new-master-key-0123456789abc");
    // Keys made under the current DATA_KEY, each sealing something.
    const names: KeyName[] = [SUBSCRIBERS_KEY];
    for (let i = 0; i < 3; i++) names.push(workshopKeyName((await createWorkshop()).id));
    const sealed = new Map<KeyName, string>();
    for (const name of names) {
      const key = (await vault().keyToSeal(name))!;
      sealed.set(name, await key.seal(`secret of ${name}`, placeOf("test", name, "value")));
    }
    await seedSubscribers([{ email: uniqueEmail("rotated") }]);
    const live = (await db().select().from(dataKeys)).filter((k) => k.wrapped).length;
    expect(live).toBeGreaterThanOrEqual(4);

    const rotating = new Vault(db(), () => masterKeys(NEW_KEY, env.DATA_KEY));
    const first = await rotating.rotate(2);
    expect(first).toEqual({ rewrapped: 2, remaining: live - 2 });
    // Meanwhile everything still opens, the rest with the previous key.
    for (const name of names) expect(await rotating.key(name)).not.toBeNull();
    let remaining = first.remaining;
    let rewrapped = first.rewrapped;
    while (remaining > 0) {
      const step = await new Vault(db(), () => masterKeys(NEW_KEY, env.DATA_KEY)).rotate(2);
      rewrapped += step.rewrapped;
      remaining = step.remaining;
    }
    expect(rewrapped).toBe(live);
    expect(await rotating.status()).toEqual({
      current: live,
      other: 0,
      unknown: 0,
      destroyed: (await db().select().from(dataKeys)).filter((k) => !k.wrapped).length,
      previousSet: true,
    });

    // Only the new key from now on: everything opens, and the old one alone opens nothing.
    const onlyNew = new Vault(db(), () => masterKeys(NEW_KEY, undefined));
    for (const name of names) {
      const key = (await onlyNew.key(name))!;
      expect(await key.open(sealed.get(name)!, placeOf("test", name, "value"))).toBe(
        `secret of ${name}`,
      );
    }
    await expect(vault().key(names[1]!)).rejects.toThrow(/DATA_KEY/);

    // The owners' API step, with the settings swapped the other way: back to the test key.
    const back = { ...env, DATA_KEY: env.DATA_KEY, DATA_KEY_PREVIOUS: NEW_KEY };
    const post = () =>
      app.request(
        "/api/v1/admin/vault/rotate",
        { method: "POST", headers: ADMIN },
        back,
        createExecutionContext(),
      );
    let answer = (await (await post()).json()) as {
      rewrapped: number;
      remaining: number;
      status: { other: number };
    };
    while (answer.remaining > 0) answer = (await (await post()).json()) as typeof answer;
    expect(answer).toMatchObject({ remaining: 0, status: { other: 0 } });
    for (const name of names) expect(await vault().key(name)).not.toBeNull();
    expect(
      (await db().select().from(auditLog).where(eq(auditLog.action, "vault.rotate"))).length,
    ).toBeGreaterThan(0);
  });

  it("leaves a key under a master key neither setting holds, and says so, without failing the rest", async () => {
    const STRANGER = btoa("a-master-key-nobody-holds-012345");
    const OTHER = btoa("another-new-master-key-0123456xy");
    const w = await createWorkshop();
    const stranger = new Vault(db(), () => masterKeys(STRANGER, undefined));
    await stranger.keyToSeal(workshopKeyName(w.id));
    const rotating = new Vault(db(), () => masterKeys(OTHER, env.DATA_KEY));
    let step = await rotating.rotate(500);
    while (step.remaining > 0) step = await rotating.rotate(500);
    const status = await rotating.status();
    expect(status.unknown).toBe(1);
    expect(status.other).toBe(1);
    // Its workshop's people cannot be opened: a clear refusal, never garbage.
    await expect(rotating.key(workshopKeyName(w.id))).rejects.toThrow(/DATA_KEY/);
    // Put back under the test key, so the other tests of this file are unaffected.
    const back = new Vault(db(), () => masterKeys(env.DATA_KEY, OTHER));
    let again = await back.rotate(500);
    while (again.remaining > 0) again = await back.rotate(500);
    await db()
      .delete(dataKeys)
      .where(eq(dataKeys.name, workshopKeyName(w.id)));
  });

  it("is for owners only, on the page and in the API", async () => {
    const organiser = await cookieFor((await organiserWithRole("organiser")).id);
    expect((await call("/admin/vault", { headers: { Cookie: organiser } })).status).toBe(403);
    expect((await form("/admin/vault/rotate", {}, organiser)).status).toBe(403);
    const owner = await cookieFor((await organiserWithRole("owner")).id);
    const page = await call("/admin/vault", { headers: { Cookie: owner } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("DATA_KEY_PREVIOUS");
    const res = await call("/api/v1/admin/vault/rotate", { method: "POST", headers: ADMIN });
    expect(await res.json()).toMatchObject({ rewrapped: 0, remaining: 0 });
    const doc = JSON.stringify(await (await call("/api/v1/openapi.json")).json());
    expect(doc).toContain("/api/v1/admin/vault/rotate");
    expect(doc).toContain("/api/v1/workshops/{id}/key/destroy");
  });
});
