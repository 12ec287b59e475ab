// Public pages and feeds: the calendar and JSON feed of upcoming workshops (src/workshops/feeds.ts), what a workshop page tells a registrant.
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { ADMIN, call, json } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

const feed = async () => {
  const res = await call("/workshops/feed.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("access-control-allow-origin")).toBe("*");
  return ((await res.json()) as { workshops: Record<string, unknown>[] }).workshops;
};

describe("the feeds of upcoming workshops", () => {
  it("list published workshops open to registration, never invitation-only ones or drafts", async () => {
    const open = await createWorkshop({ title: `Open forum ${Math.random()}` });
    const invited = await createWorkshop({
      title: `Closed room ${Math.random()}`,
      registrationMode: "invitation",
    });
    const draft = await createWorkshop({ title: `Draft ${Math.random()}` }, false);
    const urls = (await feed()).map((w) => w.url as string);
    expect(urls.some((u) => u.endsWith(`/workshops/${open.slug}`))).toBe(true);
    expect(urls.some((u) => u.endsWith(`/workshops/${invited.slug}`))).toBe(false);
    expect(urls.some((u) => u.endsWith(`/workshops/${draft.slug}`))).toBe(false);

    const ics = await call("/workshops/calendar.ics");
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    const calendar = new ICAL.Component(ICAL.parse(await ics.text()));
    const events = calendar.getAllSubcomponents("vevent").map((e) => new ICAL.Event(e));
    expect(
      events.some((e) =>
        String(e.component.getFirstPropertyValue("url")).endsWith(`/workshops/${open.slug}`),
      ),
    ).toBe(true);
    expect(events.some((e) => e.summary.startsWith("Closed room"))).toBe(false);
  });

  it("show a private venue to nobody and never a seat count", async () => {
    const w = await createWorkshop({
      title: `Private venue ${Math.random()}`,
      venue: { name: "Safe House", address: "1 Hidden Road", city: "Amman" },
      locationPrivate: true,
    });
    const entry = (await feed()).find((x) => (x.url as string).endsWith(w.slug))!;
    expect(entry.place).toBeNull();
    expect(JSON.stringify(entry)).not.toContain("Hidden Road");
    expect(entry.seats).toBe("places_left");
    expect(Object.keys(entry)).not.toContain("capacity");
    const ics = await (await call("/workshops/calendar.ics")).text();
    expect(ics).not.toContain("Hidden Road");
  });

  it("show a newly published workshop at once, though they are cached", async () => {
    await feed(); // now cached
    const w = await createWorkshop({ title: `Just published ${Math.random()}` }, false);
    await json(`/api/v1/workshops/${w.id}/publish`, "POST", {}, ADMIN);
    expect((await feed()).some((x) => (x.url as string).endsWith(w.slug))).toBe(true);
  });
});

describe("an approval-mode workshop's page", () => {
  it("says that registrations are reviewed, in English and Arabic", async () => {
    const w = await createWorkshop({ registrationMode: "approval" });
    expect(await (await call(`/workshops/${w.slug}`)).text()).toContain(
      "The organisers review every registration",
    );
    expect(await (await call(`/workshops/${w.slug}?lang=ar`)).text()).toContain(
      "يراجع المنظمون كل تسجيل",
    );
    const open = await createWorkshop();
    expect(await (await call(`/workshops/${open.slug}`)).text()).not.toContain(
      "The organisers review every registration",
    );
  });
});
