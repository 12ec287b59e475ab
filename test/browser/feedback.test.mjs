// Issue 13's feedback survey, in headless Chromium: after the workshop's end the cron emails
// each attendee a personal link; participants open it from the dev mailbox and answer in
// English and in Arabic (right to left), on a desktop and on a phone, axe passing; a wrong
// answer is explained in place and writes nothing; the organiser sees nothing until the fifth
// answer, then the averages, the marks and the comments. Screenshots go to SHOTS_DIR when set.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { APP_BINDINGS } from "../support/local-worker.mjs";
import {
  api,
  axeProblems,
  DESKTOP,
  PHONE,
  publishedWorkshop,
  signedLink,
  startStack,
  waitForMail,
} from "./support.mjs";

const SHOTS = process.env.SHOTS_DIR;
const WORDS = {
  en: { subject: "Your feedback on", thanks: /Thank you/, error: "Choose a number from 1 to 5." },
  ar: { subject: "رأيك في", thanks: /شكراً لك/, error: "اختر رقماً من 1 إلى 5." },
};

let stack;
let workshop;
/** One participant per answer: language, and the link from their email once it came. */
const people = [];

before(async () => {
  stack = await startStack();
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "Water sharing on the Orontes",
      timezone: "Europe/Istanbul",
      capacity: 20,
      requireVerification: false,
    },
    { daysAhead: 5, hours: 6 },
  );
  for (let i = 0; i < 6; i++) {
    const lang = i % 2 ? "ar" : "en";
    const email = `feedback.${i}.${Date.now()}@example.org`;
    await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`, {
      method: "POST",
      body: JSON.stringify({ name: `Participant ${i}`, email, language: lang }),
    });
    people.push({ email, lang });
  }
  // The default survey, turned on.
  await api(stack.app, `/api/v1/workshops/${workshop.id}/feedback`, {
    method: "PUT",
    body: JSON.stringify({ enabled: true }),
  });
  // The 5-minute cron, as if it ran ten minutes after the end (nobody was checked in: the
  // confirmed people are the attendees).
  const worker = await stack.app.mf.getWorker();
  await worker.scheduled({
    cron: "*/5 * * * *",
    scheduledTime: new Date(new Date(workshop.endsAt).getTime() + 10 * 60_000),
  });
  for (const person of people) {
    const mail = await waitForMail(stack.app, person.email, WORDS[person.lang].subject);
    person.link = signedLink(mail.text, "f");
  }
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await stack?.close();
});

async function results() {
  return api(stack.app, `/api/v1/workshops/${workshop.id}/feedback/results`);
}

async function answerSurvey(page, person, { overall, useful, comment }) {
  await page.goto(person.link);
  await page.check(`#f-q1-${overall}`);
  await page.check(`#f-q2-${useful}`);
  if (comment) await page.fill("#f-q3", comment);
  await page.click("form[action*='/f/'] button[type=submit]");
  assert.match(await page.textContent("h1"), WORDS[person.lang].thanks);
}

const runs = [
  { lang: "en", viewport: DESKTOP, name: "desktop" },
  { lang: "ar", viewport: PHONE, name: "phone" },
  { lang: "en", viewport: PHONE, name: "phone" },
  { lang: "ar", viewport: DESKTOP, name: "desktop" },
];

for (const [i, run] of runs.entries()) {
  test(`a participant answers from the email's link (${run.lang}, ${run.name})`, async () => {
    const person = people.filter((p) => p.lang === run.lang)[i < 2 ? 0 : 1];
    const page = await stack.newPage();
    await page.setViewportSize(run.viewport);
    await page.goto(person.link);
    assert.equal(await page.getAttribute("html", "lang"), run.lang);
    assert.equal(await page.getAttribute("html", "dir"), run.lang === "ar" ? "rtl" : "ltr");
    assert.deepEqual(await axeProblems(page), [], `axe on the survey (${run.lang}, ${run.name})`);
    if (SHOTS)
      await page.screenshot({
        path: `${SHOTS}/survey-${run.lang}-${run.name}.png`,
        fullPage: true,
      });

    // Nothing chosen: every required question explained, the summary focused, nothing written.
    await page.click("form[action*='/f/'] button[type=submit]");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "error-summary");
    assert.ok((await page.textContent("#error-summary")).includes(WORDS[run.lang].error));
    assert.deepEqual(await axeProblems(page), [], `axe on the survey's errors (${run.lang})`);
    const before = await results();
    assert.equal(before.shown, false, "nothing shown under five answers");
    assert.deepEqual(Object.keys(before).sort(), ["minimum", "sent", "shown"]);

    await answerSurvey(page, person, {
      overall: 5 - (i % 2),
      useful: 4,
      comment: run.lang === "ar" ? `ملاحظة رقم ${i}` : `Remark number ${i}`,
    });
    assert.deepEqual(await axeProblems(page), [], `axe on the thanks (${run.lang})`);
    // The link again: answered, no form.
    await page.goto(person.link);
    assert.equal(await page.locator("form[action*='/f/']").count(), 0);
    await page.close();
  });
}

test("the organiser sees nothing until the fifth answer, then aggregates", async () => {
  const admin = await stack.newPage();
  await admin.setViewportSize(DESKTOP);
  await admin.goto(`${stack.app.url}/admin/sign-in`);
  await admin.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await admin.click("text=Sign in with the token");
  await admin.goto(`${stack.app.url}/admin/workshops/${workshop.id}`);
  const section = async () =>
    admin.evaluate(() => {
      const h = document.getElementById("feedback");
      let text = "";
      for (let n = h; n && !(n !== h && n.tagName === "H2"); n = n.nextElementSibling)
        text += `${n.textContent}\n`;
      return text;
    });
  assert.match(await section(), /No results yet/);
  assert.ok(!(await section()).includes("Remark number"), "no comment under five answers");

  const page = await stack.newPage();
  await page.setViewportSize(PHONE);
  await answerSurvey(page, people[4], { overall: 2, useful: 3 });
  await page.close();

  await admin.reload();
  const shown = await section();
  assert.match(shown, /5 answers from 6 people asked/);
  assert.ok(shown.includes("Remark number 0") && shown.includes("ملاحظة رقم 1"));
  assert.ok(!shown.includes("Participant"), "no name next to any answer");
  const r = await results();
  assert.equal(r.shown, true);
  assert.deepEqual(r.questions[0].distribution, [0, 1, 0, 2, 2]);
  assert.deepEqual(await axeProblems(admin), [], "axe on the workshop's admin page");
  if (SHOTS) await admin.screenshot({ path: `${SHOTS}/feedback-results.png`, fullPage: true });
  await admin.close();
});
