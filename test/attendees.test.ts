import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import {
  accessTokens,
  auditLog,
  emails,
  REGISTRATION_STATUSES,
  registrations,
  workshops,
} from "../src/db/schema";
import { DAILY, FREQUENT } from "../src/jobs/scheduled";
import { parseCsv, toCsv } from "../src/lib/csv";
import { REGISTRATION_TRANSITIONS } from "../src/registrations/status";
import { linkToken } from "../src/registrations/tokens";
import { workshopKeyName } from "../src/vault/keys";
import { app } from "./support/app";
import { runCron } from "./support/cron";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  delivered,
  json,
  latestEmail,
  ORIGIN,
  organiserWithRole,
  ownerCookie,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { registrationOf } from "./support/vault";
import { addPerson, createWorkshop } from "./support/workshops";

/** A registration in the given status, reached through the real API. */
async function inStatus(status: (typeof REGISTRATION_STATUSES)[number]) {
  const w = await createWorkshop({
    capacity: 50,
    registrationMode: status === "pending_approval" ? "approval" : "open",
  });
  if (status === "pending_verification" || status === "pending_approval") {
    const email = uniqueEmail("s");
    await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", { name: "S", email });
    if (status === "pending_approval")
      await call(
        `/api/v1/public/registrations/${await tokenFromEmail(email, "workshop:verify")}/verify`,
        { method: "POST" },
      );
    return (await registrationOf(w.id, email))!;
  }
  const person = await addPerson(w.id);
  const move = (to: string) =>
    json(`/api/v1/registrations/${person.id}`, "PATCH", { status: to }, ADMIN);
  if (status === "waitlisted") {
    await db()
      .update(registrations)
      .set({ status: "waitlisted", waitlistPosition: 1 })
      .where(eq(registrations.id, person.id));
    await db().update(workshops).set({ confirmedCount: 0 }).where(eq(workshops.id, w.id));
  }
  if (status === "attended") expect((await move("attended")).status).toBe(200);
  if (status === "cancelled") expect((await move("cancelled")).status).toBe(200);
  if (status === "rejected") expect((await move("rejected")).status).toBe(200);
  return (await db().query.registrations.findFirst({ where: eq(registrations.id, person.id) }))!;
}

describe("registration status machine", () => {
  for (const from of REGISTRATION_STATUSES) {
    for (const to of REGISTRATION_STATUSES) {
      if (from === to) continue;
      const legal = REGISTRATION_TRANSITIONS[from].includes(to);
      it(`${from} → ${to} is ${legal ? "allowed" : "refused with 409"}`, async () => {
        const registration = await inStatus(from);
        expect(registration.status).toBe(from);
        const res = await json(
          `/api/v1/registrations/${registration.id}`,
          "PATCH",
          { status: to },
          ADMIN,
        );
        expect(res.status, await res.clone().text()).toBe(legal ? 200 : 409);
        const after = (await db().query.registrations.findFirst({
          where: eq(registrations.id, registration.id),
        }))!;
        expect(after.status).toBe(legal ? to : from);
        const workshop = (await db().query.workshops.findFirst({
          where: eq(workshops.id, after.workshopId),
        }))!;
        const seated = await db()
          .select()
          .from(registrations)
          .where(and(eq(registrations.workshopId, workshop.id)));
        expect(workshop.confirmedCount).toBe(
          seated.filter((r) => r.status === "confirmed" || r.status === "attended").length,
        );
      });
    }
  }

  it("approving takes a seat atomically and answers 409 when none is left", async () => {
    const w = await createWorkshop({
      capacity: 1,
      registrationMode: "approval",
      requireVerification: false,
    });
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const email = uniqueEmail("appr");
      expect(
        (
          await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
            name: "A",
            email,
          })
        ).status,
      ).toBe(201);
      ids.push((await registrationOf(w.id, email))!.id);
    }
    const answers = await Promise.all(
      ids.map((id) => json(`/api/v1/registrations/${id}`, "PATCH", { status: "confirmed" }, ADMIN)),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
  });
});

