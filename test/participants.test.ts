// Issue 12, participants: cancelling asks first and can be undone while a place is free,
// registering again after cancelling offers the restore, the public form checks every field
// in one round, and an accepted invitation shows its registration and asks the questions.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { registrations, workshops } from "../src/db/schema";
import {
  ADMIN,
  call,
  db,
  eventually,
  form,
  json,
  latestEmail,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { registrationOf } from "./support/vault";
import { createWorkshop, inviteAndGetToken } from "./support/workshops";

const open = { requireVerification: false };

/** Registers through the public API and returns the link token from the email. */
async function registered(slug: string, email = uniqueEmail("p")) {
  const res = await json(`/api/v1/public/workshops/${slug}/registrations`, "POST", {
    name: "Participant",
    email,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { status } = (await res.json()) as { status: string };
  const token = await tokenFromEmail(
    email,
    status === "waitlisted" ? "workshop:waitlisted" : "workshop:confirmed",
  );
  return { email, token };
}

const statusOf = async (workshopId: string, email: string) =>
  (await registrationOf(workshopId, email))!.status;
const seatsTaken = async (id: string) =>
  (await db().query.workshops.findFirst({ where: eq(workshops.id, id) }))!.confirmedCount;
const restore = (token: string, lang = "en") => form(`/r/${token}/restore?lang=${lang}`, {});

describe("cancelling asks first", () => {
  it("shows a confirmation step that changes nothing, then cancels on its button", async () => {
    const w = await createWorkshop(open);
    const p = await registered(w.slug);
    const page = await (await call(`/r/${p.token}`)).text();
    expect(page).toContain(`href="/r/${p.token}/cancel?lang=en"`);
    // The page's cancel is a link to the step, not a form that posts.
    expect(page).not.toContain(`action="/r/${p.token}/cancel`);

    const step = await call(`/r/${p.token}/cancel?lang=en`);
    expect(step.status).toBe(200);
    const stepHtml = await step.text();
    expect(stepHtml).toContain("Yes, cancel my registration");
    expect(stepHtml).toContain(`action="/r/${p.token}/cancel?lang=en"`);
    expect(await statusOf(w.id, p.email)).toBe("confirmed");

    const done = await form(`/r/${p.token}/cancel?lang=en`, {});
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`/r/${p.token}?lang=en&done=cancelled`);
    expect(await statusOf(w.id, p.email)).toBe("cancelled");
    const after = await (await call(done.headers.get("location")!)).text();
    expect(after).toContain("Your registration is cancelled.");
    expect(after).toContain("Restore my registration");
  });

  it("in Arabic, and a cancelled registration's step goes back to its page", async () => {
    const w = await createWorkshop(open);
    const p = await registered(w.slug);
    const step = await (await call(`/r/${p.token}/cancel?lang=ar`)).text();
    expect(step).toContain("نعم، ألغِ تسجيلي");
    expect(step).toContain('dir="rtl"');
    await form(`/r/${p.token}/cancel?lang=ar`, {});
    const again = await call(`/r/${p.token}/cancel?lang=ar`);
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe(`/r/${p.token}?lang=ar`);
  });

  it("keeps the public API's cancel one POST", async () => {
    const w = await createWorkshop(open);
    const p = await registered(w.slug);
    const res = await call(`/api/v1/public/registrations/${p.token}/cancel`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "cancelled" });
  });
});

describe("restoring a cancelled registration", () => {
  it("gives the seat back while one is free, and says so", async () => {
    const w = await createWorkshop({ ...open, capacity: 1 });
    const p = await registered(w.slug);
    await form(`/r/${p.token}/cancel`, {});
    expect(await seatsTaken(w.id)).toBe(0);
    const res = await restore(p.token);
    expect(res.status).toBe(303);
    expect(await statusOf(w.id, p.email)).toBe("confirmed");
    expect(await seatsTaken(w.id)).toBe(1);
    const page = await (await call(res.headers.get("location")!)).text();
    expect(page).toContain("Your registration is restored: your place is confirmed.");
    expect((await latestEmail(p.email))!.kind).toBe("workshop:confirmed");
  });

  it("puts them at the end of the waitlist when the seat went to someone else", async () => {
    const w = await createWorkshop({ ...open, capacity: 1 });
    const p = await registered(w.slug);
    await form(`/r/${p.token}/cancel`, {});
    await registered(w.slug); // takes the freed seat
    const q = await registered(w.slug); // waitlisted, position 1
    expect(await statusOf(w.id, q.email)).toBe("waitlisted");
    const res = await restore(p.token, "ar");
    expect(res.status).toBe(303);
    const row = (await registrationOf(w.id, p.email))!;
    expect(row.status).toBe("waitlisted");
    expect(row.waitlistPosition).toBe(2);
    const page = await (await call(res.headers.get("location")!)).text();
    expect(page).toContain("فأنت الآن في قائمة الانتظار (المرتبة 2)");
    expect(await seatsTaken(w.id)).toBe(1);
  });

  it("stays cancelled, with a reason, when no seat is free and there is no waitlist", async () => {
    const w = await createWorkshop({ ...open, capacity: 1, waitlist: false });
    const p = await registered(w.slug);
    await form(`/r/${p.token}/cancel`, {});
    await registered(w.slug);
    const res = await restore(p.token);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("No place is free any more");
    expect(await statusOf(w.id, p.email)).toBe("cancelled");
  });

  /** An organiser's decision on a registration, through the API. */
  const organiserSets = (id: string, status: string) =>
    json(`/api/v1/registrations/${id}`, "PATCH", { status }, ADMIN);

  it("never undoes the organisers' cancellation, in any language, nor offers to", async () => {
    const w = await createWorkshop(open);
    const p = await registered(w.slug);
    const { id } = (await registrationOf(w.id, p.email))!;
    expect((await organiserSets(id, "cancelled")).status).toBe(200);
    expect(await (await call(`/r/${p.token}`)).text()).not.toContain("Restore my registration");
    const refused = await restore(p.token);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("The organisers cancelled this registration");
    const inArabic = await restore(p.token, "ar");
    expect(inArabic.status).toBe(409);
    expect(await inArabic.text()).toContain("ألغى المنظمون هذا التسجيل");
    expect(await statusOf(w.id, p.email)).toBe("cancelled");
    expect(await seatsTaken(w.id)).toBe(0);
    // Registering again with the address: "already registered", not the restore link.
    await db().update(registrations).set({ linkResentAt: null }).where(eq(registrations.id, id));
    const again = await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: "Participant",
      email: p.email,
    });
    expect(again.status).toBe(201);
    await eventually(() => latestEmail(p.email, "workshop:already_registered"));
    expect((await latestEmail(p.email))!.kind).toBe("workshop:already_registered");
  });

  it("makes the participant's own cancellation the organisers' when they cancel it too", async () => {
    const w = await createWorkshop(open);
    const p = await registered(w.slug);
    const { id } = (await registrationOf(w.id, p.email))!;
    await form(`/r/${p.token}/cancel`, {});
    expect((await organiserSets(id, "cancelled")).status).toBe(200);
    expect((await restore(p.token)).status).toBe(409);
    expect(await statusOf(w.id, p.email)).toBe("cancelled");
  });

  it("still undoes the participant's own cancellation after the organisers re-confirmed them", async () => {
    const w = await createWorkshop(open);
    const p = await registered(w.slug);
    const { id } = (await registrationOf(w.id, p.email))!;
    await organiserSets(id, "cancelled");
    await organiserSets(id, "confirmed");
    await form(`/r/${p.token}/cancel`, {});
    expect((await restore(p.token)).status).toBe(303);
    expect(await statusOf(w.id, p.email)).toBe("confirmed");
  });

  it("two restores for the last seat: one wins, capacity holds", async () => {
    const w = await createWorkshop({ ...open, capacity: 2, waitlist: false });
    const a = await registered(w.slug);
    const b = await registered(w.slug);
    await form(`/r/${a.token}/cancel`, {});
    await form(`/r/${b.token}/cancel`, {});
    await registered(w.slug); // one of the two seats is taken again
    const answers = await Promise.all([restore(a.token), restore(b.token)]);
    expect(answers.map((r) => r.status).sort()).toEqual([303, 409]);
    const statuses = [await statusOf(w.id, a.email), await statusOf(w.id, b.email)].sort();
    expect(statuses).toEqual(["cancelled", "confirmed"]);
    expect(await seatsTaken(w.id)).toBe(2);
  });

  it("a restored waitlist place is promoted when a seat frees", async () => {
    const w = await createWorkshop({ ...open, capacity: 1 });
    const p = await registered(w.slug);
    const other = await registered(w.slug); // waitlisted
    await form(`/r/${p.token}/cancel`, {}); // other is promoted
    expect(await statusOf(w.id, other.email)).toBe("confirmed");
    await restore(p.token);
    expect(await statusOf(w.id, p.email)).toBe("waitlisted");
    await form(`/r/${other.token}/cancel`, {});
    expect(await statusOf(w.id, p.email)).toBe("confirmed");
  });

  it("sends someone who left an approval queue back to it", async () => {
    const w = await createWorkshop({ ...open, registrationMode: "approval" });
    const email = uniqueEmail("appr");
    await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", { name: "A", email });
    const token = await tokenFromEmail(email, "workshop:pending_approval");
    await form(`/r/${token}/cancel`, {});
    await restore(token);
    expect(await statusOf(w.id, email)).toBe("pending_approval");
  });

  it("is not offered once the workshop has begun", async () => {
    const w = await createWorkshop(open);
    const p = await registered(w.slug);
    await form(`/r/${p.token}/cancel`, {});
    await db()
      .update(workshops)
      .set({ startsAt: new Date(Date.now() - 60_000) })
      .where(eq(workshops.id, w.id));
    expect(await (await call(`/r/${p.token}`)).text()).not.toContain("Restore my registration");
    expect((await restore(p.token)).status).toBe(409);
    expect(await statusOf(w.id, p.email)).toBe("cancelled");
  });
});

