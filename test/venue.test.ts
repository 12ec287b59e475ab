// Where a workshop takes place reaches only the people it is meant for, on every channel:
// pages, the participant API, emails and calendar files. And no calendar file carries a link
// that can change anything, since calendars are shared and synced.
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, desc, eq } from "drizzle-orm";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { emails, workshops } from "../src/db/schema";
import worker from "../src/index";
import { FREQUENT } from "../src/jobs/scheduled";
import {
  ADMIN,
  call,
  db,
  delivered,
  emailsTo,
  form,
  json,
  latestEmail,
  ownerCookie,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { addPerson, createWorkshop } from "./support/workshops";

/** Every email to `to`, newest first, as delivered. */
async function deliveredTo(to: string) {
  const rows = await db().select().from(emails).where(emailsTo(to)).orderBy(desc(emails.createdAt));
  return Promise.all(rows.map(delivered));
}

/** The calendar files attached to an email, decoded and unfolded (RFC 5545 §3.1). */
function calendarsOf(email: { attachments: { contentType: string; content: string }[] }) {
  return email.attachments
    .filter((a) => a.contentType === "text/calendar")
    .map((a) =>
      unfold(new TextDecoder().decode(Uint8Array.from(atob(a.content), (ch) => ch.charCodeAt(0)))),
    );
}

const unfold = (ics: string) => ics.replace(/\r?\n[ \t]/g, "");

function eventOf(ics: string) {
  return new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vevent")!);
}

/** A path that acts on someone's behalf: manage, RSVP, subscriber, unsubscribe, check-in. */
const ACTING_LINK = /\/(r|i|s|u|admin)\/[A-Za-z0-9_-]{10,}/;

describe("calendar files", () => {
  it("carry the public workshop page, never a link that can change anything", async () => {
    const w = await createWorkshop({ capacity: 1 });
    const seated = await addPerson(w.id);
    const waiting = await addPerson(w.id);
    expect(waiting.status).toBe("waitlisted");
    // Rescheduling sends an updated calendar; cancelling passes the seat on with one more.
    const start = new Date(Date.now() + 20 * 86_400_000);
    expect(
      (
        await json(
          `/api/v1/workshops/${w.id}`,
          "PATCH",
          {
            startsAt: start.toISOString(),
            endsAt: new Date(start.getTime() + 3600_000).toISOString(),
          },
          ADMIN,
        )
      ).status,
    ).toBe(200);
    const manage = await tokenFromEmail(seated.email, "workshop:confirmed");
    expect((await json(`/api/v1/public/registrations/${manage}/cancel`, "POST", {})).status).toBe(
      200,
    );

    const files: string[] = [];
    for (const person of [seated, waiting]) {
      for (const email of await deliveredTo(person.email)) files.push(...calendarsOf(email));
    }
    const download = await call(
      `/r/${await tokenFromEmail(waiting.email, "workshop:promoted")}/calendar.ics`,
    );
    files.push(unfold(await download.text()));
    // confirmed, workshop_updated ×2, cancelled, promoted, and the download
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const ics of files) {
      expect(ics).not.toMatch(ACTING_LINK);
      expect(ics).not.toContain(manage);
    }
    for (const ics of files) {
      expect(eventOf(ics).component.getFirstPropertyValue("url")).toBe(
        `http://localhost:8787/workshops/${w.slug}?lang=en`,
      );
    }
  });
});

