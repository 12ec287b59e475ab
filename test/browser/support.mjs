// Browser-test support: the app in Miniflare (dev mailbox, real queue consumer), Debian's
// Chromium through playwright-core, and axe-core injected into pages.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { APP_BINDINGS, startApp } from "../support/local-worker.mjs";

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve("axe-core/axe.min.js");
export const ADMIN = { Authorization: `Bearer ${APP_BINDINGS.ADMIN_TOKEN}` };

/** The two screen sizes every page is tried at: a laptop, and a phone (iPhone 12–15). */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
export const SIZES = { desktop: DESKTOP, phone: PHONE };

/**
 * `appOptions` go to startApp: bindings (a fake Resend instead of the dev mailbox, say);
 * `browserArgs` are extra Chromium switches (a fake camera, say).
 */
export async function startStack(appOptions = {}, { browserArgs = [] } = {}) {
  const app = await startApp(appOptions);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...browserArgs,
    ],
  });
  // bypassCSP lets the test inject axe-core; the app's own pages still send their strict CSP.
  const context = await browser.newContext({ bypassCSP: true });
  return {
    app,
    browser,
    newPage: () => context.newPage(),
    close: async () => {
      await browser.close();
      await app.mf.dispose();
    },
  };
}

export async function api(app, path, init = {}) {
  const res = await fetch(`${app.url}${path}`, {
    ...init,
    headers: {
      ...(init.body ? { "Content-Type": "application/json" } : {}),
      ...ADMIN,
      ...(init.headers ?? {}),
    },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * A published workshop starting `daysAhead` days from now and lasting `hours`: `fields` as
 * the API takes them (title, timezone, capacity, …), on top of open registration.
 */
export async function publishedWorkshop(app, fields, { daysAhead = 10, hours = 4 } = {}) {
  const start = new Date(Date.now() + daysAhead * 86_400_000);
  const workshop = await api(app, "/api/v1/workshops", {
    method: "POST",
    body: JSON.stringify({
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + hours * 3600_000).toISOString(),
      registrationMode: "open",
      ...fields,
    }),
  });
  await api(app, `/api/v1/workshops/${workshop.id}/publish`, { method: "POST" });
  return workshop;
}

/**
 * The first signed link of a participant (`/r/…`, `/i/…`, `/f/…`) in an email's text;
 * fails the test when the email has none.
 */
export function signedLink(text, prefix) {
  const link = text.match(
    new RegExp(`http://127\\.0\\.0\\.1:\\d+/${prefix}/[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*`),
  )?.[0];
  assert.ok(link, `the email carries a /${prefix}/ link`);
  return link;
}

/** Waits for an email to arrive in the dev mailbox (the queue consumer delivers it). */
export async function waitForMail(app, to, subjectPart, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { data } = await api(app, `/api/v1/mailbox?to=${encodeURIComponent(to)}`);
    const found = data.find((m) => m.subject.includes(subjectPart));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email "${subjectPart}" to ${to} within ${timeoutMs} ms`);
}

/** Runs axe on the page; returns serious and critical violations, described. */
export async function axeProblems(page) {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(async () =>
    window.axe.run(document, { resultTypes: ["violations"] }),
  );
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
}
