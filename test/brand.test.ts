// The organisation the platform speaks for: its name, logo and postal address in every page
// header and email, its name as the sender's; one reason per email; one greeting.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { opensWithGreeting } from "../src/attendees/messages";
import { brandFrom, senderOf } from "../src/brand/brand";
import type { Env } from "../src/env";
import { app } from "./support/app";
import { ADMIN, json, latestEmail, uniqueEmail } from "./support/helpers";
import { addPerson, createWorkshop } from "./support/workshops";

const APP = "http://localhost:8787";
const centre = {
  ...env,
  ORG_NAME: "Centre for Water Policy",
  ORG_NAME_AR: "مركز سياسات المياه",
  ORG_LOGO_URL: "/assets/icon.png",
  ORG_ADDRESS: "12 Hamra Street\nBeirut, Lebanon",
} as Env;

describe("the organisation's settings", () => {
  it("default to the site's name, in each language, with no logo or address", () => {
    expect(brandFrom({}, APP)).toEqual({
      name: { en: "Workshops", ar: "ورشات العمل" },
      logoUrl: null,
      address: null,
    });
  });

  it("fall back from one language's name to the other, and keep the address's lines", () => {
    const brand = brandFrom({ ORG_NAME: " Centre ", ORG_ADDRESS: "Line 1\r\nLine 2\u0007" }, APP);
    expect(brand.name).toEqual({ en: "Centre", ar: "Centre" });
    expect(brand.address).toBe("Line 1\nLine 2");
    expect(brandFrom({ ORG_NAME_AR: "مركز" }, APP).name).toEqual({ en: "مركز", ar: "مركز" });
  });

  it("take a logo on this site only: one elsewhere would learn who opens each email", () => {
    expect(brandFrom({ ORG_LOGO_URL: "/assets/logo.png" }, APP).logoUrl).toBe(
      `${APP}/assets/logo.png`,
    );
    expect(brandFrom({ ORG_LOGO_URL: `${APP}/assets/logo.png` }, APP).logoUrl).toBe(
      `${APP}/assets/logo.png`,
    );
    expect(brandFrom({ ORG_LOGO_URL: "https://cdn.example.org/logo.png" }, APP).logoUrl).toBeNull();
    expect(brandFrom({ ORG_LOGO_URL: "javascript:alert(1)" }, APP).logoUrl).toBeNull();
  });

  it("name the sender, quoted, with MAIL_FROM's address", () => {
    expect(senderOf("Workshops <events@example.org>", 'Centre for "Policy", Beirut')).toBe(
      '"Centre for Policy, Beirut" <events@example.org>',
    );
    expect(senderOf("events@example.org", "مركز")).toBe('"مركز" <events@example.org>');
    expect(senderOf("Workshops <events@example.org>", undefined)).toBe(
      "Workshops <events@example.org>",
    );
  });
});

describe("pages", () => {
  it("show the organisation's name and logo in the header and its address at the foot", async () => {
    // A cookie keeps the answer out of the page cache, rendered under these settings.
    const get = (lang: string) =>
      app.request(
        `/?lang=${lang}`,
        { headers: { Cookie: "t=1" } },
        centre,
        createExecutionContext(),
      );
    const en = await (await get("en")).text();
    expect(en).toContain("Centre for Water Policy");
    expect(en).toContain(`<img src="${APP}/assets/icon.png"`);
    expect(en).toMatch(
      /<address>Centre for Water Policy<br\/?><bdi>12 Hamra Street<\/bdi><br\/?><bdi>Beirut, Lebanon<\/bdi><\/address>/,
    );
    const ar = await (await get("ar")).text();
    expect(ar).toContain("مركز سياسات المياه");
  });
});

describe("emails", () => {
  it("carry the organisation, and one reason: the registration", async () => {
    const w = await createWorkshop();
    const email = uniqueEmail("branded");
    const res = await app.request(
      `/api/v1/public/workshops/${w.slug}/registrations`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: "Rana", email, language: "ar" }),
      },
      centre,
      createExecutionContext(),
    );
    expect(res.status).toBe(202);
    const mail = (await latestEmail(email, "workshop:verify"))!;
    expect(mail.html).toContain(`src="${APP}/assets/icon.png"`);
    expect(mail.html).toContain('alt="مركز سياسات المياه"');
    expect(mail.text).toContain("12 Hamra Street");
    expect(mail.text).toContain(`تصلك هذه الرسالة لأنك سجّلت في «${w.title}».`);
    // One footer: the general line is replaced by the reason.
    expect(mail.text).not.toContain("بسبب إجراء على موقع");
  });

  it("an invitation names the invitation as the reason", async () => {
    const w = await createWorkshop();
    const email = uniqueEmail("invited");
    await json(
      `/api/v1/workshops/${w.id}/invitations`,
      "POST",
      { invitees: [{ email, name: "Invited One" }], send: true },
      ADMIN,
    );
    const mail = (await latestEmail(email, "workshop:invitation"))!;
    expect(mail.text).toContain(`because the organisers of “${w.title}” invited you`);
  });

  it("an organiser's message with its own greeting gets no second one", async () => {
    const w = await createWorkshop();
    const person = await addPerson(w.id, { name: "Alpha" });
    await json(
      `/api/v1/workshops/${w.id}/messages`,
      "POST",
      {
        subject: "Agenda",
        body: "Dear colleagues,\n\nThe agenda is attached.",
        statuses: ["confirmed"],
      },
      ADMIN,
    );
    const mail = (await latestEmail(person.email, "workshop:message"))!;
    expect(mail.text).toContain("Dear colleagues,");
    expect(mail.text).not.toContain("Hello Alpha");
    expect(mail.text).toContain(`because you registered for “${w.title}”`);
  });

  it("recognises greetings in English and Arabic", () => {
    for (const opening of [
      "Dear all,",
      "Hello everyone",
      "Good morning,",
      "مرحباً بالجميع،",
      "السلام عليكم،",
      "أعزائي المشاركين،",
      "تحية طيبة،",
    ])
      expect(opensWithGreeting(opening), opening).toBe(true);
    for (const opening of ["We moved to Hall C.", "نقلنا الجلسة إلى القاعة ج."])
      expect(opensWithGreeting(opening), opening).toBe(false);
  });
});
