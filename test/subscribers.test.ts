import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { subscribers } from "../src/db/schema";
import { createDistribution } from "../src/distributions/create";
import worker from "../src/index";
import { MINUTELY } from "../src/jobs/scheduled";
import { sha256Hex } from "../src/lib/tokens";
import { DevMailboxTransport } from "../src/mail/dev-mailbox";
import { BUILT_IN_OWNER } from "../src/organisers/service";
import { app } from "./support/app";
import {
  drain,
  engine,
  publishedReport,
  RecordingQueue,
  seedSubscribers,
  topic,
} from "./support/distribution";
import {
  ADMIN,
  call,
  db,
  json,
  latestEmail,
  suppress,
  suppression,
  uniqueEmail,
} from "./support/helpers";
import { subscriberIndex, subscriberRowOf, vault } from "./support/vault";

const subscribe = (body: Record<string, unknown>) =>
  json("/api/v1/public/subscriptions", "POST", body);
const row = subscriberRowOf;
/** Where a subscriber's rows are found: by the address index, the stored address is sealed. */
const byAddress = async (email: string) => eq(subscribers.emailIndex, await subscriberIndex(email));

async function manageToken(email: string, kind = "subscriber:confirm") {
  const mail = await latestEmail(email, kind);
  return mail!.text.match(/\/s\/([^\s\])?]+)/)![1]!;
}

