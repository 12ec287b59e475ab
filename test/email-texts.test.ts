// A workshop's own email texts (confirmation, reminder, invitation; per language, with
// placeholders), their preview on the admin form, and what the default invitation says.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { brandFrom } from "../src/brand/brand";
import { ADMIN, call, form, json, latestEmail, ownerCookie, uniqueEmail } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

let cookie: string;
beforeAll(async () => {
  cookie = await ownerCookie();
});

const CONFIRMED_EN =
  "Dear {name}, we look forward to seeing you on {date}.\n\nThe place: {venue}. Bring your questions about {title}.";

/** Registers someone (no verification) and gives their confirmation email. */
async function confirmedEmail(slug: string, language: "en" | "ar") {
  const email = uniqueEmail("texts");
  const res = await json(`/api/v1/public/workshops/${slug}/registrations`, "POST", {
    name: language === "ar" ? "ليلى" : "Layla",
    email,
    language,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const sent = await latestEmail(email, "workshop:confirmed");
  if (!sent) throw new Error("no confirmation email");
  return sent;
}

const readTexts = async (id: string) =>
  (
    (await (await call(`/api/v1/workshops/${id}`, { headers: ADMIN })).json()) as {
      emailTexts: unknown;
    }
  ).emailTexts;

describe("custom email texts", () => {
  it("replace the confirmation's paragraphs in their language only, placeholders filled", async () => {
    const w = await createWorkshop({
      requireVerification: false,
      emailTexts: { en: { confirmed: CONFIRMED_EN } },
    });
    expect(await readTexts(w.id)).toEqual({ en: { confirmed: CONFIRMED_EN } });

    const en = await confirmedEmail(w.slug, "en");
    expect(en.text).toContain("Dear Layla, we look forward to seeing you on");
    expect(en.text).toContain(
      `The place: Hall B, 12 Example Street, Istanbul. Bring your questions about ${w.title}.`,
    );
    expect(en.text).not.toContain("{");
    expect(en.text).not.toContain("your place at");
    // The rest of the email stays: the button, the check-in code.
    expect(en.text).toContain("Manage my registration");
    expect(en.html).toContain("Dear Layla,");

    // The Arabic confirmation keeps the default wording.
    const ar = await confirmedEmail(w.slug, "ar");
    expect(ar.text).toContain("مرحباً ليلى، تم تأكيد مكانك في");
    expect(ar.text).not.toContain("we look forward");
  });

  it("say where a private venue will be shared instead of naming it before its reveal", async () => {
    const w = await createWorkshop({
      requireVerification: false,
      locationPrivate: true,
      venueRevealHours: 48,
      emailTexts: { en: { confirmed: "See you at {venue}." } },
    });
    const en = await confirmedEmail(w.slug, "en");
    // The seated person's own wording for a venue still to come: when it will be sent.
    expect(en.text).toMatch(/See you at The venue will be sent to you on [^\n]+\)\.\n/);
    expect(en.text).not.toContain("Hall B");
    expect(en.text).not.toContain("Example Street");
  });

  it("refuse an unknown placeholder with a 422 problem naming it; empty texts clear", async () => {
    const bad = await json(
      "/api/v1/workshops",
      "POST",
      {
        title: "Bad placeholder",
        startsAt: "2027-05-03T10:00:00+03:00",
        endsAt: "2027-05-03T16:00:00+03:00",
        timezone: "Europe/Istanbul",
        capacity: 10,
        registrationMode: "open",
        emailTexts: { ar: { reminder: "مرحباً {nom}" } },
      },
      ADMIN,
    );
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(await bad.text()).toContain("{nom}");

    const w = await createWorkshop({ emailTexts: { en: { reminder: "Soon: {title}" } } });
    const unknownKind = await json(
      `/api/v1/workshops/${w.id}`,
      "PATCH",
      { emailTexts: { en: { waitlisted: "x" } } },
      ADMIN,
    );
    expect(unknownKind.status).toBe(422);
    const cleared = await json(
      `/api/v1/workshops/${w.id}`,
      "PATCH",
      { emailTexts: { en: { reminder: "  " } } },
      ADMIN,
    );
    expect(cleared.status).toBe(200);
    expect(await readTexts(w.id)).toEqual({});
  });
});

describe("email texts on the admin form", () => {
  const NEW = {
    title: "Email texts test",
    startsAt: "2027-05-03T10:00",
    endsAt: "2027-05-03T16:00",
    timezone: "Europe/Istanbul",
    venueName: "Hall B",
    venueCity: "Istanbul",
    capacity: "20",
    registrationMode: "open",
    language: "en",
    retentionDays: "365",
  };

  it("show an unknown placeholder as the field's error, keeping what was typed", async () => {
    const res = await form(
      "/admin/workshops",
      { ...NEW, emailText_en_confirmed: "Hi {nom}, welcome" },
      cookie,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="f-emailText_en_confirmed-error"');
    expect(html).toContain("Unknown placeholder {nom}");
    expect(html).toContain("Hi {nom}, welcome</textarea>");
  });

  it("saves texts, and previews one without saving it", async () => {
    const saved = await form(
      "/admin/workshops",
      { ...NEW, emailText_ar_invitation: "ندعوك يا {name} إلى {title}." },
      cookie,
    );
    expect(saved.status, await saved.clone().text()).toBe(303);
    const id = saved.headers.get("Location")!.match(/\/admin\/workshops\/([^?#/]+)/)![1]!;
    expect(await readTexts(id)).toEqual({ ar: { invitation: "ندعوك يا {name} إلى {title}." } });
    const edit = await (
      await call(`/admin/workshops/${id}/edit`, { headers: { Cookie: cookie } })
    ).text();
    expect(edit).toContain("ندعوك يا {name} إلى {title}.</textarea>");
    expect(edit).toContain(`formaction="/admin/workshops/${id}/email-preview#email-preview"`);

    const preview = await form(
      `/admin/workshops/${id}/email-preview`,
      {
        ...NEW,
        emailText_en_confirmed: "Welcome {name}, on {date}.",
        emailText_ar_invitation: "ندعوك يا {name} إلى {title}.",
        previewKind: "confirmed",
        previewLang: "en",
      },
      cookie,
    );
    expect(preview.status).toBe(200);
    const page = await preview.text();
    expect(page).toContain("Preview: Confirmation (English)");
    // The email, framed and sandboxed, with a sample name and the typed text.
    expect(page).toMatch(/<iframe[^>]*srcdoc="[^"]*Welcome Leila Haddad, on /);
    expect(page).toMatch(/<iframe[^>]*sandbox=""/);
    expect(page).toContain("Welcome {name}, on {date}.</textarea>");
    expect(preview.headers.get("content-security-policy")).toContain(
      "style-src 'self' 'unsafe-inline'",
    );
    // Nothing saved.
    expect(await readTexts(id)).toEqual({ ar: { invitation: "ندعوك يا {name} إلى {title}." } });

    const arabic = await form(
      `/admin/workshops/${id}/email-preview`,
      {
        ...NEW,
        emailText_ar_invitation: "ندعوك يا {name} إلى {title}.",
        previewKind: "invitation",
        previewLang: "ar",
      },
      cookie,
    );
    expect(await arabic.text()).toContain("ندعوك يا ليلى حداد إلى Email texts test.");

    const bad = await form(
      "/admin/workshops/email-preview",
      { ...NEW, emailText_en_reminder: "{when}", previewKind: "reminder" },
      cookie,
    );
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Unknown placeholder {when}");
  });
});

describe("the default invitation", () => {
  const ABOUT =
    "A closed-door discussion of water policy in the Levant, with **researchers** and officials.\n\nA second paragraph that stays on the page.";

  async function invitationText(overrides: Record<string, unknown>) {
    const w = await createWorkshop({
      registrationMode: "invitation",
      description: ABOUT,
      ...overrides,
    });
    const email = uniqueEmail("invitee");
    const res = await json(
      `/api/v1/workshops/${w.id}/invitations`,
      "POST",
      { invitees: [{ email, name: "Omar" }], send: true },
      ADMIN,
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const sent = await latestEmail(email, "workshop:invitation");
    if (!sent) throw new Error("no invitation");
    return sent.text;
  }

  it("names who invites, the city and what the workshop is about", async () => {
    const text = await invitationText({
      contact: { name: "Amal Haddad", email: "amal@institute.example" },
    });
    expect(text).toContain("Amal Haddad invites you to");
    expect(text).toContain("It takes place in Istanbul.");
    expect(text).toContain(
      "What it is about: A closed-door discussion of water policy in the Levant, with researchers and officials.",
    );
    expect(text).not.toContain("second paragraph");
  });

  it("is from the organisation without a contact, and keeps a private city to itself", async () => {
    const org = brandFrom(env, env.APP_URL).name.en;
    const text = await invitationText({ locationPrivate: true });
    expect(text).toContain(`${org} invites you to`);
    expect(text).not.toContain("takes place in");
    expect(text).toContain("What it is about:");
  });
});
