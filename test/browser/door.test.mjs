// The door page's scanning on browsers without BarcodeDetector (Safari on iPhone, Firefox)
// and without a camera at all, at phone size, in headless Chromium. Chromium's fake camera
// plays a Y4M file made here that shows a QR code of a check-in link, so the jsQR path is
// tested end to end: the page loads the vendored decoder, reads the code and follows it.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { encode } from "uqr";
import { APP_BINDINGS } from "../support/local-worker.mjs";
import { api, PHONE, startStack } from "./support.mjs";

const SHOTS = process.env.SHOTS_DIR ?? "/tmp/shots-door";
/** The scanned code points at a check-in link; a made-up token is enough to see it followed. */
const SCANNED_PATH = "/admin/check-in/chk.scanned-by-jsqr";

let stack;
let workshop;
let videoPath;

/** A Y4M video (4:2:0, two still frames) of `text`'s QR code, black on white, centred. */
function qrVideo(text, width = 640, height = 480) {
  const modules = encode(text, { ecc: "M", border: 4 }).data;
  const px = Math.floor(Math.min(width, height) / modules.length);
  const left = Math.floor((width - modules.length * px) / 2);
  const top = Math.floor((height - modules.length * px) / 2);
  const luma = Buffer.alloc(width * height, 255);
  modules.forEach((row, my) => {
    row.forEach((dark, mx) => {
      if (!dark) return;
      for (let y = 0; y < px; y++)
        luma.fill(
          0,
          (top + my * px + y) * width + left + mx * px,
          (top + my * px + y) * width + left + (mx + 1) * px,
        );
    });
  });
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma]);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${width} H${height} F5:1 Ip A1:1 C420jpeg\n`),
    frame,
    frame,
  ]);
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The app's port is only known once it runs, and the code must name this origin: the video
  // is written after startApp, before Chromium opens it (on the first getUserMedia).
  videoPath = join(tmpdir(), `door-qr-${process.pid}.y4m`);
  writeFileSync(videoPath, qrVideo("https://placeholder.invalid/"));
  stack = await startStack(
    {},
    {
      browserArgs: [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        `--use-file-for-fake-video-capture=${videoPath}`,
      ],
    },
  );
  writeFileSync(videoPath, qrVideo(`${stack.app.url}${SCANNED_PATH}`));
  const start = new Date(Date.now() + 10 * 86_400_000);
  workshop = await api(stack.app, "/api/v1/workshops", {
    method: "POST",
    body: JSON.stringify({
      title: "Door scanning on any phone",
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3 * 3600_000).toISOString(),
      timezone: "Asia/Beirut",
      capacity: 10,
      registrationMode: "open",
    }),
  });
});

after(async () => {
  await stack?.close();
});

/** A phone-sized page, signed in, whose scripts see the browser `initScript` leaves. */
async function doorPage(initScript, lang = "en") {
  const context = await stack.browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const assets = [];
  page.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/assets/")) assets.push(`${path} ${r.status()}`);
  });
  await page.goto(`${stack.app.url}/admin/sign-in`);
  await page.fill("#f-token", APP_BINDINGS.ADMIN_TOKEN);
  await page.click("text=Sign in with the token");
  await page.goto(`${stack.app.url}/admin/workshops/${workshop.id}/door?lang=${lang}`);
  await page.waitForFunction(
    () =>
      document.querySelector("#scan-section[data-scanner]") ||
      document.querySelector("#scan-status")?.textContent,
  );
  return { page, assets, context };
}

test("without BarcodeDetector the page scans with jsQR, loaded only then", async () => {
  const { page, assets, context } = await doorPage(() => {
    delete window.BarcodeDetector;
  });
  assert.ok(await page.isVisible("#scan"), "the camera button shows");
  assert.equal(await page.getAttribute("#scan-section", "data-scanner"), "jsqr");
  assert.ok(!assets.some((a) => a.includes("vendor")), "jsQR waits for the camera button");
  await page.screenshot({ path: `${SHOTS}/door-jsqr-phone.png`, fullPage: true });

  await Promise.all([page.waitForURL(`**${SCANNED_PATH}`), page.click("#scan")]);
  assert.ok(assets.includes("/assets/vendor/jsQR.js 200"), "the page's CSP lets jsQR load");
  assert.match(await page.textContent("main"), /not valid, or has expired/);
  await context.close();
});

test("with BarcodeDetector the page never loads jsQR", async () => {
  const { page, assets, context } = await doorPage(() => {
    window.BarcodeDetector = class {
      static getSupportedFormats = async () => ["qr_code"];
      detect = async () => [];
    };
  });
  assert.ok(await page.isVisible("#scan"));
  assert.equal(await page.getAttribute("#scan-section", "data-scanner"), "native");
  await page.click("#scan");
  await page.waitForSelector("#camera:not([hidden])");
  await page.waitForTimeout(500);
  assert.ok(!assets.some((a) => a.includes("vendor")), "no jsQR where the browser can scan");
  await context.close();
});

for (const lang of ["en", "ar"]) {
  test(`without a camera API the page says to search by name (${lang})`, async () => {
    const { page, context } = await doorPage(() => {
      delete Navigator.prototype.mediaDevices;
    }, lang);
    assert.equal(await page.isVisible("#scan"), false, "no camera button");
    const said = await page.textContent("#scan-status");
    assert.equal(
      said,
      lang === "en"
        ? "Scanning isn't available on this device: search by name below."
        : "المسح غير متاح على هذا الجهاز: يمكن البحث بالاسم أدناه.",
    );
    assert.ok(await page.isVisible("#door-q"), "the search is there");
    await page.screenshot({ path: `${SHOTS}/door-no-camera-${lang}-phone.png`, fullPage: true });
    await context.close();
  });
}
