// Where a workshop takes place reaches only the people it is meant for, on every channel:
// pages, the participant API, emails and calendar files. And no calendar file carries a link
// that can change anything, since calendars are shared and synced.
import { desc, eq } from "drizzle-orm";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { emails } from "../src/db/schema";
import { ADMIN, call, db, json, tokenFromEmail, uniqueEmail } from "./support/helpers";
import { addPerson, createWorkshop } from "./support/workshops";

/** Every email to `to`, newest first. */
function emailsTo(to: string) {
  return db().select().from(emails).where(eq(emails.to, to)).orderBy(desc(emails.createdAt));
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
      for (const email of await emailsTo(person.email)) files.push(...calendarsOf(email));
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
      const sent = await emailsTo(to);
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
    const [update] = (await emailsTo(confirmed.email)).filter(
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
