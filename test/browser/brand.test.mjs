// The organisation, as a visitor and a registrant see it: its name and logo in the page
// header (English and Arabic, desktop and phone), its address at the foot, and the same in
// the email a registration sends. SHOTS_DIR=/tmp/x keeps screenshots to look at.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { axeProblems, publishedWorkshop, SIZES, startStack, waitForMail } from "./support.mjs";

const ORG = {
  ORG_NAME: "Centre for Water Policy",
  ORG_NAME_AR: "مركز سياسات المياه",
  ORG_LOGO_URL: "/assets/icon.png",
  ORG_ADDRESS: "12 Hamra Street\nBeirut, Lebanon",
};

let stack;
let workshop;

before(async () => {
  stack = await startStack({ bindings: ORG });
  workshop = await publishedWorkshop(
    stack.app,
    {
      title: "Shared aquifers and local councils",
      timezone: "Asia/Beirut",
      capacity: 12,
      registrationMode: "open",
    },
    { daysAhead: 12, hours: 4 },
  );
});

after(async () => {
  await stack?.close();
});

async function shot(page, name) {
  if (process.env.SHOTS_DIR)
    await page.screenshot({ path: `${process.env.SHOTS_DIR}/${name}.png`, fullPage: true });
}

test("every page shows the organisation's name, logo and address", async () => {
  for (const [lang, name] of [
    ["en", ORG.ORG_NAME],
    ["ar", ORG.ORG_NAME_AR],
  ]) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      const page = await stack.newPage();
      await page.setViewportSize(viewport);
      await page.goto(`${stack.app.url}/workshops/${workshop.slug}?lang=${lang}`);
      assert.equal((await page.textContent("header.site .brand")).trim(), name);
      // The logo is served from the site itself and really loads.
      const logo = await page.$eval("header.site .brand img", (img) => ({
        loaded: img.complete && img.naturalWidth > 0,
        height: img.getBoundingClientRect().height,
      }));
      assert.ok(logo.loaded, "the logo loads");
      assert.ok(logo.height <= 40, "the logo stays header-sized");
      const address = await page.textContent("footer.site address");
      assert.match(address, /12 Hamra Street/);
      assert.match(address, /Beirut, Lebanon/);
      // Nothing overflows the phone's width.
      assert.equal(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
        true,
        `no horizontal scroll (${lang}, ${size})`,
      );
      assert.deepEqual(await axeProblems(page), [], `axe (${lang}, ${size})`);
      await shot(page, `brand-page-${lang}-${size}`);
      await page.close();
    }
  }
});

test("the registration's email shows the organisation and why it was sent", async () => {
  const email = `brand.${Date.now()}@example.org`;
  const res = await fetch(
    `${stack.app.url}/api/v1/public/workshops/${workshop.slug}/registrations`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Rana Haddad", email, language: "ar" }),
    },
  );
  assert.equal(res.status, 202);
  const mail = await waitForMail(stack.app, email, "تأكيد التسجيل");
  assert.match(mail.from ?? "", /^"Centre for Water Policy" </);
  assert.match(mail.html, /alt="مركز سياسات المياه"/);
  assert.match(mail.text, /12 Hamra Street/);
  assert.match(mail.text, /تصلك هذه الرسالة لأنك سجّلت في «Shared aquifers and local councils»\./);
  const page = await stack.newPage();
  await page.setViewportSize(SIZES.phone);
  await page.setContent(mail.html);
  await shot(page, "brand-email-ar-phone");
  assert.equal(
    await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    true,
    `the email fits a phone (${await page.evaluate(() => document.documentElement.scrollWidth)} px wide)`,
  );
  await page.close();
});
