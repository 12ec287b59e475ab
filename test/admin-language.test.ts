// The organisers' pages in the language each organiser chooses (issue 12, item 13): the
// choice is stored per organiser, made by a POST (a GET changes nothing), and pages follow it.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { organisers } from "../src/db/schema";
import { call, cookieFor, db, form, organiserWithRole, ownerCookie } from "./support/helpers";

const page = (path: string, cookie: string, headers: Record<string, string> = {}) =>
  call(path, { headers: { Cookie: cookie, ...headers } });

const languageOf = async (id: string) =>
  (await db().query.organisers.findFirst({ where: eq(organisers.id, id) }))?.language;

describe("the organiser's language", () => {
  it("is English by default, whatever the browser prefers", async () => {
    const organiser = await organiserWithRole("organiser");
    const res = await page("/admin", await cookieFor(organiser.id), { "Accept-Language": "ar" });
    const html = await res.text();
    expect(html).toContain('<html lang="en" dir="ltr"');
    expect(html).toContain("Dashboard");
  });

  it("is chosen by a POST, stored on the account, and another organiser keeps English", async () => {
    const chooser = await organiserWithRole("organiser");
    const other = await organiserWithRole("organiser");
    const cookie = await cookieFor(chooser.id);
    const res = await form("/admin/language", { lang: "ar", back: "/admin/workshops?x=1" }, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/workshops?x=1");
    expect(await languageOf(chooser.id)).toBe("ar");
    expect(await languageOf(other.id)).toBe("en");

    // Another browser (a new session, no cookie from the switch) still gets Arabic.
    const html = await (await page("/admin", await cookieFor(chooser.id))).text();
    expect(html).toContain('<html lang="ar" dir="rtl"');
    expect(html).toContain("لوحة المتابعة");
    const otherHtml = await (await page("/admin", await cookieFor(other.id))).text();
    expect(otherHtml).toContain('<html lang="en" dir="ltr"');

    // And back.
    await form("/admin/language", { lang: "en", back: "/admin" }, cookie);
    expect(await languageOf(chooser.id)).toBe("en");
  });

  it("is not changed by a GET, nor by a language that does not exist", async () => {
    const organiser = await organiserWithRole("organiser");
    const cookie = await cookieFor(organiser.id);
    const get = await page("/admin/language?lang=ar", cookie);
    expect(get.status).toBe(404);
    const onPage = await page("/admin?lang=ar", cookie);
    expect(await onPage.text()).toContain('<html lang="en"');
    await form("/admin/language", { lang: "xx", back: "/admin" }, cookie);
    expect(await languageOf(organiser.id)).toBe("en");
  });

  it("goes back only to this site's admin pages", async () => {
    const cookie = await cookieFor((await organiserWithRole("organiser")).id);
    for (const back of ["https://evil.example/admin", "//evil.example/admin", "/r/abc"]) {
      const res = await form("/admin/language", { lang: "en", back }, cookie);
      expect(res.headers.get("location")).toBe("/admin");
    }
  });

  it("is a cookie for the built-in owner, which has no account row", async () => {
    const cookie = await ownerCookie();
    const res = await form("/admin/language", { lang: "ar", back: "/admin" }, cookie);
    const langCookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith("admin_lang="))!
      .split(";")[0]!;
    expect(langCookie).toBe("admin_lang=ar");
    const html = await (await page("/admin", `${cookie}; ${langCookie}`)).text();
    expect(html).toContain('<html lang="ar" dir="rtl"');
    expect(await (await page("/admin", cookie)).text()).toContain('<html lang="en"');
  });

  it("on the sign-in page follows ?lang=, the cookie, then Accept-Language", async () => {
    const plain = await (await call("/admin/sign-in")).text();
    expect(plain).toContain('<html lang="en"');
    expect(plain).toContain("Email me a sign-in link");
    const byQuery = await (await call("/admin/sign-in?lang=ar")).text();
    expect(byQuery).toContain('<html lang="ar" dir="rtl"');
    expect(byQuery).toContain("تسجيل الدخول");
    expect(byQuery).not.toContain("Email me a sign-in link");
    const byHeader = await call("/admin/sign-in", { headers: { "Accept-Language": "ar" } });
    expect(await byHeader.text()).toContain('<html lang="ar"');
    const byCookie = await call("/admin/sign-in", { headers: { Cookie: "admin_lang=ar" } });
    expect(await byCookie.text()).toContain('<html lang="ar"');
    // The switch works before sign-in too.
    const res = await form("/admin/language", { lang: "ar", back: "/admin/sign-in" });
    expect(res.headers.getSetCookie().some((c) => c.startsWith("admin_lang=ar"))).toBe(true);
  });
});