describe("check-in", () => {
  it("is reported, not double-counted, and refused for people not confirmed", async () => {
    const w = await createWorkshop();
    const person = await addPerson(w.id);
    const first = await json(`/api/v1/registrations/${person.id}/check-in`, "POST", {}, ADMIN);
    expect(await first.json()).toMatchObject({
      alreadyCheckedIn: false,
      registration: { status: "attended" },
    });
    const second = await json(`/api/v1/registrations/${person.id}/check-in`, "POST", {}, ADMIN);
    expect(await second.json()).toMatchObject({
      alreadyCheckedIn: true,
      registration: { status: "attended" },
    });
    expect(
      (await db().query.workshops.findFirst({ where: eq(workshops.id, w.id) }))!.confirmedCount,
    ).toBe(1);

    const waiting = await inStatus("pending_verification");
    expect(
      (await json(`/api/v1/registrations/${waiting.id}/check-in`, "POST", {}, ADMIN)).status,
    ).toBe(409);
  });

  it("works from the QR code in the confirmation email, which is not the manage token", async () => {
    const w = await createWorkshop();
    const person = await addPerson(w.id);
    const email = (await latestEmail(person.email, "workshop:confirmed"))!;
    expect(email.attachments.map((a) => a.filename)).toEqual(["workshop.ics"]);
    const manage = await tokenFromEmail(person.email, "workshop:confirmed");
    expect(manage.startsWith(`reg.${person.id}.`)).toBe(true);
    // The QR is drawn as a table of cells in the HTML part.
    expect(email.html).toContain('bgcolor="#000000"');
    expect((await json("/api/v1/check-in", "POST", { token: manage }, ADMIN)).status).toBe(404);
  });
});

describe("CSV export", () => {
  it("neutralises formula cells and round-trips RFC 4180", async () => {
    const w = await createWorkshop();
    const tricky = [
      '=HYPERLINK("http://evil")',
      "+1 555",
      "-2+3",
      "@SUM(A1)",
      'Quote "Me", Comma',
      "Line\nBreak",
      "عبد الله",
      // A formula followed by a line break: papaparse's own pattern stops at the first line.
      '=HYPERLINK("http://evil","x")\nsecond line',
    ];
    for (const name of tricky) await addPerson(w.id, { name });
    // …and an affiliation, in another column, with a tab after the formula.
    await addPerson(w.id, { name: "Plain", affiliation: "@cmd\t|calc" });
    const res = await call(`/api/v1/workshops/${w.id}/registrations.csv`, { headers: ADMIN });
    expect(res.headers.get("content-type")).toContain("text/csv");
    // Plain UTF-8 for scripts; with ?excel=true a byte-order mark, so Excel reads Arabic.
    const excel = await call(`/api/v1/workshops/${w.id}/registrations.csv?excel=true`, {
      headers: ADMIN,
    });
    const bytes = new Uint8Array(await excel.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = await res.text();
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const parsed = parseCsv(text);
    const names = parsed.rows.map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '\'=HYPERLINK("http://evil")',
        "'+1 555",
        "'-2+3",
        "'@SUM(A1)",
        'Quote "Me", Comma',
        "Line\nBreak",
        "عبد الله",
        '\'=HYPERLINK("http://evil","x")\nsecond line',
      ]),
    );
    expect(parsed.rows.find((r) => r.name === "Plain")?.affiliation).toBe("'@cmd\t|calc");
    expect(parsed.errors).toEqual([]);
    // Every cell starting with = + - @ tab or CR is prefixed, whatever follows it.
    for (const start of ["=", "+", "-", "@", "\t", "\r"])
      for (const rest of ["1+1", "1\n2", "\r\n=2", ""]) {
        const cell = `${start}${rest}`;
        expect(parseCsv(toCsv(["c"], [[cell]])).rows[0]!.c, JSON.stringify(cell)).toBe(`'${cell}`);
      }
    // Round trip of the serializer itself.
    const rows = [["a,b", 'c"d', "e\r\nf", ""]];
    expect(parseCsv(toCsv(["x", "y", "z", "w"], rows)).rows).toEqual([
      { x: "a,b", y: 'c"d', z: "e\r\nf", w: "" },
    ]);
  });

  it("is logged in the audit log with a row count and no personal data", async () => {
    const w = await createWorkshop();
    const person = await addPerson(w.id, { name: "Secret Name" });
    await call(`/api/v1/workshops/${w.id}/registrations.csv`, { headers: ADMIN });
    await call(`/api/v1/workshops/${w.id}/registrations`, { headers: ADMIN });
    const entries = await db().select().from(auditLog).where(eq(auditLog.targetId, w.id));
    const actions = entries.map((e) => [e.action, (e.detail as { rows?: number } | null)?.rows]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ["attendees.export", 1],
        ["attendees.view", 1],
      ]),
    );
    expect(JSON.stringify(entries)).not.toContain("Secret Name");
    expect(JSON.stringify(entries)).not.toContain(person.email);
  });
});

