import { createExecutionContext, createScheduledController } from "cloudflare:test";
// The data keys: the retention purge destroys a workshop's key and leaves nothing readable;
// a wrong DATA_KEY is refused, never served as garbage.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, dataKeys, emails, workshops } from "../src/db/schema";
import worker from "../src/index";
import { DAILY } from "../src/jobs/scheduled";
import { Mailer } from "../src/mail/outbox";
import { type KeyName, workshopKeyName } from "../src/vault/keys";
import { app } from "./support/app";
import {
  drain,
  engine,
  publishedReport,
  RecordingQueue,
  seedAttendees,
} from "./support/distribution";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  eventually,
  organiserWithRole,
  simpleEmail,
  uniqueEmail,
} from "./support/helpers";
import { tablesHolding } from "./support/tables";
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

const cron = (expression: string, at = Date.now()) =>
  worker.scheduled(
    createScheduledController({ cron: expression, scheduledTime: at }),
    env,
    createExecutionContext(),
  );

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
    await cron(DAILY);

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
    await cron(DAILY);
    expect(
      await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "workshop.purge"), eq(auditLog.targetId, w.id))),
    ).toHaveLength(1);
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
