// Issue 13's printable door list and badges, as an organiser prints them: signed in, from the
// workshop's page, with the browser's print media. Arabic and English names read correctly,
// nothing is loaded from elsewhere, and the printout has no site header or buttons. With
// SHOTS_DIR set, the printed badges are kept as a PDF and a screenshot.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { APP_BINDINGS } from "../support/local-worker.mjs";
import { api, publishedWorkshop, startStack } from "./support.mjs";

const PEOPLE = [
  { name: "ليلى حداد", affiliation: "جامعة دمشق" },
  { name: "Omar Khalil", affiliation: "Policy Lab" },
  { name: "أحمد الخطيب", affiliation: "مركز الدراسات" },
];

let stack;
let workshop;

before(async () => {
  stack = await startStack();
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "Local councils and water",
      timezone: "Asia/Beirut",
      capacity: 10,
      registrationMode: "open",
    },
    { daysAhead: 5, hours: 3 },
  );
  for (const [i, person] of PEOPLE.entries())
    await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`, {
      method: "POST",
      body: JSON.stringify({ ...person, email: `print${i}.${Date.now()}@example.org` }),
    });
});

after(async () => {
  await stack?.close();
});

test("the door list and badges print with every name, and nothing else", async () => {
  const page = await stack.newPage();
  const elsewhere = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(stack.app.url)) elsewhere.push(r.url());
  });
  await page.goto(`${stack.app.url}/admin/sign-in`);
  await page.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await page.click("text=Sign in with the token");
  for (const kind of ["list", "badges"]) {
    const res = await page.goto(`${stack.app.url}/admin/workshops/${workshop.id}/print/${kind}`);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()["cache-control"], "no-store");
    await page.emulateMedia({ media: "print" });
    const text = await page.textContent("main");
    for (const person of PEOPLE) {
      assert.ok(text.includes(person.name), `${kind}: ${person.name}`);
      assert.ok(text.includes(person.affiliation), `${kind}: ${person.affiliation}`);
    }
    // Printed: no site header, menu or buttons.
    assert.equal(await page.isVisible("header.site"), false, `${kind}: no header in print`);
    assert.equal(
      await page.evaluate(() =>
        [...document.querySelectorAll("button")].some((b) => b.offsetParent !== null),
      ),
      false,
      `${kind}: no button in print`,
    );
    // Each Arabic name is isolated, so it reads right to left inside the page.
    assert.equal(
      await page.evaluate(
        (name) =>
          [...document.querySelectorAll("bdi")].some(
            (b) => b.textContent.trim() === name && getComputedStyle(b).direction === "rtl",
          ),
        PEOPLE[0].name,
      ),
      true,
      `${kind}: the Arabic name is right to left`,
    );
    if (process.env.SHOTS_DIR) {
      await page.screenshot({ path: `${process.env.SHOTS_DIR}/print-${kind}.png`, fullPage: true });
      await page.pdf({ path: `${process.env.SHOTS_DIR}/print-${kind}.pdf`, format: "A4" });
    }
    await page.emulateMedia({ media: "screen" });
  }
  assert.deepEqual(elsewhere, [], "nothing loaded from another site");
  await page.close();
});
