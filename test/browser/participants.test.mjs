// Participants in headless Chromium (issue 12), in English and Arabic: the registration form
// reports every field's error at once and moves the focus to that summary; cancelling asks
// for confirmation and can be undone from the participant's page. Screenshots of each step at
// desktop and phone sizes go to SHOTS_DIR when it is set.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import {
  api,
  axeProblems,
  publishedWorkshop,
  SIZES,
  signedLink,
  startStack,
  waitForMail,
} from "./support.mjs";

const SHOTS = process.env.SHOTS_DIR;

let stack;
let workshop;

before(async () => {
  stack = await startStack();
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "Water governance in the Levant",
      timezone: "Asia/Beirut",
      venue: { name: "Meeting room 2", city: "Beirut" },
      capacity: 20,
      requireVerification: false,
      questions: [{ id: "why", label: "Why do you want to attend?", type: "text", required: true }],
    },
    { daysAhead: 10, hours: 5 },
  );
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await stack?.close();
});

/** Screenshots the page at both sizes (when SHOTS_DIR is set), leaving it at desktop size. */
async function shoot(page, name) {
  if (!SHOTS) return;
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${SHOTS}/${name}-${size}.png`, fullPage: true });
  }
  await page.setViewportSize(SIZES.desktop);
}

const WORDS = {
  en: {
    summary: /Please correct the fields marked below/,
    errors: ["Enter your name.", "Enter a valid email address.", "This question needs an answer."],
    registered: /You are registered/,
    cancel: "Cancel my registration",
    yes: "Yes, cancel my registration",
    cancelled: /Your registration is cancelled\./,
    restore: "Restore my registration",
    restored: /Your registration is restored: your place is confirmed\./,
    organisers: /The organisers cancelled this registration/,
  },
  ar: {
    summary: /يرجى تصحيح الحقول المشار إليها أدناه/,
    errors: ["يرجى كتابة اسمك.", "يرجى كتابة بريد إلكتروني صحيح.", "يرجى الإجابة عن هذا السؤال."],
    registered: /تم تسجيلك/,
    cancel: "إلغاء التسجيل",
    yes: "نعم، ألغِ تسجيلي",
    cancelled: /أُلغي تسجيلك\./,
    restore: "استعادة تسجيلي",
    restored: /استُعيد تسجيلك، ومكانك مؤكَّد\./,
    organisers: /ألغى المنظمون هذا التسجيل/,
  },
};

for (const lang of ["en", "ar"]) {
  const w = WORDS[lang];

  test(`the form reports every field at once and focuses the summary (${lang})`, async () => {
    const page = await stack.newPage();
    await page.setViewportSize(SIZES.desktop);
    await page.goto(`${stack.app.url}/workshops/${workshop.slug}?lang=${lang}`);
    await page.fill("#f-email", "not an address");
    await page.click("form[action*='/register'] button[type=submit]");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "error-summary");
    const summary = await page.textContent("#error-summary");
    assert.match(summary, w.summary);
    for (const error of w.errors) assert.ok(summary.includes(error), `summary has "${error}"`);
    assert.deepEqual(await axeProblems(page), [], `axe on the explained form (${lang})`);
    await shoot(page, `form-errors-${lang}`);
    // A summary link takes the focus to its field.
    await page.click('#error-summary a[href="#f-q-why"]');
    assert.equal(await page.evaluate(() => document.activeElement?.id), "f-q-why");
    await page.close();
  });

  test(`cancelling asks first and can be undone (${lang})`, async () => {
    const email = `participant.${lang}.${Date.now()}@example.org`;
    const page = await stack.newPage();
    await page.setViewportSize(SIZES.desktop);
    await page.goto(`${stack.app.url}/workshops/${workshop.slug}?lang=${lang}`);
    await page.fill("#f-name", lang === "ar" ? "ليلى حداد" : "Leila Haddad");
    await page.fill("#f-email", email);
    await page.fill("#f-q-why", lang === "ar" ? "للتعلّم" : "To learn");
    await page.click("form[action*='/register'] button[type=submit]");
    assert.match(await page.textContent("h1"), w.registered);

    const mail = await waitForMail(stack.app, email, workshop.title);
    const link = signedLink(mail.text, "r");
    await page.goto(`${link}?lang=${lang}`);
    await page.click(`a:has-text("${w.cancel}")`);

    // The confirmation step: nothing changed yet.
    assert.ok(page.url().includes("/cancel"), "on the confirmation step");
    assert.deepEqual(await axeProblems(page), [], `axe on the confirmation step (${lang})`);
    await shoot(page, `cancel-confirm-${lang}`);
    const before = await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`);
    assert.equal(before.data.find((r) => r.email === email).status, "confirmed");

    await page.click(`button:has-text("${w.yes}")`);
    assert.match(await page.textContent("main"), w.cancelled);
    assert.deepEqual(await axeProblems(page), [], `axe on the cancelled page (${lang})`);
    await shoot(page, `cancelled-${lang}`);

    await page.click(`button:has-text("${w.restore}")`);
    assert.match(await page.textContent("main"), w.restored);
    await shoot(page, `restored-${lang}`);
    const afterwards = await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`);
    assert.equal(afterwards.data.find((r) => r.email === email).status, "confirmed");
    await page.close();
  });
}

for (const lang of ["en", "ar"]) {
  const w = WORDS[lang];

  test(`the organisers' cancellation is not undone from a page left open (${lang})`, async () => {
    const email = `removed.${lang}.${Date.now()}@example.org`;
    await api(stack.app, `/api/v1/public/workshops/${workshop.slug}/registrations`, {
      method: "POST",
      body: JSON.stringify({ name: "Sami Nasser", email, answers: { why: "Policy" } }),
    });
    const link = signedLink((await waitForMail(stack.app, email, workshop.title)).text, "r");
    const page = await stack.newPage();
    await page.setViewportSize(SIZES.desktop);
    // The participant cancels; their page offers the restore and stays open.
    await page.goto(`${link}/cancel?lang=${lang}`);
    await page.click(`button:has-text("${w.yes}")`);
    assert.ok(await page.isVisible(`button:has-text("${w.restore}")`), "restore offered");
    // Meanwhile the organisers confirm them again, then take them off the list.
    const list = await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`);
    const { id } = list.data.find((r) => r.email === email);
    for (const status of ["confirmed", "cancelled"])
      await api(stack.app, `/api/v1/registrations/${id}`, {
        method: "PATCH",
        body: JSON.stringify({ status }),
      });
    await page.click(`button:has-text("${w.restore}")`);
    assert.match(await page.textContent("main"), w.organisers);
    assert.equal(await page.isVisible(`button:has-text("${w.restore}")`), false);
    assert.deepEqual(await axeProblems(page), [], `axe on the refused restore (${lang})`);
    await shoot(page, `restore-refused-${lang}`);
    const afterwards = await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`);
    assert.equal(afterwards.data.find((r) => r.email === email).status, "cancelled");
    await page.close();
  });
}

