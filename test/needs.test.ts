// Accessibility needs and dietary requirements: sealed at rest, for the workshop's
// organisers only, out of the CSV unless asked for (and then audited apart), gone on erasure.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, registrations } from "../src/db/schema";
import { parseCsv } from "../src/lib/csv";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  form,
  json,
  organiserWithRole,
  ownerCookie,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { tablesHolding } from "./support/tables";
import { registrationOf } from "./support/vault";
import { createWorkshop } from "./support/workshops";

async function registeredWithNeeds() {
  const unique = Math.random().toString(36).slice(2, 8);
  const needs = {
    accessibility: `Step-free access, a hearing loop ${unique}`,
    dietary: `نباتي، دون مكسرات ${unique}`,
  };
  const w = await createWorkshop({ capacity: 10 });
  const email = uniqueEmail("needs");
  const res = await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
    name: `Rana Khoury ${unique}`,
    email,
    ...needs,
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  const token = await tokenFromEmail(email, "workshop:verify");
  await call(`/api/v1/public/registrations/${token}/verify`, { method: "POST" });
  return { w, email, needs };
}

describe("needs", () => {
  it("are sealed in the database and read back through the vault", async () => {
    const { w, email, needs } = await registeredWithNeeds();
    expect(await tablesHolding([needs.accessibility, needs.dietary])).toEqual([]);
    const stored = (await registrationOf(w.id, email))!;
    expect(stored).toMatchObject(needs);
    const [raw] = await db()
      .select({ accessibility: registrations.accessibility, dietary: registrations.dietary })
      .from(registrations)
      .where(eq(registrations.id, stored.id));
    expect(raw!.accessibility).not.toContain("Step-free");
    expect(raw!.dietary).not.toContain("نباتي");
  });

  it("come from the public form, in either language, and a too-long one is explained", async () => {
    const w = await createWorkshop({ capacity: 10, requireVerification: false });
    const page = await (await call(`/workshops/${w.slug}?lang=ar`)).text();
    expect(page).toContain('name="accessibility"');
    expect(page).toContain("متطلبات غذائية");
    const email = uniqueEmail("form");
    const tooLong = await form(`/workshops/${w.slug}/register?lang=en`, {
      name: "Form Person",
      email,
      dietary: "x".repeat(501),
    });
    expect(tooLong.status).toBe(422);
    expect(await tooLong.text()).toContain("500");
    const done = await form(`/workshops/${w.slug}/register?lang=en`, {
      name: "Form Person",
      email,
      dietary: "Vegetarian",
    });
    expect(done.status).toBeLessThan(300);
    expect(await registrationOf(w.id, email)).toMatchObject({
      dietary: "Vegetarian",
      accessibility: null,
    });
  });

  it("show to the workshop's organisers only, never on public or door pages", async () => {
    const { w, needs } = await registeredWithNeeds();
    const admin = await (
      await call(`/admin/workshops/${w.id}`, { headers: { cookie: await ownerCookie() } })
    ).text();
    expect(admin).toContain(needs.accessibility);
    expect(admin).toContain(needs.dietary);
    const other = await organiserWithRole("organiser");
    const elsewhere = await call(`/admin/workshops/${w.id}`, {
      headers: { cookie: await cookieFor(other.id) },
    });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.text()).not.toContain(needs.dietary);
    for (const path of [
      `/workshops/${w.slug}`,
      `/admin/workshops/${w.id}/print/list`,
      `/admin/workshops/${w.id}/print/badges`,
    ]) {
      const body = await (await call(path, { headers: { cookie: await ownerCookie() } })).text();
      expect([path, body.includes(needs.dietary)]).toEqual([path, false]);
    }
  });

  it("are left out of the CSV unless asked for, and asking is audited apart", async () => {
    const { w, needs } = await registeredWithNeeds();
    const plain = await call(`/api/v1/workshops/${w.id}/registrations.csv`, { headers: ADMIN });
    const plainText = await plain.text();
    expect(parseCsv(plainText).header).not.toContain("dietary");
    expect(plainText).not.toContain(needs.dietary);
    const asked = await call(`/api/v1/workshops/${w.id}/registrations.csv?needs=true`, {
      headers: ADMIN,
    });
    const { header, rows } = parseCsv(await asked.text());
    expect(header.slice(-2)).toEqual(["accessibility", "dietary"]);
    expect(rows[0]).toMatchObject(needs);
    const actions = (await db().select().from(auditLog).where(eq(auditLog.targetId, w.id))).map(
      (a) => a.action,
    );
    expect(actions.filter((a) => a === "attendees.export")).toHaveLength(1);
    expect(actions.filter((a) => a === "attendees.export_needs")).toHaveLength(1);
  });

  it("are gone after the person is erased", async () => {
    const { w, email } = await registeredWithNeeds();
    const id = (await registrationOf(w.id, email))!.id;
    const erased = await json(
      `/api/v1/people?email=${encodeURIComponent(email)}`,
      "DELETE",
      {},
      ADMIN,
    );
    expect(erased.status).toBe(200);
    const [row] = await db().select().from(registrations).where(eq(registrations.id, id));
    expect(row).toMatchObject({ accessibility: null, dietary: null });
  });
});