describe("double opt-in", () => {
  it("answers the same for any address, and only a POST confirms", async () => {
    const t = await topic("policy");
    const fresh = uniqueEmail("fresh");
    const first = await subscribe({
      email: fresh,
      name: "Fresh",
      topics: [t.slug],
      language: "ar",
    });
    const answers = [
      first,
      ...(await Promise.all([
        subscribe({ email: fresh }),
        subscribe({ email: fresh, language: "en" }),
        subscribe({ email: uniqueEmail("other") }),
      ])),
    ];
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    expect(new Set(await Promise.all(answers.map((r) => r.text())))).toEqual(
      new Set(['{"status":"pending_confirmation"}']),
    );
    expect(
      await db()
        .select()
        .from(subscribers)
        .where(await byAddress(fresh)),
    ).toHaveLength(1);
    expect((await row(fresh))!).toMatchObject({
      status: "pending",
      language: "ar",
      consentSource: "form",
    });

    const token = await manageToken(fresh);
    for (let i = 0; i < 3; i++) expect((await call(`/s/${token}`)).status).toBe(200);
    expect((await row(fresh))!.status).toBe("pending");
    const confirmed = await json(`/api/v1/public/subscriptions/${token}/confirm`, "POST", {});
    expect(await confirmed.json()).toEqual({ status: "active" });
    expect((await row(fresh))!).toMatchObject({ status: "active" });
    expect((await row(fresh))!.consentAt).not.toBeNull();
  });

  it("answers the same, after the same work, whoever the address belongs to", async () => {
    const t = await topic("same-answer");
    const [fresh, known, subscribed, suppressed] = ["fresh", "known", "subscribed", "blocked"].map(
      (p) => uniqueEmail(p),
    ) as [string, string, string, string];
    await seedSubscribers([{ email: known, status: "unsubscribed" }, { email: subscribed }]);
    await suppress(suppressed, "complaint");
    // D1_METRICS counts every statement a request makes (X-D1-Queries): the work it did.
    const ask = async (email: string, topics: string[]) => {
      const res = await app.request(
        "/api/v1/public/subscriptions",
        {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ email, topics }),
        },
        { ...env, D1_METRICS: "on" },
      );
      return { status: res.status, body: await res.text(), work: res.headers.get("x-d1-queries") };
    };
    for (const [topics, status] of [
      [["no-such-topic"], 422],
      [[t.slug], 202],
    ] as const) {
      const answers: Awaited<ReturnType<typeof ask>>[] = [];
      for (const email of [fresh, known, subscribed, suppressed])
        answers.push(await ask(email, [...topics]));
      expect(answers[0]!.status).toBe(status);
      expect(answers[0]!.work).toMatch(/^[1-9]/);
      expect(answers, `topics ${topics}`).toEqual(answers.map(() => answers[0]));
    }
    // What each address got is in its mailbox, not in the answer.
    expect((await row(fresh))!.status).toBe("pending");
    expect((await latestEmail(fresh))!.kind).toBe("subscriber:confirm");
    expect((await latestEmail(known))!.kind).toBe("subscriber:confirm");
    expect((await latestEmail(subscribed))!.kind).toBe("subscriber:exists");
    expect(await row(suppressed)).toBeUndefined();
    expect(await latestEmail(suppressed)).toBeUndefined();
    const topicsOf = await db().query.subscribers.findFirst({
      where: await byAddress(fresh),
      with: { topics: true },
    });
    expect(topicsOf!.topics).toHaveLength(1);
  });

  it("tells a known active address by email, not by the answer", async () => {
    const email = uniqueEmail("known");
    await seedSubscribers([{ email }]);
    expect((await subscribe({ email })).status).toBe(202);
    expect((await latestEmail(email, "subscriber:exists"))?.subject).toBe("Your subscription");
    expect(
      await db()
        .select()
        .from(subscribers)
        .where(await byAddress(email)),
    ).toHaveLength(1);
  });

  it("sends nothing to a suppressed address", async () => {
    const email = uniqueEmail("blocked");
    await suppress(email, "complaint");
    expect((await subscribe({ email })).status).toBe(202);
    expect(await row(email)).toBeUndefined();
    expect(await latestEmail(email)).toBeUndefined();
  });

  it("GET on /u/… never unsubscribes; the subscriber page can change topics and language", async () => {
    const email = uniqueEmail("prefs");
    const t = await topic("economy");
    await subscribe({ email, topics: [t.slug] });
    const token = await manageToken(email);
    await call(`/s/${token}/confirm`, { method: "POST" });
    const page = await call(`/s/${token}`);
    expect(await page.text()).toContain("Subscribed");
    const res = await call(`/s/${token}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "language=ar",
    });
    expect(res.status).toBe(200);
    const after = (await db().query.subscribers.findFirst({
      where: await byAddress(email),
      with: { topics: true },
    }))!;
    expect(after.language).toBe("ar");
    expect(after.topics).toHaveLength(0);
  });
});

describe("import", () => {
  it("activates new rows, reports errors by row, and never resubscribes", async () => {
    const t = await topic("imported");
    const [gone, bounced, blocked, fresh, pending] = [
      "gone",
      "bounced",
      "blocked",
      "fresh",
      "pending",
    ].map((p) => uniqueEmail(p));
    await seedSubscribers([
      { email: gone!, status: "unsubscribed" },
      { email: bounced!, status: "bounced" },
      { email: pending!, status: "pending" },
    ]);
    await suppress(blocked!, "manual");
    const csv = `email,name,language,topics\r\n${gone},Gone,en,\r\n${bounced},B,en,\r\n${blocked},Blocked,ar,\r\n${fresh},Fresh,ar,${t.slug}\r\n${pending},P,en,\r\nnot-an-email,X,en,\r\nok@example.org,Y,fr,\r\nz@example.org,Z,en,no-such-topic\r\n`;
    const post = (dry: boolean) =>
      call(`/api/v1/subscribers/import${dry ? "?dryRun=true" : ""}`, {
        method: "POST",
        headers: { ...ADMIN, "Content-Type": "text/csv" },
        body: csv,
      });

    const preview = (await (await post(true)).json()) as {
      imported: number;
      skipped: number;
      errors: { path: string }[];
      dryRun: boolean;
    };
    expect(preview).toMatchObject({ imported: 2, skipped: 3, dryRun: true });
    expect(preview.errors.map((e) => e.path)).toEqual([
      "rows.6.email",
      "rows.7.language",
      "rows.8.topics",
    ]);
    expect(await row(fresh!)).toBeUndefined();

    const result = (await (await post(false)).json()) as { imported: number };
    expect(result.imported).toBe(2);
    expect((await row(fresh!))!).toMatchObject({
      status: "active",
      consentSource: "import",
      language: "ar",
    });
    expect((await row(pending!))!.status).toBe("active");
    expect((await row(gone!))!.status).toBe("unsubscribed");
    expect((await row(bounced!))!.status).toBe("bounced");
    expect(await row(blocked!)).toBeUndefined();
    // Importing again changes nothing.
    expect(((await (await post(false)).json()) as { imported: number }).imported).toBe(0);
  });
});

describe("XSS", () => {
  it("report Markdown renders no raw HTML and no javascript: or data: links, on the page and in email", async () => {
    const body = [
      "<script>alert(1)</script>",
      '<img src=x onerror="alert(2)">',
      "[click](javascript:alert(3))",
      "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==)",
      "**fine** [ok](https://example.org)",
    ].join("\n\n");
    const report = await publishedReport({
      versions: [{ language: "en", title: "<b>XSS</b> title", body }],
    });
    const page = await (await call(`/reports/${report.slug}`)).text();
    for (const html of [page]) {
      expect(html).not.toContain("<script>alert");
      expect(html).not.toMatch(/<img[^>]*onerror/i);
      expect(html).not.toContain('href="javascript:');
      expect(html).not.toContain('href="data:');
      expect(html).toContain(
        '<a href="https://example.org" rel="nofollow noopener noreferrer">ok</a>',
      );
      expect(html).toContain("&lt;b&gt;XSS&lt;/b&gt; title");
    }
    const t = await topic("xss");
    const evilName = `<img src=x onerror=alert(5)>"'&`;
    const email = uniqueEmail("xss");
    await seedSubscribers([{ email, topicIds: [t.id], name: evilName }]);
    const queue = new RecordingQueue();
    const ctx = engine(queue);
    await createDistribution(ctx, BUILT_IN_OWNER, report.id, { topics: [t.slug] });
    await drain(ctx, queue, new DevMailboxTransport(db()));
    const mail = (await db().query.mailboxMessages.findFirst({
      where: (m, { eq }) => eq(m.to, email),
    }))!;
    expect(mail.html).not.toMatch(/<img[^>]*onerror/i);
    expect(mail.html).not.toContain("<script>alert");
    expect(mail.html).toContain("&#60;img src=x onerror=alert(5)&#62;&#34;&#39;&#38;");
    expect(mail.html).not.toContain('href="javascript:');
  });

  it("subscriber names are escaped on organiser pages", async () => {
    const email = uniqueEmail("name");
    await seedSubscribers([{ email, name: "<script>alert(6)</script>" }]);
    const { ownerCookie } = await import("./support/helpers");
    const html = await (
      await call("/admin/subscribers", { headers: { Cookie: await ownerCookie() } })
    ).text();
    expect(html).not.toContain("<script>alert(6)");
    expect(html).toContain("&lt;script&gt;alert(6)&lt;/script&gt;");
  });
});