describe("registering again after cancelling", () => {
  it("emails the restore link, and answers as it would anyone", async () => {
    const w = await createWorkshop(open);
    const p = await registered(w.slug);
    await form(`/r/${p.token}/cancel`, {});
    // Past the 10-minute limit on resent links.
    await db()
      .update(registrations)
      .set({ linkResentAt: null })
      .where(eq(registrations.id, (await registrationOf(w.id, p.email))!.id));
    const again = await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: "Participant",
      email: p.email,
    });
    const fresh = await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: "Someone",
      email: uniqueEmail("fresh"),
    });
    expect(again.status).toBe(fresh.status);
    expect(await again.json()).toEqual(await fresh.json());
    // Written after the answer, so that its timing says nothing.
    const email = await eventually(() => latestEmail(p.email, "workshop:restore_offer"));
    expect((await latestEmail(p.email))!.kind).toBe("workshop:restore_offer");
    expect(email.text).toContain("Restore my registration");
    const token = await tokenFromEmail(p.email, "workshop:restore_offer");
    expect((await restore(token)).status).toBe(303);
    expect(await statusOf(w.id, p.email)).toBe("confirmed");
  });

  it("with verification on, too", async () => {
    const w = await createWorkshop();
    const email = uniqueEmail("v");
    const body = { name: "V", email };
    await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", body);
    const token = await tokenFromEmail(email, "workshop:verify");
    await call(`/api/v1/public/registrations/${token}/cancel`, { method: "POST" });
    const again = await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", body);
    expect(again.status).toBe(202);
    await eventually(() => latestEmail(email, "workshop:restore_offer"));
    expect((await latestEmail(email))!.kind).toBe("workshop:restore_offer");
  });
});

