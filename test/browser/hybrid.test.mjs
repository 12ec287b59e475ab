// Issue 13's hybrid attendance, in headless Chromium on a desktop and a phone, in English and
// Arabic: the form asks how one takes part with what is left of each pool, a missing choice is
// explained (nothing written), and each registrant's page then shows their own place: the
// room to the in-person one, the online link to the online one, never the other's.
// Screenshots go to SHOTS_DIR when it is set.
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
const ONLINE_URL = "https://meet.example.org/hybrid-room-42";
const ADDRESS = "12 Example Street";
const WORDS = {
  en: { legend: "How will you take part?", missing: /take part/, registered: /You are registered/ },
  ar: { legend: "طريقة المشاركة", missing: /طريقة المشاركة/, registered: /تم تسجيلك/ },
};

let stack;
let workshop;

before(async () => {
  stack = await startStack();
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "Water governance across borders",
      timezone: "Asia/Beirut",
      attendance: "hybrid",
      capacity: 12,
      onlineCapacity: 30,
      venue: { name: "Hall C", address: ADDRESS, city: "Beirut" },
      onlineUrl: ONLINE_URL,
      locationPrivate: true,
      requireVerification: false,
    },
    { daysAhead: 10, hours: 5 },
  );
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await stack?.close();
});

/** The /r/ link of the newest email to `email` about the workshop. */
async function participantLink(email) {
  const mail = await waitForMail(stack.app, email, workshop.title);
  const link = signedLink(mail.text, "r");
  return { link, mail };
}

for (const lang of ["en", "ar"]) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    test(`choosing in person or online, and each sees only their place (${lang}, ${size})`, async () => {
      const w = WORDS[lang];
      const page = await stack.newPage();
      await page.setViewportSize(viewport);
      const open = () => page.goto(`${stack.app.url}/workshops/${workshop.slug}?lang=${lang}`);
      await open();
      const main = await page.textContent("main");
      assert.ok(main.includes(w.legend), "the form asks how one takes part");
      assert.ok(!main.includes(ONLINE_URL), "the public page never shows the link");
      assert.ok(!main.includes(ADDRESS), "nor the private venue");
      assert.deepEqual(await axeProblems(page), [], `axe on the workshop page (${lang}, ${size})`);
      if (SHOTS)
        await page.screenshot({ path: `${SHOTS}/hybrid-form-${lang}-${size}.png`, fullPage: true });

      const stamp = `${lang}.${size}.${Date.now()}`;
      const people = {
        in_person: {
          name: lang === "ar" ? "ليلى حداد" : "Layla Haddad",
          email: `room.${stamp}@example.org`,
        },
        online: {
          name: lang === "ar" ? "عمر خليل" : "Omar Khalil",
          email: `remote.${stamp}@example.org`,
        },
      };

      // No choice: explained, focus on the summary, nothing written.
      await page.fill("#f-name", people.online.name);
      await page.fill("#f-email", people.online.email);
      await page.click("form[action*='/register'] button[type=submit]");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "error-summary");
      assert.match(await page.textContent("#error-summary"), w.missing);
      const none = await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`);
      assert.equal(none.data.filter((r) => r.email === people.online.email).length, 0);
      if (SHOTS)
        await page.screenshot({
          path: `${SHOTS}/hybrid-missing-${lang}-${size}.png`,
          fullPage: true,
        });

      for (const [mode, person] of Object.entries(people)) {
        await open();
        await page.fill("#f-name", person.name);
        await page.fill("#f-email", person.email);
        await page.check(`input[name=mode][value=${mode}]`);
        await page.click("form[action*='/register'] button[type=submit]");
        assert.match(await page.textContent("h1"), w.registered);
      }
      const rows = (await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`)).data;
      for (const [mode, person] of Object.entries(people))
        assert.equal(rows.find((r) => r.email === person.email)?.mode, mode);

      for (const [mode, person] of Object.entries(people)) {
        const { link, mail } = await participantLink(person.email);
        const sees = mode === "online" ? ONLINE_URL : ADDRESS;
        const never = mode === "online" ? ADDRESS : ONLINE_URL;
        assert.ok(mail.text.includes(sees), `the ${mode} confirmation has its place`);
        assert.ok(!mail.text.includes(never), `the ${mode} confirmation lacks the other`);
        await page.goto(`${link}?lang=${lang}`);
        const text = await page.textContent("main");
        assert.ok(text.includes(sees), `the ${mode} page shows its place`);
        assert.ok(!text.includes(never), `the ${mode} page hides the other`);
        assert.deepEqual(await axeProblems(page), [], `axe on the ${mode} page (${lang}, ${size})`);
        if (SHOTS)
          await page.screenshot({
            path: `${SHOTS}/hybrid-${mode}-${lang}-${size}.png`,
            fullPage: true,
          });
      }
      await page.close();
    });
  }
}
