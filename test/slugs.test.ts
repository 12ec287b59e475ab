// Slugs from titles: transliterated Arabic, numbered on collision, editable in the workshop
// and report forms, and never changed behind an organiser's back.
import { describe, expect, it } from "vitest";
import { freeSlug, slugify } from "../src/lib/slugs";
import { ADMIN, call, form, json, ownerCookie } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

describe("slugify", () => {
  it("makes lowercase, dashed slugs from English titles", () => {
    expect(slugify("Water Rights & the Upper River (2026)")).toBe(
      "water-rights-the-upper-river-2026",
    );
    expect(slugify("Café économique")).toBe("cafe-economique");
  });

  it("transliterates Arabic titles, ignoring harakat and tatweel", () => {
    expect(slugify("مؤتمر الطاقة المتجددة")).toBe("mutmr-altaqa-almtjdda");
    expect(slugify("مـؤتَمَر")).toBe("mutmr");
    expect(slugify("ورشة عمل حول المياه")).toBe("wrsha-ml-hul-almiah");
    expect(slugify("الجلسة ٣: إعادة الإعمار")).toBe("aljlsa-3-iada-alimar");
  });

  it("cuts long titles at a word and leaves nothing for titles without letters", () => {
    const long = slugify("regional ".repeat(12));
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long).toMatch(/^(regional-)*regional$/);
    expect(slugify("؟!…")).toBe("");
  });

  it("numbers a taken slug with the first free suffix", () => {
    expect(freeSlug("a", [])).toBe("a");
    expect(freeSlug("a", ["a", "a-2", "a-4"])).toBe("a-3");
  });
});

describe("workshop slugs", () => {
  it("come from Arabic titles, with -2 and -3 on collision, and stay when the title changes", async () => {
    const word = `حلقة ${Date.now()}`;
    const title = `${word} نقاش المياه`;
    const first = await createWorkshop({ title }, false);
    const second = await createWorkshop({ title }, false);
    const third = await createWorkshop({ title }, false);
    const base = slugify(title);
    expect(base).toMatch(/^hlqa-\d+-nqash-almiah$/);
    expect([first.slug, second.slug, third.slug]).toEqual([base, `${base}-2`, `${base}-3`]);

    const renamed = await json(
      `/api/v1/workshops/${first.id}`,
      "PATCH",
      { title: "A new title" },
      ADMIN,
    );
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { slug: string }).slug).toBe(base);
  });

  it("can be chosen in the workshop form", async () => {
    const cookie = await ownerCookie();
    const w = await createWorkshop({}, false);
    const page = await (
      await call(`/admin/workshops/${w.id}/edit`, { headers: { Cookie: cookie } })
    ).text();
    expect(page).toContain(`name="slug"`);
    expect(page).toContain(`value="${w.slug}"`);
  });
});

describe("report slugs", () => {
  const report = (title: string) => ({
    "en.title": title,
    "en.body": "Text.",
    defaultLanguage: "en",
  });

  it("come from the title, numbered on collision, or from the form's own field", async () => {
    const cookie = await ownerCookie();
    const title = `تقرير ${Date.now()} عن الطاقة`;
    const make = async (fields: Record<string, string>) => {
      const res = await form("/admin/reports", { ...report(title), ...fields }, cookie);
      expect(res.status, await res.clone().text()).toBe(303);
      const id = res.headers.get("location")!.split("?")[0]!.split("/").pop()!;
      const got = await json(`/api/v1/reports/${id}`, "GET", undefined, ADMIN);
      return { id, slug: ((await got.json()) as { slug: string }).slug };
    };
    const a = await make({});
    const b = await make({ slug: "" });
    expect(a.slug).toMatch(/^tqrir-\d+-n-altaqa$/);
    expect(b.slug).toBe(`${a.slug}-2`);
    const chosen = `energy-${Date.now()}`;
    expect((await make({ slug: chosen })).slug).toBe(chosen);

    // Editing with the field left empty keeps the slug; a new one replaces it.
    expect((await form(`/admin/reports/${a.id}`, report("Renamed"), cookie)).status).toBe(303);
    const kept = await json(`/api/v1/reports/${a.id}`, "GET", undefined, ADMIN);
    expect(((await kept.json()) as { slug: string }).slug).toBe(a.slug);
    const edit = await (
      await call(`/admin/reports/${a.id}`, { headers: { Cookie: cookie } })
    ).text();
    expect(edit).toContain(`value="${a.slug}"`);
  });

  it("refuse a malformed slug with an explained form, not a 5xx", async () => {
    const cookie = await ownerCookie();
    const res = await form(
      "/admin/reports",
      { ...report("Bad slug"), slug: "Not A Slug!" },
      cookie,
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("lowercase letters, digits and single dashes");
  });
});

describe("slugs from long titles", () => {
  it("number a long title's slug on collision (D1 refuses LIKE patterns over 50 bytes)", async () => {
    const title = `${"Long ".repeat(20)}title`;
    const first = await json(
      "/api/v1/reports",
      "POST",
      { defaultLanguage: "en", versions: [{ language: "en", title, body: "x" }] },
      ADMIN,
    );
    const second = await json(
      "/api/v1/reports",
      "POST",
      { defaultLanguage: "en", versions: [{ language: "en", title, body: "x" }] },
      ADMIN,
    );
    expect([first.status, second.status]).toEqual([201, 201]);
    const [a, b] = [
      (await first.json()) as { slug: string },
      (await second.json()) as { slug: string },
    ];
    expect(a.slug.length).toBeGreaterThan(50);
    expect(b.slug).toBe(`${a.slug}-2`);
  });
});
