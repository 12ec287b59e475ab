// End to end in headless Chromium: a distribution pauses by itself. 320 subscribers (imported
// as CSV) are sent a report from the send screen through a fake Resend on loopback, which
// holds the third batch's call; meanwhile Resend's signed webhooks report the first 200 as
// delivered and one as a complaint (0.5 %, over 0.3 %). The organiser's progress page, open
// all along, turns to "paused" and says why; the batch in flight finishes, the last is not
// sent; Resume sends it, once, and the page ends on the true state. axe-core on the paused
// page; with SHOTS_DIR set, screenshots of it at desktop and phone size, English and Arabic.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { createFakeResend } from "../support/fake-outside.mjs";
import { APP_BINDINGS } from "../support/local-worker.mjs";
import { api, axeProblems, DESKTOP, SIZES, startStack } from "./support.mjs";

const COUNT = 320; // batches of 100: chunks 0 to 2, and 20 in chunk 3
const NS = "pause";
const WEBHOOK_SECRET = `whsec_${Buffer.from("browser-test-webhook-key-0123456789").toString("base64")}`;
/** Chunk 2's call is held at most this long: below the app's 15 s provider timeout. */
const HOLD_MS = 12_000;
const SHOTS = process.env.SHOTS_DIR;

let stack;
let resend;

/**
 * The fake Resend (test/support/fake-outside.mjs) behind a Node HTTP server. Every call for
 * chunk 2 (its Idempotency-Key) waits for release() or HOLD_MS, whichever comes first, and
 * only then reaches the fake: the chunk is in flight, the later one not attempted yet.
 */