describe("a private venue", () => {
  const SECRETS = ["Hidden Hall", "7 Quiet Lane", "meet.example.org/secret-room"];
  const PRIVATE = {
    locationPrivate: true,
    venue: { name: "Hidden Hall", address: "7 Quiet Lane", city: "Istanbul" },
    onlineUrl: "https://meet.example.org/secret-room",
  };
  const shows = (text: string) => SECRETS.some((s) => text.includes(s));

  it("reaches only confirmed and attended people, also when the time or place changes", async () => {
    const w = await createWorkshop({ ...PRIVATE, capacity: 2, registrationMode: "approval" });
    const confirmed = await addPerson(w.id);
    const attended = await addPerson(w.id);
    await json(`/api/v1/registrations/${attended.id}/check-in`, "POST", {}, ADMIN);
    const waitlisted = await addPerson(w.id);
    expect(waitlisted.status).toBe("waitlisted");
    const pending = uniqueEmail("pending");
    await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: "P",
      email: pending,
    });
    const verify = await tokenFromEmail(pending, "workshop:verify");
    expect(
      await (await json(`/api/v1/public/registrations/${verify}/verify`, "POST", {})).json(),
    ).toEqual({ status: "pending_approval" });

    // The place changes, then the time: everyone active hears of it.
    const moved = { name: "Hidden Hall", address: "9 Quiet Lane", city: "Istanbul" };
    expect((await json(`/api/v1/workshops/${w.id}`, "PATCH", { venue: moved }, ADMIN)).status).toBe(
      200,
    );
    const later = new Date(Date.now() + 30 * 86_400_000);
    const patch = {
      startsAt: later.toISOString(),
      endsAt: new Date(later.getTime() + 3600_000).toISOString(),
    };
    expect((await json(`/api/v1/workshops/${w.id}`, "PATCH", patch, ADMIN)).status).toBe(200);
    SECRETS.push("9 Quiet Lane");

    // Not seated: no email of any kind, no calendar file, page, or API answer shows the place.
    for (const to of [waitlisted.email, pending]) {
      const sent = await deliveredTo(to);
      expect(sent.filter((e) => e.kind === "workshop:workshop_updated")).toHaveLength(2);
      for (const email of sent) {
        expect(shows(email.text) || shows(email.html), `${email.kind} to ${to}`).toBe(false);
        for (const ics of calendarsOf(email)) {
          expect(shows(ics)).toBe(false);
          expect(ics).not.toContain("LOCATION");
        }
      }
      const token = await tokenFromEmail(to, "workshop:workshop_updated");
      expect(shows(await (await call(`/r/${token}`)).text())).toBe(false);
      expect(shows(await (await call(`/r/${token}/calendar.ics`)).text())).toBe(false);
      const api = (await (await call(`/api/v1/public/registrations/${token}`)).json()) as {
        workshop: Record<string, unknown>;
      };
      expect(api.workshop).toMatchObject({ venue: null, location: null, onlineUrl: null });
    }

    // Seated: the update shows the new place, in the email and its calendar file.
    const [update] = (await deliveredTo(confirmed.email)).filter(
      (e) => e.kind === "workshop:workshop_updated",
    );
    expect(update!.text).toContain("9 Quiet Lane");
    expect(update!.text).toContain("meet.example.org/secret-room");
    expect(eventOf(calendarsOf(update!)[0]!).location).toContain(
      "Hidden Hall, 9 Quiet Lane, Istanbul",
    );
    // Their pages and calendar show it too, as they do to someone checked in.
    for (const to of [confirmed.email, attended.email]) {
      const token = await tokenFromEmail(to, "workshop:confirmed");
      expect(await (await call(`/r/${token}`)).text()).toContain("9 Quiet Lane");
      expect(await (await call(`/r/${token}/calendar.ics`)).text()).toContain("9 Quiet Lane");
      const api = (await (await call(`/api/v1/public/registrations/${token}`)).json()) as {
        workshop: Record<string, unknown>;
      };
      expect(api.workshop.onlineUrl).toBe(PRIVATE.onlineUrl);
    }

    // And the public side shows the city alone.
    for (const page of [`/workshops/${w.slug}`, "/"]) {
      const html = await (await call(page)).text();
      expect(shows(html)).toBe(false);
    }
  });
});

