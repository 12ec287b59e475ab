import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accessTokens, dataKeys, emails, registrations, workshops } from "../src/db/schema";
import type { Env } from "../src/env";
import { newSecret, sha256Hex } from "../src/lib/tokens";
import { linkToken } from "../src/registrations/tokens";
import { app } from "./support/app";
import {
  ADMIN,
  call,
  db,
  eventually,
  json,
  tokenFromEmail,
  tokensFromEmails,
  uniqueEmail,
} from "./support/helpers";
import {
  openedRegistrations,
  registrationOf,
  subscriberRowOf,
  workshopEmailsTo,
  workshopIndex,
} from "./support/vault";
import { createWorkshop } from "./support/workshops";

const register = (
  slug: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) => json(`/api/v1/public/workshops/${slug}/registrations`, "POST", body, headers);

async function registerAndGetToken(slug: string, name = "Participant") {
  const email = uniqueEmail("p");
  const res = await register(slug, { name, email });
  expect(res.status).toBe(202);
  return { email, token: await tokenFromEmail(email, "workshop:verify") };
}

/** Registers `n` people one after the other, then reads their links once all went out. */
async function registerManyAndGetTokens(slug: string, n: number) {
  const addresses: string[] = [];
  for (let i = 0; i < n; i++) {
    const email = uniqueEmail("p");
    expect((await register(slug, { name: `Person ${i}`, email })).status).toBe(202);
    addresses.push(email);
  }
  const tokens = await tokensFromEmails(addresses, "workshop:verify");
  return addresses.map((email, i) => ({ email, token: tokens[i]! }));
}

const statusesOf = async (workshopId: string) =>
  await db()
    .select({ status: registrations.status, position: registrations.waitlistPosition })
    .from(registrations)
    .where(eq(registrations.workshopId, workshopId));

const workshopRow = async (id: string) =>
  (await db().query.workshops.findFirst({ where: eq(workshops.id, id) }))!;