describe("erasure", () => {
  it("leaves no personal data in D1, only the hashed suppression entry", async () => {
    const t = await topic("erase");
    const email = uniqueEmail("erase");
    await subscribe({ email, name: "Nadia Erase", topics: [t.slug] });
    const token = await manageToken(email);
    await call(`/s/${token}/confirm`, { method: "POST" });
    const report = await publishedReport();
    const queue = new RecordingQueue();
    const ctx = engine(queue);
    await createDistribution(ctx, BUILT_IN_OWNER, report.id, { topics: [t.slug] });
    await drain(ctx, queue, new DevMailboxTransport(db()));
    const exported = await call(`/s/${token}/export.json`);
    expect(await exported.json()).toMatchObject({
      email,
      name: "Nadia Erase",
      topics: ["erase"],
      reportsSent: [{ status: "sent" }],
    });

    expect((await call(`/s/${token}/erase`, { method: "POST" })).status).toBe(200);
    // Search every table for the address and the name.
    const tables = (
      await env.DB.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
      ).all<{ name: string }>()
    ).results;
    const hits: string[] = [];
    for (const { name } of tables) {
      const rows = (await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results;
      const text = JSON.stringify(rows);
      if (text.includes(email) || text.includes("Nadia Erase")) hits.push(name);
    }
    // Not even the suppression list: it holds the address's index, not the address.
    expect(hits).toEqual([]);
    expect(await suppression(email)).toMatchObject({ reason: "erased" });
    // And the address cannot come back through the form or an import.
    await subscribe({ email });
    expect(await row(email)).toBeUndefined();
  });
});

