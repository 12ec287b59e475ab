// Issue 13's confidentiality, in headless Chromium at phone size, in English and Arabic: the
// workshop's rule shows before its form, registering without the tick is refused with the
// reason (nothing written), with it the acknowledgement is stored with its time; a person who
// opted in appears, name and affiliation only, on the page of another confirmed participant.
// Screenshots go to SHOTS_DIR when it is set.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import {
  api,
  axeProblems,
  PHONE,
  publishedWorkshop,
  signedLink,
  startStack,
  waitForMail,
} from "./support.mjs";

const SHOTS = process.env.SHOTS_DIR;
const RULE = {
  en: "Chatham House Rule: what is said may be used, but not who said it. No recording.",
  ar: "قاعدة تشاتام هاوس: يجوز استخدام ما يُقال دون نسبته إلى قائله. ولا يُسمح بالتسجيل.",
};
const WORDS = {
  en: { refused: /accept/i, registered: /You are registered/, others: "Other participants" },
  ar: { refused: /القاعدة|الموافقة/, registered: /تم تسجيلك/, others: "المشاركون الآخرون" },
};

let stack;
let workshop;

before(async () => {
  stack = await startStack();
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "Returnees and property claims",
      timezone: "Asia/Amman",
      capacity: 15,
      requireVerification: false,
      confidentiality: RULE,
      confidentialityRequired: true,
    },
    { daysAhead: 9, hours: 4 },
  );
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await stack?.close();
});

async function register(page, lang, { name, email, affiliation, tick, listed }) {
  await page.goto(`${stack.app.url}/workshops/${workshop.slug}?lang=${lang}`);
  await page.fill("#f-name", name);
  await page.fill("#f-email", email);
  if (affiliation) await page.fill("#f-affiliation", affiliation);
  if (tick) await page.check("#f-acknowledged");
  if (listed) await page.check("input[name=listed]");
  await page.click("form[action*='/register'] button[type=submit]");
}

for (const lang of ["en", "ar"]) {
  test(`the rule is acknowledged, and the list shows only who opted in (${lang})`, async () => {
    const w = WORDS[lang];
    const page = await stack.newPage();
    await page.setViewportSize(PHONE);
    await page.goto(`${stack.app.url}/workshops/${workshop.slug}?lang=${lang}`);
    // The rule, in the page's language, before the form.
    assert.ok((await page.textContent("main")).includes(RULE[lang]), "the rule is shown");
    assert.deepEqual(await axeProblems(page), [], `axe on the workshop page (${lang})`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/rule-${lang}.png`, fullPage: true });

    const first = {
      name: lang === "ar" ? "سلمى يوسف" : "Salma Youssef",
      email: `first.${lang}.${Date.now()}@example.org`,
    };
    await register(page, lang, { ...first, tick: false });
    assert.equal(await page.evaluate(() => document.activeElement?.id), "error-summary");
    assert.match(await page.textContent("#error-summary"), w.refused);
    const none = await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`);
    assert.equal(none.data.filter((r) => r.email === first.email).length, 0, "nothing written");
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/refused-${lang}.png`, fullPage: true });

    await register(page, lang, { ...first, tick: true });
    assert.match(await page.textContent("h1"), w.registered);
    const second = {
      name: lang === "ar" ? "كريم ناصر" : "Karim Nasser",
      email: `second.${lang}.${Date.now()}@example.org`,
      affiliation: lang === "ar" ? "جامعة اليرموك" : "Yarmouk University",
    };
    await register(page, lang, { ...second, tick: true, listed: true });
    const rows = (await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`)).data;
    const stored = rows.find((r) => r.email === first.email);
    assert.ok(stored.acknowledgedAt, "the acknowledgement is stored with its time");
    assert.equal(stored.listed, false, "nobody is listed without opting in");

    // The first participant's own page lists the second (who opted in), not themself.
    const mail = await waitForMail(stack.app, first.email, workshop.title);
    const link = signedLink(mail.text, "r");
    await page.goto(`${link}?lang=${lang}`);
    const list = await page.textContent("section[aria-labelledby=participants]");
    assert.ok(list.includes(w.others));
    assert.ok(
      list.includes(second.name) && list.includes(second.affiliation),
      "the opted-in person",
    );
    assert.ok(!list.includes(second.email), "never an address");
    assert.ok(!list.includes(first.name), "not the viewer");
    assert.deepEqual(await axeProblems(page), [], `axe on the participant's page (${lang})`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/list-${lang}.png`, fullPage: true });
    await page.close();
  });
}