describe("the registration form checks every field in one round", () => {
  const questions = [
    { id: "why", label: "Why do you come?", type: "text", required: true },
    { id: "ok", label: "I accept the rules", type: "checkbox", required: true },
  ];

  for (const lang of ["en", "ar"] as const) {
    it(`lists name, address and questions together (${lang})`, async () => {
      const w = await createWorkshop({ ...open, questions });
      const res = await form(`/workshops/${w.slug}/register?lang=${lang}`, {
        name: "",
        email: "not-an-address",
        language: lang,
      });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('id="error-summary"');
      expect(html).toContain('tabindex="-1"');
      for (const id of ["f-name", "f-email", "f-q-why", "f-q-ok"])
        expect(html).toContain(`href="#${id}"`);
      const t =
        lang === "en"
          ? ["Enter your name.", "This question needs an answer.", "This box must be ticked."]
          : ["يرجى كتابة اسمك.", "يرجى الإجابة عن هذا السؤال.", "يجب تحديد هذا المربع."];
      for (const text of t) expect(html).toContain(text);
    });
  }

  it("keeps what was typed and registers once all is right", async () => {
    const w = await createWorkshop({ ...open, questions });
    const email = uniqueEmail("form");
    const bad = await form(`/workshops/${w.slug}/register`, {
      name: "Rana",
      email,
      "answers.why": "",
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('value="Rana"');
    const good = await form(`/workshops/${w.slug}/register`, {
      name: "Rana",
      email,
      "answers.why": "To learn",
      "answers.ok": "true",
    });
    expect(good.status).toBe(201);
  });
});

describe("an invitation asks the questions and shows the registration", () => {
  const questions = [{ id: "diet", label: "Dietary needs", type: "text", required: true }];

  it("enforces required questions, then shows status, calendar and venue", async () => {
    const w = await createWorkshop({ questions, locationPrivate: true });
    const email = uniqueEmail("inv");
    const token = await inviteAndGetToken(w.id, email);
    const page = await (await call(`/i/${token}`)).text();
    expect(page).toContain('name="answers.diet"');
    expect(page).not.toContain("12 Example Street"); // private until seated

    const missing = await form(`/i/${token}`, { response: "accept", name: "Ola", language: "en" });
    expect(missing.status).toBe(422);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain('id="error-summary"');
    expect(missingHtml).toContain("This question needs an answer.");
    expect(missingHtml).toContain('value="Ola"');
    expect(await registrationOf(w.id, email)).toBeUndefined();

    const ok = await form(`/i/${token}`, {
      response: "accept",
      name: "Ola",
      language: "en",
      "answers.diet": "None",
    });
    expect(ok.status).toBe(200);
    const after = await (await call(`/i/${token}`)).text();
    expect(after).toContain("Confirmed");
    expect(after).toMatch(/href="\/r\/[^"]+\/calendar\.ics"/);
    expect(after).toContain("12 Example Street");
    const row = (await registrationOf(w.id, email))!;
    expect(row.status).toBe("confirmed");
  });

  it("in Arabic", async () => {
    const w = await createWorkshop({ questions, language: "ar" });
    const token = await inviteAndGetToken(w.id, uniqueEmail("inv-ar"));
    const res = await form(`/i/${token}?lang=ar`, { response: "accept", language: "ar" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("يرجى الإجابة عن هذا السؤال.");
  });
});