for (const lang of ["en", "ar"]) {
  test(`an invitation asks the questions, then shows the registration (${lang})`, async () => {
    const email = `invitee.${lang}.${Date.now()}@example.org`;
    await api(stack.app, `/api/v1/workshops/${workshop.id}/invitations`, {
      method: "POST",
      body: JSON.stringify({ invitees: [{ email, name: "Omar Khalil" }], send: true }),
    });
    const mail = await waitForMail(stack.app, email, workshop.title);
    const link = signedLink(mail.text, "i");
    const page = await stack.newPage();
    await page.setViewportSize(SIZES.desktop);
    await page.goto(`${link}?lang=${lang}`);
    await page.click('button[value="accept"]');
    // The required question is enforced, as on the public form.
    assert.equal(await page.evaluate(() => document.activeElement?.id), "error-summary");
    assert.ok((await page.textContent("#error-summary")).includes(WORDS[lang].errors[2]));
    assert.deepEqual(await axeProblems(page), [], `axe on the explained invitation (${lang})`);
    await shoot(page, `invitation-errors-${lang}`);
    await page.fill("#f-q-why", "Policy work");
    await page.click('button[value="accept"]');
    await page.goto(`${link}?lang=${lang}`);
    const main = await page.textContent("main");
    assert.match(main, lang === "en" ? /Confirmed/ : /مؤكَّد/);
    assert.match(main, /Meeting room 2/);
    assert.ok(await page.isVisible('a[href$="/calendar.ics"]'), "calendar file link");
    assert.deepEqual(await axeProblems(page), [], `axe on the accepted invitation (${lang})`);
    await shoot(page, `invitation-accepted-${lang}`);
    await page.close();
  });
}
