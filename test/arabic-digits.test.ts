// ARABIC_DIGITS: Arabic dates and numbers in Latin (default) or Arabic-Indic digits, on the
// pages and in the emails alike.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { Env } from "../src/env";
import { arabicDigitsFrom, localeOf, setArabicDigits } from "../src/i18n";
import { formatRange } from "../src/lib/time";
import { settingsFrom } from "../src/services";
import { app } from "./support/app";
import { createWorkshop } from "./support/workshops";

const start = new Date("2027-05-03T07:00:00Z");
const end = new Date("2027-05-03T13:30:00Z");

// The setting is module state set when services are built: put the default back.
afterEach(() => setArabicDigits("latn"));

describe("ARABIC_DIGITS", () => {
  it("reads latn or arab, Latin digits for anything else", () => {
    expect(arabicDigitsFrom(undefined)).toBe("latn");
    expect(arabicDigitsFrom("")).toBe("latn");
    expect(arabicDigitsFrom(" ARAB ")).toBe("arab");
    expect(arabicDigitsFrom("hindi")).toBe("latn");
    expect(settingsFrom({ ...env, ARABIC_DIGITS: "arab" } as Env).arabicDigits).toBe("arab");
    expect(settingsFrom(env as Env).arabicDigits).toBe("latn");
  });

  it("writes Arabic dates in Latin digits by default, in Arabic-Indic ones when set", () => {
    expect(localeOf("ar")).toBe("ar-u-nu-latn");
    expect(formatRange(start, end, "Asia/Beirut", "ar")).toContain("10:00");
    setArabicDigits("arab");
    expect(localeOf("ar")).toBe("ar-u-nu-arab");
    const arab = formatRange(start, end, "Asia/Beirut", "ar");
    expect(arab).toContain("١٠:٠٠");
    expect(arab).not.toMatch(/[0-9]/);
    // English is untouched.
    expect(formatRange(start, end, "Asia/Beirut", "en")).toContain("10:00");
  });

  it("reaches the public pages through the setting", async () => {
    const w = await createWorkshop({
      timezone: "Asia/Beirut",
      startsAt: start.toISOString(),
      endsAt: end.toISOString(),
    });
    const page = (digits: string) =>
      app.request(
        `/workshops/${w.slug}?lang=ar`,
        {},
        { ...env, ARABIC_DIGITS: digits } as Env,
        createExecutionContext(),
      );
    const arab = await (await page("arab")).text();
    expect(arab).toContain("١٠:٠٠");
    expect(arab).toContain('data-locale="ar-u-nu-arab"');
    const latn = await (await page("latn")).text();
    expect(latn).toContain("10:00");
    expect(latn).not.toContain("١٠:٠٠");
  });
});