describe("names", () => {
  it("strip bidi overrides, keep the RLM of Arabic text, and render isolated", async () => {
    const w = await createWorkshop({ requireVerification: false });
    const spoof = "Evil\u202Egnp.exe";
    const arabic = "محمد\u200F الأحمد";
    const spoofEmail = uniqueEmail("bidi");
    const arabicEmail = uniqueEmail("ar");
    await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: spoof,
      email: spoofEmail,
    });
    await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: arabic.normalize("NFD"),
      email: arabicEmail,
    });
    const a = (await registrationOf(w.id, spoofEmail))!;
    const b = (await registrationOf(w.id, arabicEmail))!;
    expect(a.name).toBe("Evilgnp.exe");
    expect(b.name).toBe(arabic.normalize("NFC"));
    expect(b.name).toContain("\u200F");
    const page = await call(`/r/${await tokenFromEmail(arabicEmail, "workshop:confirmed")}`);
    expect(await page.text()).toContain(`<bdi>${arabic}</bdi>`);
  });
});

describe("who sees what", () => {
  it("public pages never reveal who registered", async () => {
    const w = await createWorkshop();
    const person = await addPerson(w.id, { name: "Hidden Participant", affiliation: "Hidden Org" });
    for (const path of [`/workshops/${w.slug}`, `/workshops/${w.slug}?lang=ar`, "/", "/?lang=ar"]) {
      const html = await (await call(path)).text();
      expect(html).not.toContain("Hidden Participant");
      expect(html).not.toContain(person.email);
      expect(html).not.toContain("Hidden Org");
    }
  });

  it("door: Arabic spellings match, times are on the workshop's clock, a counter shows n of N", async () => {
    const w = await createWorkshop({ timezone: "Asia/Beirut" });
    const ahmad = await addPerson(w.id, { name: "أَحمد الخطيب" });
    await addPerson(w.id, { name: "Other Person" });
    for (const spelling of ["أحمد", "احمد", "إحمد", "احـمد"]) {
      const res = await call(
        `/api/v1/workshops/${w.id}/check-in?q=${encodeURIComponent(spelling)}`,
        { headers: ADMIN },
      );
      const found = (await res.json()) as { data: { id: string }[] };
      expect(
        found.data.map((p) => p.id),
        spelling,
      ).toEqual([ahmad.id]);
    }
    await json(`/api/v1/registrations/${ahmad.id}/check-in`, "POST", {}, ADMIN);
    const owner = await ownerCookie();
    const page = await (
      await call(`/admin/workshops/${w.id}/door?q=${encodeURIComponent("احمد")}`, {
        headers: { Cookie: owner },
      })
    ).text();
    expect(page).toContain("1 of 2 checked in");
    const row = (await db().query.registrations.findFirst({
      where: eq(registrations.id, ahmad.id),
    }))!;
    const beirut = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Beirut",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(row.checkedInAt!);
    expect(page).toContain(`Checked in ${beirut}`);
  });

  it("door staff search by name without emails; organisers see lists; nobody else does", async () => {
    const w = await createWorkshop();
    await addPerson(w.id, { name: "Door Findable" });
    const doorAccount = await organiserWithRole("door");
    const organiserAccount = await organiserWithRole("organiser");
    for (const [account, role] of [
      [doorAccount, "door"],
      [organiserAccount, "organiser"],
    ] as const) {
      const added = await json(
        `/api/v1/workshops/${w.id}/members`,
        "POST",
        { email: account.email, role },
        ADMIN,
      );
      expect(added.status).toBe(200);
    }
    const door = await cookieFor(doorAccount.id);
    const organiser = await cookieFor(organiserAccount.id);

    const doorSearch = await call(`/api/v1/workshops/${w.id}/check-in?q=Findable`, {
      headers: { Cookie: door },
    });
    const found = (await doorSearch.json()) as { data: Record<string, unknown>[] };
    expect(found.data).toHaveLength(1);
    expect(found.data[0]).not.toHaveProperty("email");
    expect(
      (await call(`/api/v1/workshops/${w.id}/registrations`, { headers: { Cookie: door } })).status,
    ).toBe(403);
    expect(
      (await call(`/api/v1/workshops/${w.id}/registrations.csv`, { headers: { Cookie: door } }))
        .status,
    ).toBe(403);
    expect(
      (
        await json(
          `/api/v1/workshops/${w.id}`,
          "PATCH",
          { capacity: 99 },
          // From our own pages, so it is the role that refuses (not the origin check).
          { Cookie: door, Origin: ORIGIN },
        )
      ).status,
    ).toBe(403);

    expect(
      (await call(`/api/v1/workshops/${w.id}/registrations`, { headers: { Cookie: organiser } }))
        .status,
    ).toBe(200);
    expect((await call(`/api/v1/workshops/${w.id}/registrations`)).status).toBe(401);
    expect((await call(`/api/v1/workshops/${w.id}/check-in`)).status).toBe(401);
  });
});

