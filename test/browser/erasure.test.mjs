// End to end in headless Chromium: a registrant erases their own data from the link in
// their email (confirmation page, then the POST), and an owner looks a person up at
// /admin/people; axe-core on every page on the way, in English and in Arabic.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { APP_BINDINGS } from "../support/local-worker.mjs";
import {
  api,
  axeProblems,
  publishedWorkshop,
  signedLink,
  startStack,
  waitForMail,
} from "./support.mjs";

let stack;
let workshop;

before(async () => {
  stack = await startStack();
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "Water rights along the upper river",
      timezone: "Europe/Istanbul",
      capacity: 1,
      registrationMode: "open",
    },
    { daysAhead: 10, hours: 5 },
  );
});

after(async () => {
  await stack?.close();
});

/** Registers through the public API and returns the /r/ link from the emailed message. */
async function registered(name, email) {
  await fetch(`${stack.app.url}/api/v1/public/workshops/${workshop.slug}/registrations`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name, email }),
  });
  const mail = await waitForMail(stack.app, email, "Confirm your registration");
  const link = signedLink(mail.text, "r");
  await fetch(`${link.replace("/r/", "/api/v1/public/registrations/")}/verify`, {
    method: "POST",
  });
  return link;
}

test("a registrant erases their data from their own page", async () => {
  const email = `erase.${Date.now()}@example.org`;
  const link = await registered("Nour Forgotten", email);
  const next = `next.${Date.now()}@example.org`;
  await registered("Next Waiting", next);

  const page = await stack.newPage();
  await page.goto(`${link}?lang=en`);
  await page.click("text=Erase my data");
  assert.match(await page.textContent("h1"), /Erase your data/);
  assert.match(await page.textContent("main"), /Water rights along the upper river/);
  assert.deepEqual(await axeProblems(page), [], "axe on the erasure confirmation (en)");
  await page.goto(`${link}/erase?lang=ar`);
  assert.equal(await page.getAttribute("html", "dir"), "rtl");
  assert.deepEqual(await axeProblems(page), [], "axe on the erasure confirmation (ar)");
  // Looking changed nothing: the registration is still there.
  const before = await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`);
  assert.ok(before.data.some((r) => r.email === email));

  await page.goto(`${link}/erase?lang=en`);
  await page.click("text=Yes, erase my data");
  assert.match(await page.textContent("main"), /Your data is erased/);
  assert.deepEqual(await axeProblems(page), [], "axe on the erased page");

  const after = await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`);
  assert.ok(!after.data.some((r) => r.email === email || r.name === "Nour Forgotten"));
  assert.equal(after.data.find((r) => r.email === next)?.status, "confirmed");
  assert.equal((await fetch(link)).status, 404);
});

test("an owner looks a person up at /admin/people", async () => {
  const email = `lookup.${Date.now()}@example.org`;
  await registered("Layla Lookup", email);
  const page = await stack.newPage();
  await page.goto(`${stack.app.url}/admin/sign-in`);
  await page.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await page.click("text=Sign in with the token");
  await page.goto(`${stack.app.url}/admin/people`);
  assert.deepEqual(await axeProblems(page), [], "axe on the people page");
  await page.fill("#f-email", email);
  await page.click("form[action='/admin/people'] button");
  assert.match(await page.textContent("main"), /Layla Lookup/);
  assert.match(await page.textContent("main"), /Water rights along the upper river/);
  assert.ok(!page.url().includes(encodeURIComponent(email)), "the address is not in the URL");
  assert.deepEqual(await axeProblems(page), [], "axe on a person's records");
});