describe("the suppression list", () => {
  const allSuppressions = async () =>
    (await env.DB.prepare("SELECT * FROM suppressions").all<Record<string, string>>()).results;

  it("holds the keyed index of each normalised address, never the address", async () => {
    const email = uniqueEmail("hashed");
    await suppress(email.toUpperCase(), "complaint");
    const rows = await allSuppressions();
    expect(JSON.stringify(rows)).not.toContain("@");
    // The subscribers' index, so SQL can compare it with `subscribers.email_index`; not
    // the unkeyed SHA-256, which anyone holding a list of addresses could recompute.
    expect(rows.map((r) => r.email_hash)).toContain(await subscriberIndex(email));
    expect(rows.map((r) => r.email_hash)).not.toContain(await sha256Hex(email));
    // Found whatever the case or spacing the address comes back with.
    expect(await suppression(` ${email.toUpperCase()} `)).toMatchObject({ reason: "complaint" });
    expect((await subscribe({ email })).status).toBe(202);
    expect(await row(email)).toBeUndefined();
  });

  it("hashes the addresses suppressed before the upgrade, keeping their reason", async () => {
    // What migration 0007 leaves: the old rows, address in clear under the renamed column.
    const legacy = uniqueEmail("legacy");
    const since = Date.now() - 86_400_000;
    await env.DB.prepare(
      "INSERT INTO suppressions (email_hash, reason, created_at) VALUES (?, 'bounce', ?)",
    )
      .bind(legacy.replace("legacy", "Legacy"), since)
      .run();
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.includes("hash_suppressions"))!;
    for (const query of migration.queries) await env.DB.prepare(query).run();
    expect(JSON.stringify(await allSuppressions())).not.toContain(legacy);

    await worker.scheduled(
      createScheduledController({ cron: MINUTELY, scheduledTime: Date.now() }),
      env,
      createExecutionContext(),
    );
    const rows = await allSuppressions();
    expect(JSON.stringify(rows)).not.toContain("@");
    expect(rows.map((r) => r.email_hash)).toContain(await subscriberIndex(legacy));
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM suppressions_unhashed").first())!.n,
    ).toBe(0);
    const entry = (await suppression(legacy))!;
    expect(entry.reason).toBe("bounce");
    expect(entry.createdAt.getTime()).toBe(since);
    // And it does what a suppression does.
    expect((await subscribe({ email: legacy })).status).toBe(202);
    expect(await row(legacy)).toBeUndefined();
  });

  it("lists a bounce by the subscribers' index, and stops the subscriber it finds by it", async () => {
    const { postWebhook } = await import("./support/svix");
    const email = uniqueEmail("bounce");
    await seedSubscribers([{ email }]);
    const res = await postWebhook({ type: "email.bounced", data: { to: [email.toUpperCase()] } });
    expect(res.status).toBe(200);
    expect((await row(email))!.status).toBe("bounced");
    expect((await allSuppressions()).map((r) => r.email_hash)).toContain(
      await subscriberIndex(email),
    );
    expect(await suppression(email)).toMatchObject({ reason: "bounce" });
  });

  it("still recognises entries made before the vault, which hold the unkeyed SHA-256", async () => {
    const [email, imported] = [uniqueEmail("old-hash"), uniqueEmail("old-hash-import")];
    for (const address of [email, imported])
      await env.DB.prepare(
        "INSERT INTO suppressions (email_hash, reason, created_at) VALUES (?, 'complaint', ?)",
      )
        .bind(await sha256Hex(address), Date.now())
        .run();
    expect(await suppression(email.toUpperCase())).toMatchObject({ reason: "complaint" });
    expect((await subscribe({ email })).status).toBe(202);
    expect(await row(email)).toBeUndefined();
    expect(await latestEmail(email)).toBeUndefined();
    const res = await call("/api/v1/subscribers/import", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "text/csv" },
      body: `email,name\r\n${imported},Imported\r\n`,
    });
    expect(await res.json()).toMatchObject({ imported: 0, skipped: 1 });
    expect(await row(imported)).toBeUndefined();
  });
});