describe("capacity under concurrency", () => {
  it("200 concurrent verifications for 10 seats leave exactly 10 confirmed and 190 waitlisted, no 5xx", async () => {
    const workshop = await createWorkshop({ capacity: 10 });
    const people = await registerManyAndGetTokens(workshop.slug, 200);

    const answers = await Promise.all(
      people.map((p) => call(`/api/v1/public/registrations/${p.token}/verify`, { method: "POST" })),
    );
    expect(answers.filter((r) => r.status >= 500)).toHaveLength(0);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { status: string }[];
    expect(bodies.filter((b) => b.status === "confirmed")).toHaveLength(10);
    expect(bodies.filter((b) => b.status === "waitlisted")).toHaveLength(190);

    const rows = await statusesOf(workshop.id);
    expect(rows.filter((r) => r.status === "confirmed")).toHaveLength(10);
    const positions = rows.filter((r) => r.status === "waitlisted").map((r) => r.position);
    expect(new Set(positions).size).toBe(190);
    expect(Math.min(...(positions as number[]))).toBe(1);
    expect(Math.max(...(positions as number[]))).toBe(190);
    expect((await workshopRow(workshop.id)).confirmedCount).toBe(10);
    // Each is told once, where they ended: the email built before the move for its likely
    // end, or, for those who lost the race for the last seats, one written after it.
    const told = await Promise.all(
      people.map(async (p, i) => {
        const kinds = (await workshopEmailsTo(workshop.id, p.email))
          .map((e) => e.kind)
          .filter((k) => k !== "workshop:verify");
        return [bodies[i]!.status, kinds] as const;
      }),
    );
    for (const [status, kinds] of told) expect(kinds).toEqual([`workshop:${status}`]);
  });

  it("concurrent cancellations and promotions never exceed capacity nor promote anyone twice", async () => {
    const workshop = await createWorkshop({ capacity: 5 });
    const people = await registerManyAndGetTokens(workshop.slug, 25);
    for (const p of people)
      await call(`/api/v1/public/registrations/${p.token}/verify`, { method: "POST" });

    // The five confirmed cancel at once, while organisers approve, the waitlisted re-verify
    // and the capacity is raised and lowered.
    const confirmed = people.slice(0, 5);
    const ops: Promise<Response>[] = [
      ...confirmed.map((p) =>
        call(`/api/v1/public/registrations/${p.token}/cancel`, { method: "POST" }),
      ),
      ...people
        .slice(5)
        .map((p) => call(`/api/v1/public/registrations/${p.token}/verify`, { method: "POST" })),
      json(`/api/v1/workshops/${workshop.id}`, "PATCH", { capacity: 7 }, ADMIN),
      json(`/api/v1/workshops/${workshop.id}`, "PATCH", { capacity: 6 }, ADMIN),
    ];
    const results = await Promise.all(ops);
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);

    const row = await workshopRow(workshop.id);
    const rows = await db()
      .select()
      .from(registrations)
      .where(eq(registrations.workshopId, workshop.id));
    const seated = rows.filter((r) => r.status === "confirmed" || r.status === "attended");
    expect(seated.length).toBe(row.confirmedCount);
    expect(seated.length).toBeLessThanOrEqual(row.capacity!);
    // Seats freed are given away: nobody waits while a seat is free.
    expect(seated.length).toBe(Math.min(row.capacity!, 20));
    // Each promotion is one person, once: promoted people are distinct and were waitlisted.
    const promoted = rows.filter((r) => r.promotedAt);
    expect(new Set(promoted.map((r) => r.id)).size).toBe(promoted.length);
    const promotionEmails = await db()
      .select()
      .from(emails)
      .where(eq(emails.kind, "workshop:promoted"));
    const opened = await openedRegistrations(workshop.id);
    const promotedAddresses = promotionEmails
      .map((e) => e.to)
      .filter((to) => opened.some((r) => r.email === to));
    expect(new Set(promotedAddresses).size).toBe(promotedAddresses.length);
    expect(promotedAddresses.length).toBe(promoted.length);
  });

  it("20 simultaneous registrations with one email create one registration, with identical answers", async () => {
    const workshop = await createWorkshop({ capacity: 10 });
    const email = uniqueEmail("same");
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => register(workshop.slug, { name: "Same Person", email })),
    );
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(new Set(answers.map((r) => r.status))).toEqual(new Set([202]));
    expect(new Set(bodies).size).toBe(1);
    const rows = await db()
      .select()
      .from(registrations)
      .where(
        and(
          eq(registrations.workshopId, workshop.id),
          eq(registrations.emailIndex, await workshopIndex(workshop.id, email)),
        ),
      );
    expect(rows).toHaveLength(1);
    // The "already registered" email is written after the answers.
    const sent = await eventually(async () => {
      const rows = await workshopEmailsTo(workshop.id, email);
      return rows.some((e) => e.kind === "workshop:already_registered") && rows;
    });
    expect(sent.filter((e) => e.kind === "workshop:verify")).toHaveLength(1);
    // The "already registered" email goes out, but not nineteen times.
    expect(sent.filter((e) => e.kind === "workshop:already_registered")).toHaveLength(1);
  });

  it("answers the same for a known and an unknown address", async () => {
    const workshop = await createWorkshop();
    const email = uniqueEmail("known");
    const first = await register(workshop.slug, { name: "Known", email });
    const again = await register(workshop.slug, { name: "Known", email });
    const fresh = await register(workshop.slug, { name: "New", email: uniqueEmail("new") });
    expect([first.status, again.status, fresh.status]).toEqual([202, 202, 202]);
    expect(new Set([await first.text(), await again.text(), await fresh.text()]).size).toBe(1);
  });
});

