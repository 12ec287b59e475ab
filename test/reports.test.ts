import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mailboxMessages } from "../src/db/schema";
import { createDistribution } from "../src/distributions/create";
import { DevMailboxTransport } from "../src/mail/dev-mailbox";
import { BUILT_IN_OWNER } from "../src/organisers/service";
import {
  distributionRow,
  drain,
  engine,
  RecordingQueue,
  seedSubscribers,
  topic,
} from "./support/distribution";
import { ADMIN, call, db, json, latestEmail, uniqueEmail } from "./support/helpers";

async function draftReport(versions: unknown[], defaultLanguage = "en") {
  const res = await json("/api/v1/reports", "POST", { defaultLanguage, versions }, ADMIN);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

describe("reports", () => {
  it("keep drafts and embargoed reports off the public pages and the feed, then show them", async () => {
    const r = await draftReport([{ language: "en", title: "Embargoed findings", body: "Soon." }]);
    expect((await call(`/reports/${r.slug}`)).status).toBe(404);
    const until = new Date(Date.now() + 3600_000).toISOString();
    expect(
      (await json(`/api/v1/reports/${r.id}/publish`, "POST", { embargoUntil: until }, ADMIN))
        .status,
    ).toBe(200);
    expect((await call(`/reports/${r.slug}`)).status).toBe(404);
    expect(await (await call("/reports/feed.xml")).text()).not.toContain("Embargoed findings");
    // Attendees may get it before the page opens: a distribution is allowed now.
    const t = await topic(`emb-${Date.now()}`);
    await seedSubscribers([{ email: uniqueEmail("emb"), topicIds: [t.id] }]);
    expect(
      (await json(`/api/v1/reports/${r.id}/distributions`, "POST", { topics: [t.slug] }, ADMIN))
        .status,
    ).toBe(201);
    await json(`/api/v1/reports/${r.id}/publish`, "POST", {}, ADMIN);
    expect((await call(`/reports/${r.slug}`)).status).toBe(200);
  });

  it("publish an Atom feed and language versions with hreflang alternates", async () => {
    const r = await draftReport([
      {
        language: "en",
        title: "Feed & findings",
        summary: "Short <summary>",
        body: "Body **bold**",
      },
      { language: "ar", title: "نتائج الموجز", body: "نص" },
    ]);
    await json(`/api/v1/reports/${r.id}/publish`, "POST", {}, ADMIN);
    const feed = await call("/reports/feed.xml");
    expect(feed.headers.get("content-type")).toContain("application/atom+xml");
    const xml = await feed.text();
    expect(xml).toContain("<title>Feed &amp; findings</title>");
    expect(xml).toContain("<summary>Short &lt;summary&gt;</summary>");
    expect(xml).toContain('xml:lang="ar"');
    const ar = await (await call(`/reports/${r.slug}?lang=ar`)).text();
    expect(ar).toContain('<html lang="ar" dir="rtl"');
    expect(ar).toContain(
      `<link rel="alternate" hreflang="en" href="http://localhost:8787/reports/${r.slug}?lang=en"/>`,
    );
    expect(ar).toContain('id="text-size"');
    const archive = await (await call("/reports")).text();
    expect(archive).toContain("Feed &amp; findings");
  });

  it("send each recipient their language, falling back to the default", async () => {
    const r = await draftReport([{ language: "en", title: "English only", body: "Text" }]);
    await json(`/api/v1/reports/${r.id}/publish`, "POST", {}, ADMIN);
    const t = await topic(`fb-${Date.now()}`);
    const arabicReader = uniqueEmail("arfb");
    await seedSubscribers([{ email: arabicReader, language: "ar", topicIds: [t.id] }]);
    const queue = new RecordingQueue();
    const ctx = engine(queue);
    const d = await createDistribution(ctx, BUILT_IN_OWNER, r.id, { topics: [t.slug] });
    await drain(ctx, queue, new DevMailboxTransport(db()));
    expect((await distributionRow(d.id)).status).toBe("completed");
    const mail = (await db().query.mailboxMessages.findFirst({
      where: eq(mailboxMessages.to, arabicReader),
    }))!;
    expect(mail.subject).toBe("English only");
  });

  it("test-send a draft to the organiser, as recipients would get it", async () => {
    const r = await draftReport([{ language: "en", title: "Draft to test", body: "Text" }]);
    const to = uniqueEmail("organiser");
    const res = await json(`/api/v1/reports/${r.id}/test-send`, "POST", { to }, ADMIN);
    expect(res.status).toBe(202);
    const mail = (await latestEmail(to, "report:test"))!;
    expect(mail.subject).toBe("[Test] Draft to test");
    expect(mail.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    // Without an address and with the admin token (which has none): a clear 422.
    expect(
      (await call(`/api/v1/reports/${r.id}/test-send`, { method: "POST", headers: ADMIN })).status,
    ).toBe(422);
  });
});
