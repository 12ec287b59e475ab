// Arabic details (issue 12, item 14): Markdown boxes that follow their text's direction,
// file names kept in order inside Arabic sentences, and subscriber pages that open in the
// language of the email that led there.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mailboxMessages } from "../src/db/schema";
import { DevMailboxTransport } from "../src/mail/dev-mailbox";
import { locationText } from "../src/workshops/types";
import { distributionTo, drain } from "./support/distribution";
import {
  call,
  db,
  form,
  json,
  latestEmail,
  ownerCookie,
  tokenFromEmail,
  uniqueEmail,
} from "./support/helpers";
import { subscriberRowOf } from "./support/vault";
import { createWorkshop } from "./support/workshops";

const htmlLang = (html: string) => html.match(/<html[^>]*lang="([a-z]+)"/)?.[1];

describe("Markdown boxes", () => {
  it("all follow their text's direction (dir=auto)", async () => {
    const cookie = await ownerCookie();
    const w = await createWorkshop();
    for (const path of [
      "/admin/workshops/new",
      `/admin/workshops/${w.id}`,
      "/admin/reports/new",
      `/admin/workshops/${w.id}/messages`,
    ]) {
      const res = await call(path, { headers: { Cookie: cookie } });
      if (res.status === 404) continue; // a page another branch may have moved
      const html = await res.text();
      for (const box of html.match(/<textarea[^>]*>/g) ?? [])
        expect(box, `${path}: ${box}`).toContain('dir="auto"');
    }
  });
});

describe("file names in Arabic", () => {
  it("keep (.ics) in order on the participant's page", async () => {
    const w = await createWorkshop({ requireVerification: false, language: "ar" });
    const email = uniqueEmail("ics");
    expect(
      (await form(`/workshops/${w.slug}/register?lang=ar`, { name: "ليلى", email })).status,
    ).toBe(201);
    const token = await tokenFromEmail(email, "workshop:confirmed");
    const html = await (await call(`/r/${token}?lang=ar`)).text();
    expect(html).toContain("(\u2066.ics\u2069)");
  });
});

describe("pages in the email's language", () => {
  it("the subscriber page link carries the email's language", async () => {
    const email = uniqueEmail("sub-ar");
    await json("/api/v1/public/subscriptions", "POST", { email, language: "ar" });
    const mail = await latestEmail(email, "subscriber:confirm");
    const link = mail!.text.match(/\/s\/[^\s\])]+/)![0];
    expect(link).toMatch(/\?lang=ar$/);
    const res = await call(link);
    expect(res.status).toBe(200);
    expect(htmlLang(await res.text())).toBe("ar");
  });

  it("the unsubscribe link opens in the email's language, and one-click works with its query", async () => {
    const { queue, ctx, distributionId, addresses } = await distributionTo(1, { language: "ar" });
    await drain(ctx, queue, new DevMailboxTransport(db()));
    const [mail] = await db()
      .select()
      .from(mailboxMessages)
      .where(eq(mailboxMessages.idempotencyKey, `distribution/${distributionId}/chunk/0`));
    const url = new URL(mail!.headers["List-Unsubscribe"]!.slice(1, -1));
    expect(url.search).toBe("?lang=ar");
    expect(mail!.html).toContain(url.pathname + url.search);

    const page = await call(url.pathname + url.search);
    expect(page.status).toBe(200);
    expect(htmlLang(await page.text())).toBe("ar");

    // RFC 8058: the provider POSTs to the very URL of the header, query included.
    const res = await call(url.pathname + url.search, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://mail.example.net",
        "Sec-Fetch-Site": "cross-site",
      },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect((await subscriberRowOf(addresses[0]!))?.status).toBe("unsubscribed");
  });
});

describe("places in Arabic", () => {
  it("join a venue's parts with the Arabic comma", () => {
    const venue = { venueName: "قاعة الاجتماعات", venueAddress: "شارع الحمرا", venueCity: "بيروت" };
    expect(locationText(venue, "ar")).toBe("قاعة الاجتماعات، شارع الحمرا، بيروت");
    expect(locationText(venue, "en")).toBe("قاعة الاجتماعات, شارع الحمرا, بيروت");
  });
});