describe("calendar files", () => {
  it("parse with ical.js, with the workshop's times and a stable UID", async () => {
    const start = "2027-05-03T10:00:00+03:00";
    const w = await createWorkshop({ startsAt: start, endsAt: "2027-05-03T16:30:00+03:00" });
    const person = await addPerson(w.id);
    const token = await tokenFromEmail(person.email, "workshop:confirmed");
    const res = await call(`/r/${token}/calendar.ics`);
    expect(res.headers.get("content-type")).toContain("text/calendar");
    const text = await res.text();
    const event = new ICAL.Event(
      new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent("vevent")!,
    );
    expect(event.startDate.toJSDate().toISOString()).toBe(new Date(start).toISOString());
    expect(event.endDate.toJSDate().toISOString()).toBe("2027-05-03T13:30:00.000Z");
    expect(event.uid).toBe(`${person.id}@localhost:8787`);
    expect(event.summary).toContain("Regional dialogue");
    // The same UID again, with a higher SEQUENCE, after rescheduling.
    expect(
      (
        await json(
          `/api/v1/workshops/${w.id}`,
          "PATCH",
          { startsAt: "2027-05-04T10:00:00+03:00", endsAt: "2027-05-04T16:00:00+03:00" },
          ADMIN,
        )
      ).status,
    ).toBe(200);
    const updated = new ICAL.Event(
      new ICAL.Component(
        ICAL.parse(await (await call(`/r/${token}/calendar.ics`)).text()),
      ).getFirstSubcomponent("vevent")!,
    );
    expect(updated.uid).toBe(event.uid);
    expect(updated.sequence).toBeGreaterThan(event.sequence);
    expect(updated.startDate.toJSDate().toISOString()).toBe("2027-05-04T07:00:00.000Z");
    // And the participant was sent the update with a calendar file.
    const notice = (await latestEmail(person.email, "workshop:workshop_updated"))!;
    expect(notice.attachments[0]!.contentType).toBe("text/calendar");
  });
});

