// Confidentiality: a workshop's rule acknowledged at registration (form, API, invitation),
// stored with its time and wording, shown to organisers; and the opt-in participant list
// that only confirmed participants see on their own page.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { registrations, workshops } from "../src/db/schema";
import { wordingHash } from "../src/workshops/confidentiality";
import { fromForm, toForm } from "../src/workshops/form";
import {
  ADMIN,
  call,
  db,
  form,
  json,
  ownerCookie,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { registrationOf } from "./support/vault";
import { createWorkshop, inviteAndGetToken } from "./support/workshops";

const RULE_EN = "The Chatham House Rule applies: use what is said, never who said it.";
const RULE_AR = "تُطبَّق قاعدة تشاتام هاوس: يمكن استخدام ما يُقال دون ذكر قائله.";

let cookie: string;
beforeAll(async () => {
  cookie = await ownerCookie();
});

const ruled = (extra: Record<string, unknown> = {}) =>
  createWorkshop({
    requireVerification: false,
    confidentiality: { en: RULE_EN, ar: RULE_AR },
    confidentialityRequired: true,
    ...extra,
  });

const registerApi = (slug: string, body: Record<string, unknown>) =>
  json(`/api/v1/public/workshops/${slug}/registrations`, "POST", {
    name: "Rana Haddad",
    email: uniqueEmail("conf"),
    ...body,
  });

/** Registers through the public API (no verification) and gives the /r/ token. */
async function participant(slug: string, body: Record<string, unknown> = {}) {
  const email = uniqueEmail("list");
  const res = await registerApi(slug, { email, acknowledged: true, ...body });
  expect(res.status, await res.clone().text()).toBe(201);
  const { status } = (await res.json()) as { status: string };
  const kind = status === "waitlisted" ? "workshop:waitlisted" : "workshop:confirmed";
  return { email, status, token: await tokenFromEmail(email, kind) };
}

const page = async (token: string) => (await call(`/r/${token}?lang=en`)).text();

describe("confidentiality acknowledgement", () => {
  it("is shown on the public page before registering, in the page's language", async () => {
    const w = await ruled();
    const en = await (await call(`/workshops/${w.slug}?lang=en`)).text();
    expect(en).toContain(RULE_EN);
    expect(en).toContain('name="acknowledged"');
    const ar = await (await call(`/workshops/${w.slug}?lang=ar`)).text();
    expect(ar).toContain(RULE_AR);
    expect(ar).not.toContain(RULE_EN);
  });

  it("falls back to the other language when the page's has no wording", async () => {
    const w = await ruled({ confidentiality: { en: RULE_EN } });
    const ar = await (await call(`/workshops/${w.slug}?lang=ar`)).text();
    expect(ar).toContain(RULE_EN);
    expect(ar).toContain('lang="en"');
    // Arabic registrant, English wording: the hash is of the words they saw.
    const email = uniqueEmail("fallback");
    const res = await registerApi(w.slug, { email, language: "ar", acknowledged: true });
    expect(res.status).toBe(201);
    const r = await registrationOf(w.id, email);
    expect(r?.acknowledgedHash).toBe(await wordingHash(RULE_EN));
  });

  it("is required on the form: a field error with the others, nothing written", async () => {
    const w = await ruled({
      questions: [{ id: "why", type: "text", label: "Why do you come?", required: true }],
    });
    const email = uniqueEmail("noack");
    const res = await form(`/workshops/${w.slug}/register?lang=en`, {
      name: "Rana",
      email,
      language: "en",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    // Both errors in the same round, the box named in the summary.
    expect(html).toContain('href="#f-acknowledged"');
    expect(html).toContain('href="#f-q-why"');
    expect(html).toContain('id="f-acknowledged-error"');
    expect(await registrationOf(w.id, email)).toBeUndefined();

    const ok = await form(`/workshops/${w.slug}/register?lang=en`, {
      name: "Rana",
      email,
      language: "en",
      "answers.why": "Research",
      acknowledged: "true",
    });
    expect(ok.status).toBe(201);
    const r = await registrationOf(w.id, email);
    expect(r?.acknowledgedAt).toBeInstanceOf(Date);
    expect(r?.acknowledgedHash).toBe(await wordingHash(RULE_EN));
    expect(r?.acknowledgedHash).toMatch(/^[0-9a-f]{12}$/);
    expect(r?.listed).toBe(false);
  });

  it("is required in the API: 422 problem naming the field, nothing written", async () => {
    const w = await ruled();
    const email = uniqueEmail("api-noack");
    const res = await registerApi(w.slug, { email });
    expect(res.status).toBe(422);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    const problem = (await res.json()) as { errors?: { path: string }[] };
    expect(problem.errors?.map((e) => e.path)).toContain("acknowledged");
    expect(await registrationOf(w.id, email)).toBeUndefined();
  });

  it("is optional when not required, and stored only when ticked", async () => {
    const w = await ruled({ confidentialityRequired: false });
    const a = uniqueEmail("opt-a");
    const b = uniqueEmail("opt-b");
    expect((await registerApi(w.slug, { email: a })).status).toBe(201);
    expect((await registerApi(w.slug, { email: b, acknowledged: true })).status).toBe(201);
    expect((await registrationOf(w.id, a))?.acknowledgedAt).toBeNull();
    expect((await registrationOf(w.id, b))?.acknowledgedAt).toBeInstanceOf(Date);
  });

  it("is asked when accepting an invitation", async () => {
    const w = await ruled();
    const email = uniqueEmail("invited");
    const token = await inviteAndGetToken(w.id, email);
    const rsvp = await (await call(`/i/${token}?lang=ar`)).text();
    expect(rsvp).toContain(RULE_AR);
    const refused = await form(`/i/${token}?lang=en`, { response: "accept", language: "en" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('id="f-acknowledged-error"');
    expect(await registrationOf(w.id, email)).toBeUndefined();
    // The JSON RSVP too.
    // The JSON RSVP too, one-click accepts included: no rule accepted, no registration.
    const api = await json(`/api/v1/public/invitations/${token}`, "POST", { response: "accept" });
    expect(api.status).toBe(422);
    expect(await api.text()).toContain("acknowledged");
    const ok = await form(`/i/${token}?lang=en`, {
      response: "accept",
      language: "en",
      acknowledged: "true",
    });
    expect(ok.status).toBe(200);
    expect((await registrationOf(w.id, email))?.acknowledgedAt).toBeInstanceOf(Date);
  });

  it("is shown to organisers: the table's Acknowledged column and the CSV", async () => {
    const w = await ruled();
    const email = uniqueEmail("shown");
    expect((await registerApi(w.slug, { email, acknowledged: true })).status).toBe(201);
    const hash = await wordingHash(RULE_EN);
    const admin = await (
      await call(`/admin/workshops/${w.id}`, { headers: { Cookie: cookie } })
    ).text();
    expect(admin).toContain(">Acknowledged<");
    expect(admin).toContain(`(${hash})`);
    const csv = await (
      await call(`/api/v1/workshops/${w.id}/registrations.csv`, { headers: ADMIN })
    ).text();
    const [head, row] = csv.trim().split(/\r?\n/);
    expect(head).toContain("acknowledged_at,acknowledged_wording,listed");
    expect(row).toMatch(/,\d{4}-\d\d-\d\dT[^,]+,[0-9a-f]{12},false/);
    const api = (await (
      await call(`/api/v1/workshops/${w.id}/registrations`, { headers: ADMIN })
    ).json()) as { data: { acknowledgedAt: string | null }[] };
    expect(api.data[0]?.acknowledgedAt).toMatch(/^\d{4}-/);
  });

  it("is set from the admin form per language, too long refused on its field", async () => {
    const w = await createWorkshop({ requireVerification: false });
    const row = await db().query.workshops.findFirst({ where: eq(workshops.id, w.id) });
    const values = {
      ...toForm(row!),
      confidentiality_en: RULE_EN,
      confidentiality_ar: "",
      confidentialityRequired: "true",
    };
    const tooLong = fromForm({ ...values, confidentiality_ar: "س".repeat(1001) });
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) expect(tooLong.errors.confidentiality_ar).toMatch(/1,000/);
    const saved = await form(`/admin/workshops/${w.id}`, values, cookie);
    expect(saved.status, await saved.clone().text()).toBe(303);
    const read = (await (await call(`/api/v1/workshops/${w.id}`, { headers: ADMIN })).json()) as {
      confidentiality: unknown;
      confidentialityRequired: boolean;
    };
    expect(read.confidentiality).toEqual({ en: RULE_EN });
    expect(read.confidentialityRequired).toBe(true);
    const edit = await (
      await call(`/admin/workshops/${w.id}/edit`, { headers: { Cookie: cookie } })
    ).text();
    expect(edit).toContain(RULE_EN);
  });
});

describe("participant list", () => {
  it("shows opted-in confirmed people to a confirmed participant only", async () => {
    const w = await ruled({ capacity: 3, waitlist: true });
    const listedA = await participant(w.slug, {
      name: "Amal Listed",
      affiliation: "Institute A",
      listed: true,
    });
    const unlisted = await participant(w.slug, { name: "Basil Hidden", affiliation: "Ministry B" });
    const viewer = await participant(w.slug, { name: "Carla Viewer" });
    const waitlisted = await participant(w.slug, { name: "Dina Waiting", listed: true });
    expect(waitlisted.status).toBe("waitlisted");

    const seen = await page(viewer.token);
    expect(seen).toContain("Amal Listed");
    expect(seen).toContain("Institute A");
    expect(seen).not.toContain("Basil Hidden");
    expect(seen).not.toContain("Ministry B");
    // Only seated people are listed, even when opted in.
    expect(seen).not.toContain("Dina Waiting");

    // A waitlisted viewer sees no list (only the choice to join it).
    const fromWaitlist = await page(waitlisted.token);
    expect(fromWaitlist).not.toContain("Amal Listed");
    expect(fromWaitlist).toContain("Take me off the list");

    // Never on the public page, nor the participant JSON.
    const pub = await (await call(`/workshops/${w.slug}?lang=en`)).text();
    expect(pub).not.toContain("Amal Listed");
    const mine = await (await call(`/api/v1/public/registrations/${viewer.token}`)).text();
    expect(mine).not.toContain("Amal Listed");

    // Names stay sealed at rest.
    const rows = await db().select().from(registrations).where(eq(registrations.workshopId, w.id));
    for (const r of rows) {
      expect(r.name).not.toContain("Amal");
      expect(r.affiliation ?? "").not.toContain("Institute");
    }
    expect(unlisted.status).toBe("confirmed");
    expect(listedA.status).toBe("confirmed");
  });

  it("lets a participant join and leave the list at any time", async () => {
    const w = await ruled();
    const viewer = await participant(w.slug, { name: "Viewer Person" });
    const other = await participant(w.slug, { name: "Elias Joins", affiliation: "Centre E" });
    expect(await page(viewer.token)).not.toContain("Elias Joins");

    const join = await form(`/r/${other.token}/listed?lang=en`, { listed: "true" });
    expect(join.status).toBe(303);
    expect(await page(viewer.token)).toContain("Elias Joins");
    expect(await page(other.token)).toContain("Take me off the list");

    const leave = await form(`/r/${other.token}/listed?lang=en`, { listed: "false" });
    expect(leave.status).toBe(303);
    expect(await page(viewer.token)).not.toContain("Elias Joins");
    expect((await registrationOf(w.id, other.email))?.listed).toBe(false);
  });

  it("is opt-in only: the form's box starts unticked and nobody is listed by default", async () => {
    const w = await ruled();
    const html = await (await call(`/workshops/${w.slug}?lang=en`)).text();
    const box = html.match(/<input[^>]*name="listed"[^>]*>/)?.[0] ?? "";
    expect(box).not.toBe("");
    expect(box).not.toContain("checked");
  });
});
