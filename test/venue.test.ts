// Where a workshop takes place reaches only the people it is meant for, on every channel:
// pages, the participant API, emails and calendar files. And no calendar file carries a link
// that can change anything, since calendars are shared and synced.
import { desc, eq } from "drizzle-orm";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { emails } from "../src/db/schema";
import { ADMIN, call, db, json, tokenFromEmail } from "./support/helpers";
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