describe("cron", () => {
  it("sends each event reminder once, even when the cron runs twice at once", async () => {
    const soon = new Date(Date.now() + 3 * 3600_000);
    const w = await createWorkshop({
      startsAt: soon.toISOString(),
      endsAt: new Date(soon.getTime() + 3600_000).toISOString(),
      reminderHours: 24,
    });
    const a = await addPerson(w.id);
    const b = await addPerson(w.id);
    await Promise.all([runCron(FREQUENT), runCron(FREQUENT)]);
    await runCron(FREQUENT);
    const reminders = await db().select().from(emails).where(eq(emails.kind, "workshop:reminder"));
    expect(reminders.map((r) => r.to).sort()).toEqual([a.email, b.email].sort());
  });

  it("purges personal data after the retention period, once, keeping counts; exports are then empty", async () => {
    const past = new Date(Date.now() - 40 * 86_400_000);
    const w = await createWorkshop(
      {
        startsAt: past.toISOString(),
        endsAt: new Date(past.getTime() + 3600_000).toISOString(),
        retentionDays: 30,
      },
      false,
    );
    const person = await addPerson(w.id, { name: "To Be Forgotten", affiliation: "Somewhere" });
    await json(
      `/api/v1/workshops/${w.id}/invitations`,
      "POST",
      { invitees: [{ email: uniqueEmail("gone"), name: "Invitee Gone" }] },
      ADMIN,
    );
    // Their links are signed, so nothing to delete: they are refused once the person is gone.
    const manage = await tokenFromEmail(person.email, "workshop:confirmed");
    const code = await linkToken(
      env.TOKEN_SECRET,
      "checkin",
      person.id,
      new Date(Date.now() + 86_400_000),
    );
    expect((await call(`/api/v1/public/registrations/${manage}`)).status).toBe(200);
    await Promise.all([runCron(DAILY), runCron(DAILY)]);
    expect((await call(`/api/v1/public/registrations/${manage}`)).status).toBe(404);
    expect((await call(`/r/${manage}`)).status).toBe(404);
    expect((await json("/api/v1/check-in", "POST", { token: code }, ADMIN)).status).toBe(404);
    const rows = await db().select().from(registrations).where(eq(registrations.workshopId, w.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: "", affiliation: null, status: "confirmed" });
    expect(rows[0]!.email).toBe(`purged:${person.id}`);
    expect(
      await db().select().from(accessTokens).where(eq(accessTokens.subjectId, person.id)),
    ).toHaveLength(0);
    expect(
      await db()
        .select()
        .from(emails)
        .where(eq(emails.keyName, workshopKeyName(w.id))),
    ).toHaveLength(0);
    const purges = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, w.id), eq(auditLog.action, "workshop.purge")));
    expect(purges).toHaveLength(1);
    const csv = await (
      await call(`/api/v1/workshops/${w.id}/registrations.csv`, { headers: ADMIN })
    ).text();
    expect(csv.trim().split("\r\n")).toHaveLength(1);
    expect(
      (await db().query.workshops.findFirst({ where: eq(workshops.id, w.id) }))!.confirmedCount,
    ).toBe(1);
  });
});

