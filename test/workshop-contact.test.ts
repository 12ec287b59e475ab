// Each workshop's organiser contact: set on the form or through the API, shown to registered
// participants (their page, their emails, in English and Arabic), never on the public page.
import { beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  call,
  form,
  json,
  latestEmail,
  ownerCookie,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { createWorkshop } from "./support/workshops";

const CONTACT = { name: "Amal Haddad", email: "amal.haddad@institute.example" };

let cookie: string;
beforeAll(async () => {
  cookie = await ownerCookie();
});

/** Registers someone (no verification): confirmed, with their page's token. */
async function register(slug: string, language: "en" | "ar" = "en") {
  const email = uniqueEmail("contact");
  const res = await json(`/api/v1/public/workshops/${slug}/registrations`, "POST", {
    name: language === "ar" ? "ليلى" : "Layla",
    email,
    language,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return { email, token: await tokenFromEmail(email, "workshop:confirmed") };
}

describe("the organiser contact through the API", () => {
  it("is an optional field: set, read, cleared; a bad address is a 422 problem", async () => {
    const w = await createWorkshop({ contact: CONTACT });
    const read = async () =>
      (
        (await (await call(`/api/v1/workshops/${w.id}`, { headers: ADMIN })).json()) as {
          contact: unknown;
        }
      ).contact;
    expect(await read()).toEqual(CONTACT);
    expect(
      (await json(`/api/v1/workshops/${w.id}`, "PATCH", { contact: null }, ADMIN)).status,
    ).toBe(200);
    expect(await read()).toBeNull();
    const bad = await json(
      `/api/v1/workshops/${w.id}`,
      "PATCH",
      { contact: { name: "X", email: "not-an-address" } },
      ADMIN,
    );
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    // Without it, a workshop is what it was: no contact.
    expect(
      (await (
        await call(`/api/v1/workshops/${(await createWorkshop()).id}`, { headers: ADMIN })
      ).json()) as object,
    ).toMatchObject({ contact: null });
  });
});

describe("the organiser contact on the admin form", () => {
  const NEW = {
    title: "Contact test",
    startsAt: "2027-05-03T10:00",
    endsAt: "2027-05-03T16:00",
    timezone: "Europe/Istanbul",
    capacity: "20",
    registrationMode: "open",
    language: "en",
    retentionDays: "365",
  };

  it("saves name and address, and asks for the address when only a name is given", async () => {
    const saved = await form(
      "/admin/workshops",
      { ...NEW, contactName: CONTACT.name, contactEmail: CONTACT.email },
      cookie,
    );
    expect(saved.status, await saved.clone().text()).toBe(303);
    const id = saved.headers.get("Location")!.match(/\/admin\/workshops\/([^?#/]+)/)![1]!;
    const edit = await (
      await call(`/admin/workshops/${id}/edit`, { headers: { Cookie: cookie } })
    ).text();
    expect(edit).toContain(`value="${CONTACT.email}"`);
    expect(edit).toContain(`value="${CONTACT.name}"`);

    const nameOnly = await form("/admin/workshops", { ...NEW, contactName: "Amal" }, cookie);
    expect(nameOnly.status).toBe(422);
    const html = await nameOnly.text();
    expect(html).toContain("Enter the contact&#39;s email address.");
    expect(html).toContain('value="Amal"');
  });
});

describe("the organiser contact for participants", () => {
  it("is on the participant's page, in English and Arabic, and not on the public page", async () => {
    const w = await createWorkshop({ requireVerification: false, contact: CONTACT });
    const { token } = await register(w.slug);
    const en = await (await call(`/r/${token}`)).text();
    expect(en).toContain(
      `<p class="contact">Questions? Write to <bdi>${CONTACT.name} <a href="mailto:${CONTACT.email}">${CONTACT.email}</a></bdi>.</p>`,
    );
    const ar = await (await call(`/r/${token}?lang=ar`)).text();
    expect(ar).toContain(
      `<p class="contact">للاستفسار، يُرجى الكتابة إلى <bdi>${CONTACT.name} <a href="mailto:${CONTACT.email}">`,
    );
    for (const lang of ["en", "ar"]) {
      const page = await (await call(`/workshops/${w.slug}?lang=${lang}`)).text();
      expect(page).not.toContain(CONTACT.email);
    }
  });

  it("closes the confirmation email, in the participant's language", async () => {
    const w = await createWorkshop({ requireVerification: false, contact: CONTACT });
    const en = await register(w.slug, "en");
    const mail = (await latestEmail(en.email, "workshop:confirmed"))!;
    expect(mail.text).toContain(`Questions? Write to ${CONTACT.name} <${CONTACT.email}>.`);
    expect(mail.html).toContain(`<bdi>${CONTACT.name} &lt;${CONTACT.email}&gt;</bdi>`);
    const ar = await register(w.slug, "ar");
    const arMail = (await latestEmail(ar.email, "workshop:confirmed"))!;
    expect(arMail.text).toContain(
      `للاستفسار، يُرجى الكتابة إلى ${CONTACT.name} <${CONTACT.email}>.`,
    );
  });

  it("is left out where a workshop has none", async () => {
    const w = await createWorkshop({ requireVerification: false });
    const { email, token } = await register(w.slug);
    expect(await (await call(`/r/${token}`)).text()).not.toContain('class="contact"');
    expect((await latestEmail(email, "workshop:confirmed"))!.text).not.toContain("Questions?");
  });
});
