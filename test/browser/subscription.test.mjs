// End to end in headless Chromium: subscribe, confirm from the dev mailbox, upload a
// report's PDF edition and an image from its admin page, receive the report (linking to the
// PDF), unsubscribe from the link in it; axe-core on the subscribe, subscriber, report admin,
// report (English and Arabic) and distribution-progress pages.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { APP_BINDINGS } from "../support/local-worker.mjs";
import { api, axeProblems, startStack, waitForMail } from "./support.mjs";

let stack;
// A real 1×1 PNG (the browser must draw it) and a minimal PDF: the types are read from bytes.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
const email = `reader.${Date.now()}@example.org`;

before(async () => {
  stack = await startStack();
  await api(stack.app, "/api/v1/topics", {
    method: "POST",
    body: JSON.stringify({ slug: "governance", name: "Governance", nameAr: "الحوكمة" }),
  });
});

after(async () => {
  await stack?.close();
});

test("subscribe, confirm, receive a report, unsubscribe from it", async () => {
  const page = await stack.newPage();
  for (const lang of ["ar", "en"]) {
    await page.goto(`${stack.app.url}/subscribe?lang=${lang}`);
    assert.equal(await page.getAttribute("html", "dir"), lang === "ar" ? "rtl" : "ltr");
    assert.deepEqual(await axeProblems(page), [], `axe on /subscribe (${lang})`);
  }
  await page.fill("#f-email", email);
  await page.fill("#f-name", "Reem Reader");
  await page.check("input[value=governance]");
  await page.click("button[type=submit]");
  assert.match(await page.textContent("h1"), /Check your email/);

  const confirm = await waitForMail(stack.app, email, "Confirm your subscription");
  const link = confirm.text.match(/http:\/\/127\.0\.0\.1:\d+\/s\/[^\s\]]+/)?.[0];
  assert.ok(link, "the confirmation email carries the /s/ link");
  await page.goto(link);
  assert.match(await page.textContent("main"), /Waiting for your confirmation/);
  assert.deepEqual(await axeProblems(page), [], "axe on the subscriber page (pending)");
  await page.click("text=Confirm my subscription");
  assert.match(await page.textContent("main"), /your subscription is confirmed/);
  assert.deepEqual(await axeProblems(page), [], "axe on the subscriber page (active)");

  const report = await api(stack.app, "/api/v1/reports", {
    method: "POST",
    body: JSON.stringify({
      defaultLanguage: "en",
      versions: [
        {
          language: "en",
          title: "Local councils and public services",
          summary: "What participants recommended.",
          body: "## Findings\n\nParticipants agreed on **three** steps.",
        },
        {
          language: "ar",
          title: "المجالس المحلية والخدمات العامة",
          summary: "توصيات المشاركين.",
          body: "## النتائج\n\nاتفق المشاركون على **ثلاث** خطوات.",
        },
      ],
    }),
  });

  // Signed in with the admin token: the report's files, uploaded from its page.
  const admin = await stack.newPage();
  await admin.goto(`${stack.app.url}/admin/sign-in`);
  await admin.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await admin.click("text=Sign in with the token");
  await admin.goto(`${stack.app.url}/admin/reports/${report.id}`);
  const uploadForm = 'form[enctype="multipart/form-data"]';
  await admin.selectOption("#f-kind", "pdf");
  await admin.selectOption("#f-language", "en");
  await admin.setInputFiles("#f-file", {
    name: "Local councils.pdf",
    mimeType: "application/pdf",
    buffer: PDF,
  });
  await admin.click(`${uploadForm} button[type=submit]`);
  assert.match(await admin.textContent(".notice"), /Uploaded Local councils\.pdf/);
  await admin.selectOption("#f-kind", "image");
  await admin.setInputFiles("#f-file", { name: "Chart.png", mimeType: "image/png", buffer: PNG });
  await admin.click(`${uploadForm} button[type=submit]`);
  assert.match(await admin.textContent(".notice"), /Uploaded Chart\.png/);
  // A PNG sent as the PDF edition is refused, and the page says why.
  await admin.selectOption("#f-kind", "pdf");
  await admin.setInputFiles("#f-file", {
    name: "fake.pdf",
    mimeType: "application/pdf",
    buffer: PNG,
  });
  await admin.click(`${uploadForm} button[type=submit]`);
  assert.match(await admin.textContent(".notice"), /is a PNG image, not a PDF/);
  assert.deepEqual(await axeProblems(admin), [], "axe on the report's admin page with files");
  const snippet = await admin.inputValue('input[aria-label^="Markdown that shows"]');
  assert.match(snippet, /^!\[Chart\]\(\/reports\/[^/]+\/files\/fil_[^)]+\)$/);
  await api(stack.app, `/api/v1/reports/${report.id}`, {
    method: "PATCH",
    body: JSON.stringify({
      versions: [
        {
          language: "en",
          title: "Local councils and public services",
          summary: "What participants recommended.",
          body: `## Findings\n\nParticipants agreed on **three** steps.\n\n${snippet}`,
        },
        {
          language: "ar",
          title: "المجالس المحلية والخدمات العامة",
          summary: "توصيات المشاركين.",
          body: "## النتائج\n\nاتفق المشاركون على **ثلاث** خطوات.",
        },
      ],
    }),
  });
  await api(stack.app, `/api/v1/reports/${report.id}/publish`, { method: "POST" });
  // The image is drawn from the Worker (same origin: the CSP allows it), the PDF offered.
  await page.goto(`${stack.app.url}/reports/${report.slug}?lang=en`);
  await page.waitForFunction(() => document.querySelector(".prose img")?.complete);
  assert.equal(await page.evaluate(() => document.querySelector(".prose img").naturalWidth), 1);
  const pdfHref = await page.getAttribute("#pdf a", "href");
  assert.equal(pdfHref, `/reports/${report.slug}/pdf/en`);
  const pdf = await fetch(`${stack.app.url}${pdfHref}`);
  assert.equal(pdf.headers.get("content-type"), "application/pdf");
  assert.match(
    pdf.headers.get("content-disposition"),
    /^attachment; filename="Local councils\.pdf"/,
  );
  for (const lang of ["en", "ar"]) {
    await page.goto(`${stack.app.url}/reports/${report.slug}?lang=${lang}`);
    assert.equal(await page.getAttribute("html", "lang"), lang);
    assert.equal(
      await page.locator(`link[rel=alternate][hreflang=${lang === "en" ? "ar" : "en"}]`).count(),
      1,
    );
    assert.deepEqual(await axeProblems(page), [], `axe on the report page (${lang})`);
  }
  // The text-size control works.
  await page.click("button[data-step='0.1']");
  assert.equal(
    await page.evaluate(() => document.documentElement.style.getPropertyValue("--text-scale")),
    "1.1",
  );

  // Sent from the report's page: nothing is ticked, the review names the number of people.
  await admin.goto(`${stack.app.url}/admin/reports/${report.id}`);
  assert.equal(await admin.locator("form[data-audience-picker] input:checked").count(), 0);
  await admin.check("form[data-audience-picker] input[name=topics][value=governance]");
  await admin.waitForFunction(() =>
    /1 person/.test(document.querySelector("[data-audience-count]")?.textContent ?? ""),
  );
  await admin.click("text=Review the send");
  assert.match(await admin.textContent("h1"), /Review the send/);
  assert.equal(await admin.textContent("[data-review-total]"), "1");
  assert.deepEqual(await axeProblems(admin), [], "axe on the send review page");
  if (await admin.locator("input[name=confirm][type=checkbox]").count())
    await admin.check("input[name=confirm][type=checkbox]");
  await admin.click("button:has-text('Send to 1 person')");
  await admin.waitForURL(/\/admin\/distributions\/dst_/);

  // The progress page.
  assert.match(await admin.textContent("h1"), /Distribution/);
  assert.deepEqual(await axeProblems(admin), [], "axe on the distribution progress page");

  const received = await waitForMail(stack.app, email, "Local councils and public services");
  assert.ok(
    received.text.includes(`${stack.app.url}/reports/${report.slug}/pdf/en`),
    "the email links to the PDF edition on the site",
  );
  assert.equal(received.headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
  const unsubscribe = received.text.match(/http:\/\/127\.0\.0\.1:\d+\/u\/[^\s\]]+/)?.[0];
  assert.ok(unsubscribe, "the report carries a visible unsubscribe link");
  assert.equal(received.headers["List-Unsubscribe"], `<${unsubscribe}>`);

  await page.goto(unsubscribe);
  const before = await api(stack.app, "/api/v1/subscribers?status=active");
  assert.ok(
    before.data.some((s) => s.email === email),
    "a GET does not unsubscribe",
  );
  await page.click("button[type=submit]");
  assert.match(await page.textContent("main"), /You are unsubscribed/);
  const afterwards = await api(stack.app, "/api/v1/subscribers?status=unsubscribed");
  assert.ok(afterwards.data.some((s) => s.email === email));

  // The live progress page ends up showing the completed counts.
  await admin.waitForFunction(
    () => document.querySelector('[data-count="sent"]')?.textContent === "1",
    null,
    { timeout: 15_000 },
  );
  // Once finished it says so, and offers no cancel.
  await admin.waitForFunction(
    () => document.querySelector("[data-state]")?.textContent === "Completed",
    null,
    { timeout: 15_000 },
  );
  assert.equal(await admin.locator("text=Cancel what has not gone out").count(), 0);

  // A check that refuses: a topic nobody follows is an empty audience, named, with no way
  // to send.
  await api(stack.app, "/api/v1/topics", {
    method: "POST",
    body: JSON.stringify({ slug: "nobody-follows", name: "Nobody follows this" }),
  });
  await admin.goto(`${stack.app.url}/admin/reports/${report.id}`);
  await admin.check("form[data-audience-picker] input[name=topics][value=nobody-follows]");
  await admin.click("text=Review the send");
  assert.match(await admin.textContent("main"), /Nobody is in this audience/);
  assert.equal(await admin.locator("button:has-text('Send to')").count(), 0);
});