describe("abuse protection", () => {
  it("throttles public posts per client when THROTTLE is on", async () => {
    const w = await createWorkshop({ capacity: 500 });
    const on = { ...env, THROTTLE: "on" };
    const statuses = [];
    // Limits count per fixed 60 s window: 45 posts exceed 20 in some window however they split.
    for (let i = 0; i < 45; i++) {
      const res = await app.request(
        `/api/v1/public/workshops/${w.slug}/registrations`,
        {
          method: "POST",
          headers: { "Content-Type": "application/json", "CF-Connecting-IP": "203.0.113.9" },
          body: JSON.stringify({ name: "T", email: uniqueEmail("t") }),
        },
        on,
        createExecutionContext(),
      );
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThan(0);
  });

  it("requires Turnstile when configured, and fails closed", async () => {
    const w = await createWorkshop();
    const withTurnstile = { ...env, TURNSTILE_SITE_KEY: "site", TURNSTILE_SECRET_KEY: "secret" };
    const post = (body: Record<string, unknown>) =>
      app.request(
        `/api/v1/public/workshops/${w.slug}/registrations`,
        {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
        },
        withTurnstile,
        createExecutionContext(),
      );
    // No token: refused. A token, but siteverify is unreachable here (the fake answers 404): refused.
    expect((await post({ name: "T", email: uniqueEmail("ts") })).status).toBe(403);
    expect(
      (await post({ name: "T", email: uniqueEmail("ts"), "cf-turnstile-response": "token" }))
        .status,
    ).toBe(403);
  });
});

describe("messages", () => {
  it("reach every participant of the chosen statuses, personalised", async () => {
    const w = await createWorkshop();
    const a = await addPerson(w.id, { name: "Alpha" });
    const b = await addPerson(w.id, { name: "Beta" });
    await json(`/api/v1/registrations/${b.id}`, "PATCH", { status: "cancelled" }, ADMIN);
    const res = await json(
      `/api/v1/workshops/${w.id}/messages`,
      "POST",
      {
        subject: "Room change",
        body: "We moved to Hall C.\n\nSee you there.",
        statuses: ["confirmed"],
      },
      ADMIN,
    );
    expect(await res.json()).toEqual({ recipients: 1 });
    const sent = await db().select().from(emails).where(eq(emails.kind, "workshop:message"));
    expect(sent.map((e) => e.to)).toEqual([a.email]);
    const received = (await latestEmail(a.email, "workshop:message"))!;
    expect(received.text).toContain("Hello Alpha");
    expect(received.text).toContain("We moved to Hall C.");
  });

  it("are rendered once per language and personalised by substitution, names escaped", async () => {
    const w = await createWorkshop();
    const people = [
      await addPerson(w.id, { name: "Alpha" }),
      await addPerson(w.id, { name: `<b>Beta</b> & "Co"` }),
      await addPerson(w.id, { name: "Gamma", language: "ar" }),
    ];
    await json(
      `/api/v1/workshops/${w.id}/messages`,
      "POST",
      { subject: "Agenda", body: "The agenda is attached.", statuses: ["confirmed"] },
      ADMIN,
    );
    const rows = await db().select().from(emails).where(eq(emails.kind, "workshop:message"));
    const mine = rows.filter((r) => people.some((p) => p.email === r.to));
    const mails = await Promise.all(mine.map(delivered));
    const to = (email: string) => mails.find((m) => m.to === email)!;
    expect(to(people[0]!.email).text).toContain("Hello Alpha");
    expect(to(people[1]!.email).html).toContain("&#60;b&#62;Beta&#60;/b&#62; &#38; &#34;Co&#34;");
    expect(to(people[1]!.email).html).not.toContain("<b>Beta");
    expect(to(people[2]!.email).html).toContain('dir="rtl"');
    expect(to(people[2]!.email).text).toContain("Gamma");
    // Apart from the greeting, the English emails are the same bytes.
    const strip = (html: string, name: string) => html.replace(name, "");
    expect(strip(to(people[0]!.email).html, "Hello Alpha")).toBe(
      strip(to(people[1]!.email).html, "Hello &#60;b&#62;Beta&#60;/b&#62; &#38; &#34;Co&#34;"),
    );
  });
});

describe("Turnstile on the public form", () => {
  it("renders the widget and allows only Cloudflare's challenge origin in that page's CSP", async () => {
    const w = await createWorkshop();
    const withTurnstile = {
      ...env,
      TURNSTILE_SITE_KEY: "site-key-1",
      TURNSTILE_SECRET_KEY: "secret",
    };
    const page = await app.request(
      `/workshops/${w.slug}`,
      {},
      withTurnstile,
      createExecutionContext(),
    );
    const html = await page.text();
    expect(html).toContain('data-sitekey="site-key-1"');
    expect(html).toContain("https://challenges.cloudflare.com/turnstile/v0/api.js");
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self' https://challenges.cloudflare.com");
    expect(csp).toContain("frame-ancestors 'none'");
    // Without keys: no widget, no third-party script, the strict policy.
    const plain = await call(`/workshops/${w.slug}`);
    expect(await plain.text()).not.toContain("challenges.cloudflare.com");
    expect(plain.headers.get("content-security-policy")).not.toContain("challenges.cloudflare.com");
  });
});
