// End to end in headless Chromium: register through the public form, confirm through the
// link in the dev mailbox, check in from the door page; axe-core on every page on the way,
// in English and in Arabic.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
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

const JSQR_PATH = createRequire(import.meta.url).resolve("jsqr/dist/jsQR.js");

const SECURITY_HEADERS = [
  "content-security-policy",
  "x-content-type-options",
  "referrer-policy",
  "x-frame-options",
  "strict-transport-security",
  "cross-origin-resource-policy",
  "cross-origin-opener-policy",
  "permissions-policy",
];

let stack;
let workshop;
const email = `browser.${Date.now()}@example.org`;

before(async () => {
  stack = await startStack();
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "Cross-border trade after the reopening",
      description:
        "A closed workshop on **trade routes**, customs and the people who depend on them.",
      timezone: "Europe/Istanbul",
      venue: { name: "Meeting room 3", city: "Istanbul" },
      capacity: 20,
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
    { daysAhead: 10, hours: 5 },
  );
});

after(async () => {
  await stack?.close();
});

async function checkedPage(path, lang) {
  const page = await stack.newPage();
  const assets = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname.startsWith("/assets/")) assets.push(r.status());
  });
  const res = await page.goto(
    `${stack.app.url}${path}${path.includes("?") ? "&" : "?"}lang=${lang}`,
  );
  assert.equal(res.status(), 200, `${path} answers 200`);
  // The stylesheet and script load (static assets) and the page's CSP lets the stylesheet apply.
  assert.deepEqual(assets, [200, 200], `${path} loads app.css and app.js`);
  assert.equal(
    await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
    "rgb(250, 250, 250)",
  );
  assert.equal(await page.getAttribute("html", "lang"), lang);
  assert.equal(await page.getAttribute("html", "dir"), lang === "ar" ? "rtl" : "ltr");
  assert.deepEqual(await axeProblems(page), [], `axe on ${path} (${lang})`);
  return page;
}

test("stylesheet and scripts are static assets with the pages' security headers", async () => {
  const page = await fetch(`${stack.app.url}/`);
  for (const path of ["/assets/app.css", "/assets/app.js", "/assets/door.js"]) {
    const res = await fetch(`${stack.app.url}${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("cache-control"), "public, max-age=3600", path);
    for (const name of SECURITY_HEADERS) {
      assert.equal(res.headers.get(name), page.headers.get(name), `${path}: ${name}`);
    }
  }
});

for (const lang of ["en", "ar"]) {
  test(`home and workshop pages pass axe (${lang})`, async () => {
    (await checkedPage("/", lang)).close();
    (await checkedPage(`/workshops/${workshop.slug}`, lang)).close();
  });
}

/** Renders an email's HTML in Chromium, screenshots its QR table and decodes it (jsQR). */
async function scanQrCode(stack, html) {
  const page = await stack.newPage();
  await page.setContent(html);
  const shot = await page.locator('table[style*="table-layout:fixed"]').screenshot();
  await page.setContent("<canvas></canvas>");
  await page.addScriptTag({ path: JSQR_PATH });
  return page.evaluate(async (png) => {
    const image = new Image();
    image.src = `data:image/png;base64,${png}`;
    await image.decode();
    const margin = 16;
    const canvas = document.querySelector("canvas");
    canvas.width = image.width + 2 * margin;
    canvas.height = image.height + 2 * margin;
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, margin, margin);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    return globalThis.jsQR(pixels.data, canvas.width, canvas.height)?.data ?? null;
  }, shot.toString("base64"));
}

test("register through the form, confirm from the mailbox, check in at the door", async () => {
  const page = await stack.newPage();
  await page.goto(`${stack.app.url}/workshops/${workshop.slug}?lang=en`);

  // A first try without the required answer is explained next to the field.
  await page.fill("#f-name", "Lina Browser");
  await page.fill("#f-email", email);
  await page.click("button[type=submit]");
  assert.match(await page.textContent("main"), /Please correct the fields marked below/);
  assert.equal(await page.inputValue("#f-name"), "Lina Browser");
  assert.deepEqual(await axeProblems(page), [], "axe on the explained form");

  await page.check("text=Transport");
  await page.click("button[type=submit]");
  assert.match(await page.textContent("h1"), /Check your email/);

  const verify = await waitForMail(stack.app, email, "Confirm your registration");
  const link = signedLink(verify.text, "r");

  await page.goto(link);
  assert.match(await page.textContent("main"), /Waiting for your confirmation/);
  assert.deepEqual(await axeProblems(page), [], "axe on the registration page (en)");
  await page.click("text=Confirm my registration");
  assert.match(await page.textContent("main"), /Confirmed/);
  const confirmation = await waitForMail(stack.app, email, "You are confirmed");
  assert.deepEqual(
    confirmation.attachments.map((a) => a.filename),
    ["workshop.ics"],
  );

  // The check-in QR code, drawn by Chromium from the email's HTML and read back from the
  // screenshot's pixels as a phone would from a screen, is the check-in link.
  const checkinUrl = await scanQrCode(stack, confirmation.html);
  assert.match(
    checkinUrl ?? "",
    /^http:\/\/127\.0\.0\.1:\d+\/admin\/check-in\/chk\.reg_[a-z2-7]{26}\.[0-9a-z]+\.[A-Za-z0-9_-]{27}$/,
  );

  await page.goto(`${link}?lang=ar`);
  assert.equal(await page.getAttribute("html", "dir"), "rtl");
  assert.match(await page.textContent("main"), /مؤكَّد/);
  assert.deepEqual(await axeProblems(page), [], "axe on the registration page (ar)");

  // The door: sign in with the admin token, find the person, check them in.
  const door = await stack.newPage();
  await door.goto(`${stack.app.url}/admin/sign-in`);
  await door.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await door.click("text=Sign in with the token");
  await door.goto(checkinUrl);
  assert.match(await door.textContent("main"), /Lina Browser/);
  for (const lang of ["en", "ar"]) {
    await door.goto(`${stack.app.url}/admin/workshops/${workshop.id}/door?lang=${lang}`);
    assert.equal(await door.getAttribute("html", "dir"), lang === "ar" ? "rtl" : "ltr");
    assert.deepEqual(await axeProblems(door), [], `axe on the door page (${lang})`);
  }
  // door.js ran: it shows the camera button, or says why there is none.
  const scanShown = await door.isVisible("#scan");
  const status = await door.textContent("#scan-status");
  assert.ok(
    scanShown || status === (await door.getAttribute("#scan-status", "data-unsupported")),
    "door.js ran",
  );
  await door.goto(`${stack.app.url}/admin/workshops/${workshop.id}/door?lang=en`);
  await door.fill("#door-q", "Lina");
  await door.click("form[role=search] button, search button");
  await door.click("text=Check in Lina Browser");
  assert.match(await door.textContent("main"), /Lina Browser is checked in/);
  assert.deepEqual(await axeProblems(door), [], "axe on the door page after a check-in");

  const { data } = await api(
    stack.app,
    `/api/v1/workshops/${workshop.id}/registrations?status=attended`,
  );
  assert.deepEqual(
    data.map((r) => r.email),
    [email],
  );
});
