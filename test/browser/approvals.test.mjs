// An organiser on a phone: opens an approval-mode workshop's people waiting for a decision,
// ticks two, approves both at once, and reads the outcome; the table fits the screen (no
// sideways scrolling), each person's answers show, axe finds nothing serious. The dashboard
// then counts them. With SHOTS_DIR set, screenshots at desktop and phone size.
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
  startStack,
  waitForMail,
} from "./support.mjs";

const SHOTS = process.env.SHOTS_DIR;

let stack;
let workshop;
const stamp = Date.now();
const people = [
  { name: "Rania Khoury", email: `rania.${stamp}@example.org`, focus: "Customs" },
  {
    name: "Bashir Al-Nouri",
    // Long enough to overflow a phone's column, were it allowed to.
    email: `bashir.al-nouri.policy-programme.${stamp}@ministry-of-foreign-affairs.example.org`,
    focus: "Transport",
  },
  { name: "سلمى الحسيني", email: `salma.${stamp}@example.org`, focus: "Markets" },
];

before(async () => {
  stack = await startStack();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "Water sharing on the upper basin",
      timezone: "Europe/Istanbul",
      venue: { name: "Meeting room 2", city: "Istanbul" },
      capacity: 10,
      registrationMode: "approval",
      requireVerification: false,
      contact: { name: "Amal Haddad", email: "amal@institute.example" },
      questions: [
        {
          id: "focus",
          label: "Your main focus",
          type: "choice",
          required: true,
          options: ["Customs", "Transport", "Markets"],
        },
      ],
    },
    { daysAhead: 5, hours: 5 },
  );
  for (const p of people) {
    const res = await fetch(
      `${stack.app.url}/api/v1/public/workshops/${workshop.slug}/registrations`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: p.name, email: p.email, answers: { focus: p.focus } }),
      },
    );
    assert.equal(res.status, 201, await res.text());
  }
});

after(async () => {
  await stack?.close();
});

/** The whole page at both sizes, and the table alone on the phone (legible at full size). */
async function shoot(page, name) {
  if (!SHOTS) return;
  for (const [size, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${SHOTS}/${name}-${size}.png`, fullPage: true });
  }
  const table = page.locator("table").first();
  if (await table.count()) await table.screenshot({ path: `${SHOTS}/${name}-phone-table.png` });
}

test("an organiser approves two people at once from a phone", async () => {
  const admin = await stack.newPage();
  await admin.setViewportSize(PHONE);
  await admin.goto(`${stack.app.url}/admin/sign-in`);
  await admin.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await admin.click("text=Sign in with the token");

  const waiting = `${stack.app.url}/admin/workshops/${workshop.id}?status=pending_approval`;
  await admin.goto(`${waiting}#registrations`);
  // Each person's answer is in their row; nothing makes the page scroll sideways.
  for (const p of people)
    assert.ok(
      await admin.isVisible(`tr:has(input[aria-label="Select ${p.name}"]) dd:text("${p.focus}")`),
      `${p.name}'s answer shows`,
    );
  const width = await admin.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `the page fits a phone (${width}px wide)`);
  assert.deepEqual(await axeProblems(admin), []);
  await shoot(admin, "registrations-before");
  await admin.setViewportSize(PHONE);

  // "All shown" ticks every row; unticking one leaves it half-ticked.
  await admin.check("[data-select-all] input");
  for (const p of people)
    assert.ok(await admin.isChecked(`input[aria-label="Select ${p.name}"]`), p.name);
  await admin.uncheck(`input[aria-label="Select ${people[2].name}"]`);
  assert.ok(await admin.$eval("[data-select-all] input", (box) => box.indeterminate));
  await admin.click("form#bulk button[value=confirmed]");
  await admin.waitForURL(/notice=/);
  assert.equal((await admin.textContent(".notice")).trim(), "2 approved.");
  // Back on the same filter: only the one still waiting is left, with her one-click buttons.
  assert.equal(await admin.locator("tbody tr").count(), 1);
  assert.ok(await admin.isVisible(`button[aria-label="Approve ${people[2].name}"]`));
  assert.deepEqual(await axeProblems(admin), []);
  await shoot(admin, "registrations-after");

  const { data } = await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`);
  const statusOf = (email) => data.find((r) => r.email === email)?.status;
  assert.deepEqual(
    people.map((p) => statusOf(p.email)),
    ["confirmed", "confirmed", "pending_approval"],
  );

  // The dashboard counts them, and links straight to the one still waiting.
  await admin.setViewportSize(PHONE);
  await admin.goto(`${stack.app.url}/admin`);
  const row = admin.locator(`tr:has(a[href="/admin/workshops/${workshop.id}"])`);
  assert.equal((await row.locator('[data-count="awaiting"]').textContent()).trim(), "1");
  assert.equal((await row.locator('[data-count="confirmed"]').textContent()).trim(), "2 / 10");
  const dashWidth = await admin.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(dashWidth <= PHONE.width, `the dashboard fits a phone (${dashWidth}px wide)`);
  assert.deepEqual(await axeProblems(admin), []);
  await shoot(admin, "dashboard");
});

test("an approved person's page names the organiser to write to, in English and Arabic", async () => {
  const mail = await waitForMail(stack.app, people[0].email, "You are confirmed");
  assert.match(mail.text, /Questions\? Write to Amal Haddad <amal@institute\.example>\./);
  const link = mail.text.match(/https?:\/\/[^\s]+\/r\/[A-Za-z0-9._-]+/)[0];
  const page = await stack.newPage();
  await page.setViewportSize(PHONE);
  for (const [lang, words] of [
    ["en", "Questions? Write to"],
    ["ar", "للاستفسار، يُرجى الكتابة إلى"],
  ]) {
    await page.goto(`${link}?lang=${lang}`);
    const line = await page.textContent("p.contact");
    assert.ok(line.includes(words) && line.includes("amal@institute.example"), line);
    assert.ok(await page.isVisible('p.contact a[href="mailto:amal@institute.example"]'));
    assert.deepEqual(await axeProblems(page), []);
    await shoot(page, `participant-${lang}`);
  }
});