describe("tokens", () => {
  it("are signed, URL-safe, and write nothing", async () => {
    const workshop = await createWorkshop();
    const before = await db().select().from(accessTokens);
    const { token } = await registerAndGetToken(workshop.slug);
    // purpose.subject.expiry.signature: 160 bits of HMAC-SHA-256 under TOKEN_SECRET.
    expect(token).toMatch(/^reg\.reg_[a-z2-7]{26}\.[0-9a-z]+\.[A-Za-z0-9_-]{27}$/);
    expect(await db().select().from(accessTokens)).toEqual(before);
    expect(JSON.stringify(await db().select().from(registrations))).not.toContain(token);
  });

  it("refuse a changed signature, another purpose, another secret, and an expired link", async () => {
    const workshop = await createWorkshop();
    const { token } = await registerAndGetToken(workshop.slug);
    const [purpose, subject, expiry, signature] = token.split(".") as [
      string,
      string,
      string,
      string,
    ];
    // The first character: the last one carries unused bits, so changing it may not change the bytes.
    const flipped = `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    const later = (Number.parseInt(expiry, 36) + 86_400).toString(36);
    const refused = [
      `${purpose}.${subject}.${expiry}.${flipped}`,
      `chk.${subject}.${expiry}.${signature}`,
      `${purpose}.${subject}.${later}.${signature}`,
      await linkToken(
        "another-secret-of-thirty-two-chars!",
        "registration",
        subject,
        new Date(Date.now() + 86_400_000),
      ),
      await linkToken(env.TOKEN_SECRET, "registration", subject, new Date(Date.now() - 1000)),
    ];
    for (const bad of refused) {
      expect((await call(`/r/${bad}`)).status, bad).toBe(404);
      expect((await call(`/api/v1/public/registrations/${bad}`)).status, bad).toBe(404);
    }
    expect((await call(`/r/${token}`)).status).toBe(200);
  });

  it("a genuine link to a registration that is not there is 'not found', not an error", async () => {
    const nobody = await linkToken(
      env.TOKEN_SECRET,
      "registration",
      "reg_neverregistered",
      new Date(Date.now() + 86_400_000),
    );
    expect((await call(`/api/v1/public/registrations/${nobody}`)).status).toBe(404);
    expect((await json(`/api/v1/public/registrations/${nobody}/verify`, "POST", {})).status).toBe(
      404,
    );
    expect((await call(`/r/${nobody}`)).status).toBe(404);
  });

  it("made before signing (stored hashed) keep working until they expire", async () => {
    const workshop = await createWorkshop();
    const { token: signed } = await registerAndGetToken(workshop.slug);
    const id = signed.split(".")[1]!;
    const legacy = newSecret();
    await db()
      .insert(accessTokens)
      .values({
        tokenHash: await sha256Hex(legacy),
        purpose: "registration",
        subjectId: id,
        expiresAt: new Date(Date.now() + 86_400_000),
      });
    expect((await call(`/api/v1/public/registrations/${legacy}`)).status).toBe(200);
    await db()
      .update(accessTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(accessTokens.subjectId, id));
    expect((await call(`/api/v1/public/registrations/${legacy}`)).status).toBe(404);
  });

  it("GET on /r/… changes nothing", async () => {
    const workshop = await createWorkshop();
    const { token, email } = await registerAndGetToken(workshop.slug);
    const mine = eq(registrations.emailIndex, await workshopIndex(workshop.id, email));
    const before = await db().select().from(registrations).where(mine);
    for (let i = 0; i < 3; i++) expect((await call(`/r/${token}`)).status).toBe(200);
    expect((await call(`/api/v1/public/registrations/${token}`)).status).toBe(200);
    expect(await db().select().from(registrations).where(mine)).toEqual(before);
  });
});

describe("mass assignment", () => {
  it("ignores status, role and other extra fields in the public body", async () => {
    const workshop = await createWorkshop({ requireVerification: false });
    const email = uniqueEmail("sneaky");
    const res = await register(workshop.slug, {
      name: "Sneaky",
      email,
      status: "attended",
      role: "speaker",
      notes: "vip",
      waitlistPosition: 0,
    });
    expect(res.status).toBe(201);
    const row = (await registrationOf(workshop.id, email))!;
    expect(row.status).toBe("confirmed");
    expect(row.role).toBe("participant");
    expect(row.notes).toBeNull();
  });
});

describe("what the public paths cost in D1 (rows are billed)", () => {
  const metered = { ...env, D1_METRICS: "on" } as Env;

  async function cost(path: string, body?: unknown) {
    const res = await app.request(
      path,
      {
        method: "POST",
        headers: body ? { "Content-Type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      },
      metered,
      createExecutionContext(),
    );
    expect(res.status, path).toBeLessThan(300);
    return {
      queries: Number(res.headers.get("x-d1-queries")),
      written: Number(res.headers.get("x-d1-rows-written")),
    };
  }

  const registration = (slug: string, who: string) =>
    cost(`/api/v1/public/workshops/${slug}/registrations`, { name: who, email: uniqueEmail(who) });

  it("a registration writes six rows: itself and its email, each with its index entries", async () => {
    const w = await createWorkshop();
    await registration(w.slug, "first"); // makes the workshop's data key
    expect(await registration(w.slug, "second")).toMatchObject({ written: 6 });
  });

  it("the seat decision and the confirmation", async () => {
    const w = await createWorkshop();
    await registration(w.slug, "first");
    const { token } = await registerAndGetToken(w.slug);
    const verify = await cost(`/api/v1/public/registrations/${token}/verify`);
    const open = await createWorkshop({ requireVerification: false });
    await registration(open.slug, "first");
    const direct = await registration(open.slug, "direct");
    // The registration's status and seat stamp, the workshop's counters, the email.
    expect(verify.written).toBeLessThanOrEqual(6);
    // The registration, its seat, the counters and the confirmation.
    expect(direct.written).toBeLessThanOrEqual(9);
  });
});

describe("the workshop a registration reads, held by the isolate for a moment", () => {
  const metered = { ...env, D1_METRICS: "on" } as Env;

  /** A registration and its D1 round trips before the answer; then what ran after it. */
  async function registerMetered(slug: string, body: Record<string, unknown>) {
    const ctx = createExecutionContext();
    const res = await app.request(
      `/api/v1/public/workshops/${slug}/registrations`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      },
      metered,
      ctx,
    );
    const answer = {
      status: res.status,
      body: (await res.json()) as { status?: string; detail?: string; errors?: unknown[] },
      roundTrips: Number(res.headers.get("x-d1-round-trips")),
    };
    await waitOnExecutionContext(ctx);
    return answer;
  }
  const someone = (who: string) => ({ name: who, email: uniqueEmail(who) });
  /** Two registrations: the first makes the workshop's key, the second reads it and holds it. */
  const holdCopyOf = async (slug: string) => {
    await registerMetered(slug, someone("first"));
    await registerMetered(slug, someone("second"));
  };
  const rowsFor = async (workshopId: string) =>
    (await openedRegistrations(workshopId)).map((r) => r.email);

  it("spares the read: one round trip once the workshop was read, seats taken or not", async () => {
    for (const requireVerification of [true, false]) {
      const w = await createWorkshop({ requireVerification, capacity: 50 });
      const first = await registerMetered(w.slug, someone("first")); // makes the data key
      const second = await registerMetered(w.slug, someone("second"));
      const third = await registerMetered(w.slug, someone("third"));
      expect([first.status, second.status, third.status]).toEqual(
        requireVerification ? [202, 202, 202] : [201, 201, 201],
      );
      // The second reads the workshop with its key and writes; the third only writes, though
      // the second took a seat (the counters are the batch's to read, not the copy's).
      expect(second.roundTrips).toBe(2);
      expect(third.roundTrips).toBe(1);
      expect(await rowsFor(w.id)).toHaveLength(3);
    }
  });

  it("obeys a change made since it was read, in the same moment", async () => {
    const w = await createWorkshop({ requireVerification: false });
    await holdCopyOf(w.slug);
    const closed = await json(
      `/api/v1/workshops/${w.id}`,
      "PATCH",
      { registrationClosesAt: new Date(Date.now() - 60_000).toISOString() },
      ADMIN,
    );
    expect(closed.status).toBe(200);
    const late = someone("late");
    const refused = await registerMetered(w.slug, late);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe("Registration for this workshop is closed.");
    // Decided on the copy first (its batch wrote nothing), then on a fresh read.
    expect(refused.roundTrips).toBe(2);
    expect(await rowsFor(w.id)).not.toContain(late.email);
  });

  it("compares every column, not only the time of the last edit", async () => {
    const w = await createWorkshop({ requireVerification: false });
    await holdCopyOf(w.slug);
    // As a job or a migration might: one column, `updated_at` untouched.
    await db()
      .update(workshops)
      .set({ registrationClosesAt: new Date(Date.now() - 60_000) })
      .where(eq(workshops.id, w.id));
    const refused = await registerMetered(w.slug, someone("late"));
    expect(refused).toMatchObject({ status: 409, roundTrips: 2 });
  });

  it("leaves no subscription behind for a registration refused since the copy was read", async () => {
    const w = await createWorkshop();
    await holdCopyOf(w.slug);
    await json(`/api/v1/workshops/${w.id}`, "PATCH", { registrationMode: "invitation" }, ADMIN);
    const keen = { ...someone("keen"), subscribe: true };
    expect((await registerMetered(w.slug, keen)).status).toBe(409);
    expect(await subscriberRowOf(keen.email)).toBeUndefined();
  });

  it("asks what a changed workshop asks: a question added since it was read", async () => {
    const w = await createWorkshop();
    await holdCopyOf(w.slug);
    await json(
      `/api/v1/workshops/${w.id}`,
      "PATCH",
      { questions: [{ id: "org", label: "Organisation", type: "text", required: true }] },
      ADMIN,
    );
    const without = someone("without");
    const answer = await registerMetered(w.slug, without);
    expect(answer.status).toBe(422);
    expect(answer.roundTrips).toBe(2);
    expect(JSON.stringify(answer.body.errors)).toContain("org");
    expect(await rowsFor(w.id)).not.toContain(without.email);
  });

  it("answers 'full' where a fresh read would, though the copy counted a seat free", async () => {
    for (const requireVerification of [false, true]) {
      // Without verification the second takes the last seat, after the copy was read.
      const w = await createWorkshop({
        requireVerification,
        capacity: requireVerification ? 1 : 2,
        waitlist: false,
      });
      const first = someone("first");
      await registerMetered(w.slug, first); // makes the data key
      await registerMetered(w.slug, someone("second")); // the copy now held: a seat free
      if (requireVerification) {
        const token = await tokenFromEmail(first.email, "workshop:verify");
        await json(`/api/v1/public/registrations/${token}/verify`, "POST", {});
      }
      const late = someone("late");
      const answer = await registerMetered(w.slug, late);
      expect(answer.status).toBe(409);
      expect(answer.body.detail).toBe("This workshop is full.");
      expect(answer.roundTrips).toBe(2);
      expect(await rowsFor(w.id)).not.toContain(late.email);
    }
  });

  it("seals nobody under a key destroyed since it was read", async () => {
    const w = await createWorkshop({ requireVerification: false });
    await holdCopyOf(w.slug);
    // Only the key, not the workshop row: the batch must check the key itself.
    await db()
      .update(dataKeys)
      .set({ wrapped: null, masterFingerprint: null, destroyedAt: new Date() })
      .where(eq(dataKeys.name, `workshop:${w.id}`));
    const after = await registerMetered(w.slug, someone("after"));
    expect(after.status).toBe(409);
    expect(after.body.detail).toContain("personal data was erased");
    // The copy's batch, the fresh read, and the key's tombstone.
    expect(after.roundTrips).toBe(3);
    const rows = await db()
      .select({ id: registrations.id })
      .from(registrations)
      .where(eq(registrations.workshopId, w.id));
    expect(rows).toHaveLength(2);
  });

  it("answers an address already registered as fast as a new one, and emails it after", async () => {
    const w = await createWorkshop();
    const person = someone("again");
    await holdCopyOf(w.slug);
    const first = await registerMetered(w.slug, person);
    const again = await registerMetered(w.slug, person);
    expect(first).toEqual(again);
    expect(again).toMatchObject({
      status: 202,
      body: { status: "pending_verification" },
      roundTrips: 1,
    });
    // Looked up and told after the answer: their link again.
    const sent = await workshopEmailsTo(w.id, person.email);
    expect(sent.map((e) => e.kind).sort()).toEqual([
      "workshop:already_registered",
      "workshop:verify",
    ]);
  });
});
