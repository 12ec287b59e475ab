import { describe, expect, it } from "vitest";
import { formatRange, utcToZonedLocal, zonedLocalToUtc } from "../src/lib/time";

describe("time zones", () => {
  it("convert wall-clock time in a zone to UTC and back, across DST", () => {
    expect(zonedLocalToUtc("2027-05-03T10:00", "Europe/Istanbul")!.toISOString()).toBe(
      "2027-05-03T07:00:00.000Z",
    );
    expect(zonedLocalToUtc("2027-07-01T09:30", "Europe/London")!.toISOString()).toBe(
      "2027-07-01T08:30:00.000Z",
    );
    expect(zonedLocalToUtc("2027-01-15T09:30", "Europe/London")!.toISOString()).toBe(
      "2027-01-15T09:30:00.000Z",
    );
    expect(zonedLocalToUtc("2027-03-14T12:00", "America/New_York")!.toISOString()).toBe(
      "2027-03-14T16:00:00.000Z",
    );
    expect(utcToZonedLocal(new Date("2027-05-03T07:00:00Z"), "Europe/Istanbul")).toBe(
      "2027-05-03T10:00",
    );
    expect(zonedLocalToUtc("nonsense", "Europe/Istanbul")).toBeNull();
  });

  it("formats a range in the workshop's zone, in English and Arabic", () => {
    const start = new Date("2027-05-03T07:00:00Z");
    const end = new Date("2027-05-03T13:30:00Z");
    expect(formatRange(start, end, "Europe/Istanbul", "en")).toBe(
      "Monday, 3 May 2027, 10:00 – 16:30 (Istanbul time)",
    );
    const ar = formatRange(start, end, "Europe/Istanbul", "ar");
    // Arabic punctuation, and the zone by its city's Arabic name.
    expect(ar).toContain("، ");
    expect(ar).not.toContain(", ");
    expect(ar).toContain("(بتوقيت إسطنبول)");
    expect(formatRange(start, end, "America/Argentina/Buenos_Aires", "en")).toContain(
      "(Buenos Aires time)",
    );
    expect(formatRange(start, end, "UTC", "ar")).toContain("(UTC)");
  });
});