describe("sealed subscribers", () => {
  it("store no address or name in the clear, and find each other by index", async () => {
    const [formEmail, importEmail] = [uniqueEmail("sealed-form"), uniqueEmail("sealed-import")];
    await subscribe({ email: formEmail, name: "Form Sealedname" });
    await call("/api/v1/subscribers/import", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "text/csv" },
      body: `email,name\r\n${importEmail},Import Sealedname\r\n`,
    });
    const stored = (
      await env.DB.prepare("SELECT * FROM subscribers").all<Record<string, unknown>>()
    ).results;
    const text = JSON.stringify(stored);
    for (const plain of [formEmail, importEmail, "Form Sealedname", "Import Sealedname"])
      expect(text).not.toContain(plain);
    const formRow = (await row(formEmail))!;
    expect(formRow.emailIndex).toBe(await subscriberIndex(formEmail.toUpperCase()));
    // The confirmation email says it is about a subscriber, and whom, by index.
    const prompts = await db().query.emails.findMany({
      where: (m, { eq }) => eq(m.toIndex, formRow.emailIndex!),
    });
    expect(prompts).toMatchObject([{ kind: "subscriber:confirm", keyName: "subscribers" }]);
    // The organisers' list and export open them again.
    const list = (await (
      await call("/api/v1/subscribers?limit=100", { headers: ADMIN })
    ).json()) as {
      data: { email: string; name: string | null }[];
    };
    expect(list.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: formEmail, name: "Form Sealedname" }),
        expect.objectContaining({ email: importEmail, name: "Import Sealedname" }),
      ]),
    );
  });

  it("do not open a ciphertext copied to another row or column", async () => {
    const { openSubscriber } = await import("../src/subscribers/sealed");
    const [a, b] = [uniqueEmail("place-a"), uniqueEmail("place-b")];
    await seedSubscribers([
      { email: a, name: "Place A" },
      { email: b, name: "Place B" },
    ]);
    const [rowA, rowB] = [(await row(a))!, (await row(b))!];
    const key = await vault().subscribers();
    expect((await openSubscriber(key, rowB)).email).toBe(b);
    await expect(openSubscriber(key, { ...rowB, email: rowA.email })).rejects.toThrow();
    await expect(openSubscriber(key, { ...rowB, name: rowB.email })).rejects.toThrow();
    // Moved in D1 itself, the Worker refuses to show it rather than show A's address as B's.
    await db().update(subscribers).set({ email: rowA.email }).where(eq(subscribers.id, rowB.id));
    const { manageToken: signManageToken } = await import("../src/subscribers/tokens");
    const res = await call(`/s/${await signManageToken(env.TOKEN_SECRET, rowB.id)}`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain(a);
    await db().update(subscribers).set({ email: rowB.email }).where(eq(subscribers.id, rowB.id));
  });
});
