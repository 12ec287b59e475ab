// Issue 13's agenda, in headless Chromium: an organiser adds a session from the workshop's
// admin page (times on the workshop's clock), a confirmed participant who agreed as its
// speaker and a moderator typed by hand who did not; the public page then shows the agenda in
// English and Arabic, on a desktop and a phone, with the speaker's name and the moderator only
// as "Moderator". axe passes on every page. Screenshots go to SHOTS_DIR when it is set.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { APP_BINDINGS } from "../support/local-worker.mjs";
import { api, axeProblems, publishedWorkshop, SIZES, startStack } from "./support.mjs";

const SHOTS = process.env.SHOTS_DIR;
const ZONE = "Asia/Amman";
const SPEAKER = "Rania Khoury";
const HIDDEN = "Hidden Moderator";
const TITLE = { en: "Water across borders", ar: "المياه عبر الحدود" };
const WORDS = {
  en: { agenda: "Agenda", moderator: "Moderator", room: "Room: Olive Hall" },
  ar: { agenda: "البرنامج", moderator: "مدير الجلسة", room: "القاعة: Olive Hall" },
};

let stack;
let workshop;
let startsAt;

/** An instant as the admin form's datetime-local value, on the workshop's clock. */
const wallClock = (instant) =>
  new Intl.DateTimeFormat("sv-SE", {
    timeZone: ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(instant)
    .replace(" ", "T");

before(async () => {
  stack = await startStack();
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "Shared rivers, shared risks",
      timezone: ZONE,
      capacity: 20,
      requireVerification: false,
      venue: { name: "Centre", city: "Amman" },
    },
    { daysAhead: 12, hours: 5 },
  );
  startsAt = new Date(workshop.startsAt);
  await api(stack.app, `/api/v1/public/workshops/${workshop.slug}/registrations`, {
    method: "POST",
    body: JSON.stringify({
      name: SPEAKER,
      email: `speaker.${Date.now()}@example.org`,
      affiliation: "River Institute",
    }),
  });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await stack?.close();
});

test("an organiser adds a session with a speaker and a moderator", async () => {
  const page = await stack.newPage();
  await page.setViewportSize(SIZES.desktop);
  await page.goto(`${stack.app.url}/admin/sign-in`);
  await page.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await page.click("text=Sign in with the token");
  await page.goto(`${stack.app.url}/admin/workshops/${workshop.id}`);
  await page.click("text=Add a session");

  // A session ending before it starts comes back with the error by its field.
  await page.fill("#f-title_en", TITLE.en);
  await page.fill("#f-title_ar", TITLE.ar);
  assert.equal(await page.getAttribute("#f-title_ar", "dir"), "auto");
  assert.equal(await page.getAttribute("#f-description_ar", "dir"), "auto");
  await page.fill("#f-startsAt", wallClock(new Date(startsAt.getTime() + 2 * 3600_000)));
  await page.fill("#f-endsAt", wallClock(new Date(startsAt.getTime() + 3600_000)));
  await page.fill("#f-room", "Olive Hall");
  await page.fill("#f-description_ar", "كيف تتقاسم الدول الأنهار.");
  await page.click("button:text('Add the session')");
  assert.match(await page.textContent("#f-endsAt-error"), /end after it starts/);
  assert.equal(await page.inputValue("#f-title_ar"), TITLE.ar, "what was typed stays");
  assert.deepEqual(await axeProblems(page), [], "axe on the refused session form");

  await page.fill("#f-startsAt", wallClock(new Date(startsAt.getTime() + 3600_000)));
  await page.fill("#f-endsAt", wallClock(new Date(startsAt.getTime() + 2.5 * 3600_000)));
  await page.click("button:text('Add the session')");
  await page.waitForSelector("#people");

  // The participant, who agreed to be named publicly.
  const option = await page.$eval(
    "#f-registrationId",
    (select, name) => {
      const found = [...select.options].find((o) => o.text.startsWith(name));
      return found?.value ?? "";
    },
    SPEAKER,
  );
  assert.ok(option, "the confirmed participant is offered");
  await page.selectOption("#f-registrationId", option);
  await page.check("input[name=publicConsent]");
  await page.click("section[aria-labelledby=people] button:text-is('Add')");
  // A moderator typed by hand, who did not.
  await page.selectOption("#f-role", "moderator");
  await page.fill("#f-name", HIDDEN);
  await page.fill("#f-affiliation", "Quiet Ministry");
  await page.click("section[aria-labelledby=people] button:text-is('Add')");
  const people = await page.textContent("section[aria-labelledby=people]");
  assert.ok(people.includes(SPEAKER) && people.includes(HIDDEN), people);
  assert.deepEqual(await axeProblems(page), [], "axe on the session page");
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/agenda-admin.png`, fullPage: true });

  const { data } = await api(stack.app, `/api/v1/workshops/${workshop.id}/sessions`);
  assert.equal(data.length, 1);
  assert.equal(
    data[0].startsAt,
    new Date(startsAt.getTime() + 3600_000).toISOString().replace(/:\d\d\.\d{3}Z$/, ":00.000Z"),
  );
  assert.deepEqual(
    data[0].people.map((p) => [p.role, p.publicConsent]),
    [
      ["speaker", true],
      ["moderator", false],
    ],
  );
});

for (const lang of ["en", "ar"])
  for (const [size, viewport] of Object.entries(SIZES))
    test(`the public page shows the agenda (${lang}, ${size})`, async () => {
      const w = WORDS[lang];
      const page = await stack.newPage();
      await page.setViewportSize(viewport);
      await page.goto(`${stack.app.url}/workshops/${workshop.slug}?lang=${lang}`);
      assert.equal(await page.getAttribute("html", "dir"), lang === "ar" ? "rtl" : "ltr");
      const agenda = page.locator("section.agenda");
      assert.equal(await agenda.locator("h2").textContent(), w.agenda);
      const text = await agenda.textContent();
      assert.ok(text.includes(TITLE[lang]), text);
      assert.ok(text.includes(SPEAKER), "the speaker who agreed is named");
      assert.ok(text.includes(w.moderator), "the moderator is shown by role");
      assert.ok(!text.includes(HIDDEN) && !text.includes("Quiet Ministry"), "and not by name");
      assert.ok(text.includes(w.room), "a public venue's room is shown");
      if (lang === "ar") assert.ok(text.includes("كيف تتقاسم الدول الأنهار."));
      // Nothing spills past the screen's edge on a phone.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `no sideways scroll (${overflow}px)`);
      assert.deepEqual(await axeProblems(page), [], `axe on the workshop page (${lang}, ${size})`);
      if (SHOTS)
        await page.screenshot({ path: `${SHOTS}/agenda-${lang}-${size}.png`, fullPage: true });
    });