async function startHeldResend() {
  const fake = createFakeResend();
  let release = () => {};
  let released = false;
  let held = null;
  const hold = () => {
    held ??= new Promise((resolve) => {
      release = resolve;
      setTimeout(resolve, HOLD_MS);
    });
    return released ? Promise.resolve() : held;
  };
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    if (/\/chunk\/2$/.test(req.headers["idempotency-key"] ?? "")) await hold();
    const response = await fake.fetch(
      new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: req.headers,
        body: req.method === "GET" ? undefined : Buffer.concat(chunks),
      }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/${NS}`,
    release: () => {
      released = true;
      release();
    },
    /** What the fake was asked to deliver: id, to and tags of each email. */
    delivered: async () =>
      (await (await fake.fetch(new Request(`http://x/__control/${NS}/state`))).json()).delivered,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

let eventNo = 0;
/** A Resend event about one sent email, signed as Svix signs it. */
async function webhook(type, email) {
  const id = `msg_browser_${++eventNo}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: { email_id: email.id, to: [email.to], tags: email.tags },
  });
  const key = Buffer.from(WEBHOOK_SECRET.slice("whsec_".length), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  const res = await fetch(`${stack.app.url}/api/v1/webhooks/resend`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "svix-id": id,
      "svix-timestamp": timestamp,
      "svix-signature": `v1,${signature}`,
    },
    body,
  });
  assert.equal(res.status, 200, await res.text());
}

async function until(what, check, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  resend = await startHeldResend();
  stack = await startStack({
    bindings: {
      RESEND_API_KEY: "re_browser_test",
      RESEND_BASE_URL: resend.url,
      // No pacing wait between calls: the hold above is the only delay.
      RESEND_RATE: "1000",
      RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
  });
  await api(stack.app, "/api/v1/topics", {
    method: "POST",
    body: JSON.stringify({ slug: "energy", name: "Energy", nameAr: "الطاقة" }),
  });
  const csv = [
    "email,name,language,topics",
    ...Array.from(
      { length: COUNT },
      (_, i) => `reader${i}@example.org,Reader ${i},${i % 3 ? "en" : "ar"},energy`,
    ),
  ].join("\n");
  const imported = await api(stack.app, "/api/v1/subscribers/import", {
    method: "POST",
    headers: { "Content-Type": "text/csv" },
    body: csv,
  });
  assert.equal(imported.imported, COUNT, JSON.stringify(imported.errors));
});

after(async () => {
  await stack?.close();
  await resend?.close();
});

test("a send pauses by itself on complaints, says why, and resumes without sending twice", async () => {
  const report = await api(stack.app, "/api/v1/reports", {
    method: "POST",
    body: JSON.stringify({
      defaultLanguage: "en",
      versions: [
        {
          language: "en",
          title: "Energy subsidies after the reform",
          summary: "What participants recommended.",
          body: "## Findings\n\nParticipants agreed on **two** steps.",
        },
        {
          language: "ar",
          title: "دعم الطاقة بعد الإصلاح",
          summary: "توصيات المشاركين.",
          body: "## النتائج\n\nاتفق المشاركون على **خطوتين**.",
        },
      ],
    }),
  });
  await api(stack.app, `/api/v1/reports/${report.id}/publish`, { method: "POST" });

  const admin = await stack.newPage();
  await admin.goto(`${stack.app.url}/admin/sign-in`);
  await admin.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await admin.click("text=Sign in with the token");
  await admin.goto(`${stack.app.url}/admin/reports/${report.id}`);
  await admin.check("form[data-audience-picker] input[name=topics][value=energy]");
  await admin.click("text=Review the send");
  assert.equal(await admin.textContent("[data-review-total]"), String(COUNT));
  await admin.click(`button:has-text('Send to ${COUNT} people')`);
  await admin.waitForURL(/\/admin\/distributions\/dst_/);
  const distributionId = new URL(admin.url()).pathname.split("/").at(-1);
  const distribution = () => api(stack.app, `/api/v1/distributions/${distributionId}`);

  // Chunks 0 and 1 went out; chunk 2 is held in flight. Resend reports 200 delivered, then
  // a complaint: 1 of 200 is 0.5 %, over 0.3 %.
  const sent = await until("the first 200 emails", async () => {
    const delivered = await resend.delivered();
    return delivered.length >= 200 && delivered;
  });
  assert.equal(sent.length, 200, "chunk 2 is held, chunk 3 not attempted");
  assert.equal((await distribution()).status, "sending");
  for (let i = 0; i < 200; i += 25)
    await Promise.all(sent.slice(i, i + 25).map((email) => webhook("email.delivered", email)));
  await webhook("email.complained", sent[7]);
  const reason = "complaints at 0.50 % of delivered (1 of 200), over 0.3 %";
  assert.deepEqual(
    {
      status: (await distribution()).status,
      pauseReason: (await distribution()).pauseReason,
    },
    { status: "paused", pauseReason: reason },
  );

  // The progress page, open all along, reloads itself into the paused state and says why.
  await admin.waitForFunction(
    () => document.querySelector("[data-state]")?.textContent.startsWith("Paused"),
    null,
    { timeout: 15_000 },
  );
  const why = (await admin.textContent("[data-pause-reason]")).replaceAll("\u00a0", " ");
  assert.ok(why.includes(reason), why);
  assert.equal(await admin.getAttribute("[data-pause-reason]", "role"), "alert");
  assert.equal(await admin.locator("button:has-text('Resume sending')").count(), 1);
  assert.equal(await admin.locator("button:has-text('Cancel what has not gone out')").count(), 1);

  // The batch in flight finishes; the one not attempted is not sent while paused.
  resend.release();
  await until("chunk 2 to finish", async () => (await distribution()).sent === 300);
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal((await resend.delivered()).length, 300);
  await admin.reload();
  assert.match(await admin.textContent("[data-state]"), /^Paused/);
  assert.equal(await admin.textContent('[data-count="sent"]'), "300");
  assert.equal(await admin.textContent('[data-count="total"]'), String(COUNT));
  assert.equal(await admin.textContent('[data-count="complained"]'), "1");
  assert.deepEqual(await axeProblems(admin), [], "axe on the paused progress page");

  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    const url = admin.url();
    for (const lang of ["en", "ar"]) {
      await admin.setExtraHTTPHeaders({ "Accept-Language": lang });
      await admin.goto(`${url}?lang=${lang}`);
      for (const [size, viewport] of Object.entries(SIZES)) {
        await admin.setViewportSize(viewport);
        await admin.screenshot({ path: `${SHOTS}/paused-${lang}-${size}.png`, fullPage: true });
      }
    }
    await admin.setExtraHTTPHeaders({});
    await admin.setViewportSize(DESKTOP);
    await admin.goto(url);
  }

  // Resumed: the rest goes out, nobody twice, and the page ends on the true state.
  await admin.click("button:has-text('Resume sending')");
  assert.match(await admin.textContent(".notice"), /Resumed/);
  await admin.waitForFunction(
    () => document.querySelector("[data-state]")?.textContent === "Completed",
    null,
    { timeout: 20_000 },
  );
  assert.equal(await admin.locator(".notice").count(), 0, "the reload drops the old notice");
  const delivered = await resend.delivered();
  assert.equal(delivered.length, COUNT);
  assert.equal(new Set(delivered.map((d) => d.to)).size, COUNT, "nobody got it twice");
  assert.equal(await admin.textContent('[data-count="sent"]'), String(COUNT));
  assert.match(await admin.textContent("[data-pause-reason]"), /^Resumed after pausing by itself/);
  assert.equal(await admin.getAttribute("[data-pause-reason]", "role"), null);
  assert.equal(await admin.locator("button:has-text('Resume sending')").count(), 0);
  assert.equal(await admin.locator("button:has-text('Cancel what has not gone out')").count(), 0);
  if (SHOTS) await admin.screenshot({ path: `${SHOTS}/resumed-en-desktop.png`, fullPage: true });
});