describe("a venue revealed before the start", () => {
  const SECRETS = ["Hidden Hall", "7 Quiet Lane", "meet.example.org/secret-room"];
  const shows = (text: string) => SECRETS.some((s) => text.includes(s));
  const HOUR = 3600_000;

  const cronAt = (at: number) =>
    worker.scheduled(
      createScheduledController({ cron: FREQUENT, scheduledTime: at }),
      env,
      createExecutionContext(),
    );

  async function gated(
    hoursAhead: number,
    revealHours: number,
    extra: Record<string, unknown> = {},
  ) {
    const start = new Date(Date.now() + hoursAhead * HOUR);
    return createWorkshop({
      locationPrivate: true,
      venue: { name: "Hidden Hall", address: "7 Quiet Lane", city: "Istanbul" },
      onlineUrl: "https://meet.example.org/secret-room",
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3 * HOUR).toISOString(),
      venueRevealHours: revealHours,
      ...extra,
    });
  }

  it("is only announced to confirmed people until then, then sent to each of them once", async () => {
    // Starts in 10 hours, the place is revealed 6 hours before: 4 hours from now.
    const w = await gated(10, 6, { capacity: 2, reminderHours: 12 });
    const revealAt = Date.now() + 4 * HOUR;
    const en = await addPerson(w.id);
    const ar = await addPerson(w.id, { language: "ar" });
    const waiting = await addPerson(w.id);
    expect(waiting.status).toBe("waitlisted");

    // Before: the confirmation, the page, the API, the calendar and the reminder say when.
    const confirmation = await latestEmail(en.email, "workshop:confirmed");
    expect(shows(confirmation!.text)).toBe(false);
    expect(confirmation!.text).toContain("The venue will be sent to you on");
    const [before] = calendarsOf(confirmation!);
    expect(before).not.toContain("LOCATION");
    expect(before).toContain("The venue will be sent to you on");
    expect((await latestEmail(ar.email, "workshop:confirmed"))!.text).toContain(
      "سيُرسل إليك مكان الورشة في",
    );
    const token = await tokenFromEmail(en.email, "workshop:confirmed");
    const page = await (await call(`/r/${token}`)).text();
    expect(shows(page)).toBe(false);
    expect(page).toContain("The venue will be sent to you on");
    const api = (await (await call(`/api/v1/public/registrations/${token}`)).json()) as {
      workshop: Record<string, unknown>;
    };
    expect(api.workshop).toMatchObject({ venue: null, location: null, onlineUrl: null });
    expect(Date.parse(api.workshop.venueRevealAt as string)).toBeCloseTo(revealAt, -5);
    expect(await (await call(`/r/${token}/calendar.ics`)).text()).not.toContain("LOCATION");
    const publicPage = await (await call(`/workshops/${w.slug}`)).text();
    expect(publicPage).toContain("The exact place will be sent to confirmed participants on");

    await cronAt(Date.now());
    const reminder = await latestEmail(en.email, "workshop:reminder");
    expect(reminder!.text).toContain("The venue will be sent to you on");
    expect(shows(reminder!.text)).toBe(false);
    const reveals = () => db().select().from(emails).where(eq(emails.kind, "workshop:venue"));
    expect(await reveals()).toHaveLength(0);

    // At the reveal, two crons at once and one more later: one email each, with the place.
    await Promise.all([cronAt(revealAt + 60_000), cronAt(revealAt + 60_000)]);
    await cronAt(revealAt + 6 * 60_000);
    const sent = await reveals();
    const out = await Promise.all(sent.map(delivered));
    expect(out.map((e) => e.to).sort()).toEqual([en.email, ar.email].sort());
    const mine = out.find((e) => e.to === en.email)!;
    expect(mine.text).toContain("Hidden Hall, 7 Quiet Lane, Istanbul");
    expect(mine.text).toContain("https://meet.example.org/secret-room");
    expect(sent.find((e) => e.to === ar.email)!.subject).toContain("مكان انعقاد");
    const [after] = calendarsOf(mine);
    expect(eventOf(after!).location).toContain("Hidden Hall");
    expect(eventOf(after!).sequence).toBeGreaterThan(eventOf(before!).sequence);
    for (const email of await deliveredTo(waiting.email)) expect(shows(email.text)).toBe(false);

    // Once the reveal time has passed, their page and calendar file show the place too, and
    // nothing more is sent.
    expect(
      (await json(`/api/v1/workshops/${w.id}`, "PATCH", { venueRevealHours: 12 }, ADMIN)).status,
    ).toBe(200);
    expect(await (await call(`/r/${token}`)).text()).toContain("7 Quiet Lane");
    const ics = unfold(await (await call(`/r/${token}/calendar.ics`)).text());
    expect(eventOf(ics).location).toContain("Hidden Hall");
    await cronAt(Date.now());
    expect(await reveals()).toHaveLength(2);
  });

  it("is owed again when the workshop moves so that the reveal lies ahead", async () => {
    const w = await gated(3, 6); // revealed three hours ago
    const person = await addPerson(w.id);
    expect((await latestEmail(person.email, "workshop:confirmed"))!.text).toContain("7 Quiet Lane");
    await cronAt(Date.now());
    const reveals = () =>
      db()
        .select()
        .from(emails)
        .where(and(eq(emails.kind, "workshop:venue"), emailsTo(person.email)));
    // The confirmation carried the place: no separate reveal.
    expect(await reveals()).toHaveLength(0);

    const start = Date.now() + 48 * HOUR;
    const moved = {
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + HOUR).toISOString(),
    };
    expect((await json(`/api/v1/workshops/${w.id}`, "PATCH", moved, ADMIN)).status).toBe(200);
    const update = await latestEmail(person.email, "workshop:workshop_updated");
    expect(shows(update!.text)).toBe(false);
    expect(update!.text).toContain("The venue will be sent to you on");
    await cronAt(start - 6 * HOUR + 60_000);
    expect(await reveals()).toHaveLength(1);
  });

  it("needs a private venue, and is documented in the API", async () => {
    const start = new Date(Date.now() + 48 * HOUR);
    const res = await json(
      "/api/v1/workshops",
      "POST",
      {
        title: "Open venue",
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + HOUR).toISOString(),
        timezone: "UTC",
        capacity: 10,
        registrationMode: "open",
        venueRevealHours: 24,
      },
      ADMIN,
    );
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toContain("venueRevealHours");
    const w = await createWorkshop();
    const patch = await json(`/api/v1/workshops/${w.id}`, "PATCH", { venueRevealHours: 24 }, ADMIN);
    expect(patch.status).toBe(422);
    const ok = await json(
      `/api/v1/workshops/${w.id}`,
      "PATCH",
      { venueRevealHours: 24, locationPrivate: true },
      ADMIN,
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ venueRevealHours: 24 });
    // The admin form has the setting, with the same rule explained next to it.
    const cookie = await ownerCookie();
    const fields = {
      title: "Gated by form",
      timezone: "Europe/Istanbul",
      startsAt: "2031-05-03T10:00",
      endsAt: "2031-05-03T16:00",
      registrationMode: "open",
      language: "en",
      capacity: "20",
      venueName: "Hidden Hall",
      venueRevealHours: "24",
    };
    const refused = await form("/admin/workshops", fields, cookie);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("must be private");
    const created = await form("/admin/workshops", { ...fields, locationPrivate: "true" }, cookie);
    expect(created.status).toBe(303);
    const row = await db().query.workshops.findFirst({
      where: eq(workshops.title, "Gated by form"),
    });
    expect(row).toMatchObject({ venueRevealHours: 24, locationPrivate: true });
    const edit = await call(`/admin/workshops/${row!.id}/edit`, { headers: { Cookie: cookie } });
    expect(await edit.text()).toMatch(
      /name="venueRevealHours"[^>]*value="24"|value="24"[^>]*name="venueRevealHours"/,
    );

    const openapi = JSON.stringify(await (await call("/api/v1/openapi.json")).json());
    expect(openapi).toContain("venueRevealHours");
    expect(openapi).toContain("hours before the start confirmed participants learn the venue");
  });
});
