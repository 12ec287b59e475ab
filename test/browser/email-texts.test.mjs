// An organiser writes the workshop's own Arabic confirmation text and previews it: the
// email shows in a sandboxed frame with the text filled in, what was typed stays in its box,
// and nothing is saved until the form is.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { APP_BINDINGS } from "../support/local-worker.mjs";
import { api, startStack } from "./support.mjs";

let stack;
let workshop;

before(async () => {
  stack = await startStack();
  const start = new Date(Date.now() + 10 * 86_400_000);
  workshop = await api(stack.app, "/api/v1/workshops", {
    method: "POST",
    body: JSON.stringify({
      title: "Water and cities",
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3 * 3600_000).toISOString(),
      timezone: "Asia/Beirut",
      venue: { name: "Hall B", city: "Beirut" },
      capacity: 12,
      registrationMode: "open",
    }),
  });
});

after(async () => {
  await stack?.close();
});

test("the Arabic confirmation text is previewed without being saved", async () => {
  const page = await stack.newPage();
  await page.goto(`${stack.app.url}/admin/sign-in`);
  await page.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await page.click("text=Sign in with the token");
  await page.goto(`${stack.app.url}/admin/workshops/${workshop.id}/edit`);
  const text = "أهلاً {name}، نلتقي في {venue}.";
  await page.fill("#f-emailText_ar_confirmed", text);
  assert.equal(await page.getAttribute("#f-emailText_ar_confirmed", "dir"), "auto");
  await page.selectOption("#f-previewLang", "ar");
  await page.click("button:text('Preview')");
  await page.waitForSelector("#email-preview iframe");
  assert.equal(await page.inputValue("#f-emailText_ar_confirmed"), text);
  const frame = page.frameLocator("#email-preview iframe");
  const body = await frame.locator("body").textContent();
  assert.ok(body.includes("أهلاً ليلى حداد، نلتقي في Hall B، Beirut."), body);
  const saved = await api(stack.app, `/api/v1/workshops/${workshop.id}`);
  assert.deepEqual(saved.emailTexts, {});
});
