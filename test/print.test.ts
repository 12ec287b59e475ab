// The printable door list and badges: confirmed people only, in both scripts, for the
// workshop's organisers only, and never stored by a cache.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog } from "../src/db/schema";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  json,
  organiserWithRole,
  ownerCookie,
} from "./support/helpers";
import { addPerson, createWorkshop } from "./support/workshops";

/** A workshop with confirmed people in both scripts, one checked in, one waitlisted, one erased. */
async function workshopWithPeople() {
  const w = await createWorkshop({ capacity: 4 });
  await addPerson(w.id, { name: "Zainab Rahman", affiliation: "Policy Lab" });
  await addPerson(w.id, { name: "ليلى حداد", affiliation: "مركز الدراسات" });
  const checkedIn = await addPerson(w.id, { name: "Adam Clarke" });
  expect(
    (
      await call(`/api/v1/registrations/${checkedIn.id}/check-in`, {
        method: "POST",
        headers: ADMIN,
      })
    ).status,
  ).toBe(200);
  const erased = await addPerson(w.id, { name: "Gone Person" });
  const res = await json(
    `/api/v1/people?email=${encodeURIComponent(erased.email)}`,
    "DELETE",
    {},
    ADMIN,
  );
  expect(res.status, await res.clone().text()).toBe(200);
  // Capacity 4 and one seat left free by the erasure: fill it, then one more waits.
  await addPerson(w.id, { name: "Seated Fourth" });
  const waiting = await addPerson(w.id, { name: "Waiting Person" });
  expect(waiting.status).toBe("waitlisted");
  return w;
}

const page = async (path: string, cookie: string) => {
  const res = await call(path, { headers: { cookie } });
  return { res, body: await res.text() };
};

describe("printable door list and badges", () => {
  it("lists confirmed and checked-in people by name, Arabic names isolated, nothing cached", async () => {
    const w = await workshopWithPeople();
    const cookie = await ownerCookie();
    const { res, body } = await page(`/admin/workshops/${w.id}/print/list`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(body).toContain('<bdi dir="auto">ليلى حداد</bdi>');
    expect(body).toContain('<bdi dir="auto">مركز الدراسات</bdi>');
    expect(body).not.toContain("Waiting Person");
    expect(body).not.toContain("Gone Person");
    // Latin names alphabetically, then Arabic ones.
    const order = ["Adam Clarke", "Seated Fourth", "Zainab Rahman", "ليلى حداد"].map((n) =>
      body.indexOf(n),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Adam is checked in: his box is ticked already.
    expect(body.match(/class="box ticked"/g)).toHaveLength(1);
    expect(body).toContain('href="/assets/print.css"');
    expect(body).toContain('src="/assets/print.js"');
    // Nothing from elsewhere: every src and href is this site's.
    for (const [, url = ""] of body.matchAll(/(?:src|href)="([^"]+)"/g))
      expect(url.startsWith("/") || url.startsWith("#")).toBe(true);
    // Audited as a view of the attendees: how many, never who.
    const views = await db().select().from(auditLog).where(eq(auditLog.targetId, w.id));
    const printed = views.find((a) => a.action === "attendees.view");
    expect(printed?.detail).toMatchObject({ rows: 4, view: "print-list" });
    expect(JSON.stringify(printed)).not.toContain("Zainab");
  });

  it("prints badges with name, affiliation and title, eight to a sheet", async () => {
    const w = await createWorkshop({ capacity: 20 });
    await addPerson(w.id, { name: "ليلى حداد", affiliation: "مركز الدراسات" });
    for (let i = 1; i <= 8; i++) await addPerson(w.id, { name: `Person ${i}` });
    const { res, body } = await page(`/admin/workshops/${w.id}/print/badges`, await ownerCookie());
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(body.match(/class="sheet"/g)).toHaveLength(2);
    expect(body.match(/class="badge-card"/g)).toHaveLength(9);
    expect(body).toContain('<p class="badge-name"><bdi dir="auto">ليلى حداد</bdi></p>');
    expect(body.split(`<bdi dir="auto">${w.title}</bdi>`).length - 1).toBeGreaterThanOrEqual(9);
    // "Person 2" before "Person 10" would need ten; numeric order still: 1 … 8.
    expect(body.indexOf("Person 1<")).toBeLessThan(body.indexOf("Person 8<"));
  });

  it("is for the workshop's organisers only: others get 404, door staff 403", async () => {
    const w = await createWorkshop();
    await addPerson(w.id, { name: "Hidden Person" });
    const mine = await organiserWithRole("organiser");
    const other = await organiserWithRole("organiser");
    const door = await organiserWithRole("door");
    for (const [account, role] of [
      [mine, "organiser"],
      [door, "door"],
    ] as const)
      expect(
        (
          await json(
            `/api/v1/workshops/${w.id}/members`,
            "POST",
            { email: account.email, role },
            ADMIN,
          )
        ).status,
      ).toBe(200);
    for (const view of ["list", "badges"]) {
      const path = `/admin/workshops/${w.id}/print/${view}`;
      const own = await page(path, await cookieFor(mine.id));
      expect(own.res.status).toBe(200);
      expect(own.body).toContain("Hidden Person");
      const stranger = await page(path, await cookieFor(other.id));
      expect(stranger.res.status).toBe(404);
      expect(stranger.body).not.toContain("Hidden Person");
      const staff = await page(path, await cookieFor(door.id));
      expect(staff.res.status).toBe(403);
      expect(staff.body).not.toContain("Hidden Person");
      const anonymous = await call(path, { redirect: "manual" });
      expect(anonymous.status).toBe(303);
    }
  });
});
