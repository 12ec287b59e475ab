// An organiser switches the organisers' pages to Arabic from the header and works through
// them: dashboard, workshops, a workshop with its registrations, the workshop form, the door
// page, reports, a send's review, subscribers. Each page is Arabic and right to left, fits a
// phone without sideways scrolling, and axe finds nothing serious or critical, at desktop
// and phone sizes. The choice stays for the next page. With SHOTS_DIR set, screenshots.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { APP_BINDINGS } from "../support/local-worker.mjs";
import { api, axeProblems, DESKTOP, PHONE, publishedWorkshop, startStack } from "./support.mjs";

const SHOTS = process.env.SHOTS_DIR;

let stack;
let workshop;
let report;
let topicSlug;
const stamp = Date.now();

before(async () => {
  stack = await startStack();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "الأمن المائي في حوض الفرات",
      timezone: "Asia/Beirut",
      venue: { name: "قاعة الاجتماعات ٢", city: "Beirut" },
      capacity: 12,
      registrationMode: "approval",
      requireVerification: false,
      language: "ar",
      questions: [
        {
          id: "focus",
          label: "مجال الاهتمام",
          type: "choice",
          required: true,
          options: ["الزراعة", "الطاقة"],
        },
      ],
    },
    { daysAhead: 6, hours: 5 },
  );
  for (const [name, email, focus] of [
    ["ليلى حداد", `leila.${stamp}@example.org`, "الزراعة"],
    ["Samir Khalil", `samir.khalil.policy-programme.${stamp}@ministry.example.org`, "الطاقة"],
    ["نور الهدى العلي", `nour.${stamp}@example.org`, "الطاقة"],
  ]) {
    const res = await fetch(
      `${stack.app.url}/api/v1/public/workshops/${workshop.slug}/registrations`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name, email, affiliation: "مركز الدراسات", answers: { focus } }),
      },
    );
    assert.equal(res.status, 201, await res.text());
  }
  const { data } = await api(stack.app, `/api/v1/workshops/${workshop.id}/registrations`);
  await api(stack.app, `/api/v1/registrations/${data[0].id}`, {
    method: "PATCH",
    body: JSON.stringify({ status: "confirmed" }),
  });
  topicSlug = `water-${stamp}`;
  await api(stack.app, "/api/v1/topics", {
    method: "POST",
    body: JSON.stringify({ slug: topicSlug, name: "Water", nameAr: "المياه" }),
  });
  await fetch(`${stack.app.url}/api/v1/subscribers/import`, {
    method: "POST",
    headers: { "Content-Type": "text/csv", Authorization: `Bearer ${APP_BINDINGS.ADMIN_TOKEN}` },
    body: `email,name,language,topics\nreader.${stamp}@example.org,قارئ,ar,${topicSlug}\nother.${stamp}@example.org,Reader,en,${topicSlug}\n`,
  });
  report = await api(stack.app, "/api/v1/reports", {
    method: "POST",
    body: JSON.stringify({
      workshopId: workshop.id,
      defaultLanguage: "ar",
      versions: [
        {
          language: "ar",
          title: "خلاصة ورشة الأمن المائي",
          summary: "أبرز ما دار في النقاش.",
          body: "## النقاش\n\nتناول المشاركون تقاسم المياه.",
        },
        { language: "en", title: "Water security: a summary", body: "## Discussion\n\nText." },
      ],
    }),
  });
  await api(stack.app, `/api/v1/reports/${report.id}/publish`, { method: "POST" });
});

after(async () => {
  await stack?.close();
});

/** Checks one page as it is now: Arabic, right to left, fits, accessible; at both sizes. */
async function check(page, name) {
  for (const [size, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ]) {
    await page.setViewportSize(viewport);
    const html = page.locator("html");
    assert.equal(await html.getAttribute("lang"), "ar", `${name}: lang`);
    assert.equal(await html.getAttribute("dir"), "rtl", `${name}: dir`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `${name} fits the ${size} (${width}px wide)`);
    assert.deepEqual(await axeProblems(page), [], `${name} at ${size}`);
    if (SHOTS)
      await page.screenshot({ path: `${SHOTS}/admin-ar-${name}-${size}.png`, fullPage: true });
  }
}

test("an organiser works through the organisers' pages in Arabic", async () => {
  const admin = await stack.newPage();
  await admin.setViewportSize(DESKTOP);
  await admin.goto(`${stack.app.url}/admin/sign-in`);
  await admin.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await admin.click("text=Sign in with the token");
  await admin.waitForURL(/\/admin$/);

  // The switch in the header, named in Arabic; it comes back to the page it was used on.
  await admin.goto(`${stack.app.url}/admin/workshops`);
  await admin.click('form.lang-switch button[value="ar"]');
  await admin.waitForURL(/\/admin\/workshops$/);
  assert.equal((await admin.textContent("h1")).trim(), "ورش العمل");
  await check(admin, "workshops");

  await admin.goto(`${stack.app.url}/admin`);
  assert.equal((await admin.textContent("h1")).trim(), "لوحة المتابعة");
  await check(admin, "dashboard");

  // A workshop with people waiting for a decision: approve one from the table.
  await admin.goto(`${stack.app.url}/admin/workshops/${workshop.id}#registrations`);
  assert.ok(await admin.isVisible('h2#registrations:text("التسجيلات")'));
  await check(admin, "workshop");
  await admin.locator('button[aria-label^="موافقة: "]').first().click();
  await admin.waitForURL(/notice=/);
  assert.equal((await admin.textContent(".notice")).trim(), "تمت الموافقة.");
  await check(admin, "workshop-approved");

  await admin.goto(`${stack.app.url}/admin/workshops/new`);
  assert.equal((await admin.textContent("h1")).trim(), "ورشة عمل جديدة");
  await check(admin, "workshop-form");
  // A form refused explains itself in Arabic.
  await admin.fill("#f-title", "");
  await admin.evaluate(() => {
    for (const el of document.querySelectorAll("[required]")) el.removeAttribute("required");
  });
  await admin.click('form.stack button[type="submit"]:not([formaction])');
  assert.ok(await admin.isVisible('.notice.error:text("يُرجى تصحيح الحقول المشار إليها أدناه.")'));
  await check(admin, "workshop-form-errors");

  await admin.goto(`${stack.app.url}/admin/workshops/${workshop.id}/door`);
  // Door search matches affiliations too: every confirmed person here is at this centre.
  await admin.fill("#door-q", "مركز");
  await admin.press("#door-q", "Enter");
  await admin.waitForURL(/q=/);
  assert.ok((await admin.locator(".card h3").count()) >= 2, "the confirmed people are found");
  await check(admin, "door");

  await admin.goto(`${stack.app.url}/admin/reports`);
  await check(admin, "reports");
  await admin.goto(`${stack.app.url}/admin/reports/${report.id}`);
  await check(admin, "report");

  await admin.goto(
    `${stack.app.url}/admin/reports/${report.id}/distributions/review?topics=${topicSlug}&attendees=confirmed`,
  );
  assert.equal((await admin.textContent("h1")).trim(), "مراجعة الإرسال");
  await check(admin, "review");

  await admin.goto(`${stack.app.url}/admin/subscribers`);
  assert.equal((await admin.textContent("h1")).trim(), "المشتركون");
  await check(admin, "subscribers");

  // And back to English, from the same switch.
  await admin.click('form.lang-switch button[value="en"]');
  await admin.waitForURL(/\/admin\/subscribers$/);
  assert.equal(await admin.locator("html").getAttribute("lang"), "en");
  assert.equal((await admin.textContent("h1")).trim(), "Subscribers");
});
