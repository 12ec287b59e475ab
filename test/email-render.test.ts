// Emails are rendered by the queue consumer, never by a request; every email the platform
// sends stays far below Gmail's clipping (102 KB), and the check-in QR code drawn as a table
// still decodes to the check-in link.
import { env } from "cloudflare:workers";
import { and, desc, eq, isNull } from "drizzle-orm";
import jsQR from "jsqr";
import { describe, expect, it } from "vitest";
import { TEMPLATES, templateEmail } from "../emails";
import { runBatch } from "../src/db/client";
import { emails, subscribers } from "../src/db/schema";
import { surveyEmail } from "../src/feedback/send";
import { dictionary, LANGS, type NoticeKind } from "../src/i18n";
import { renderMarkdown } from "../src/lib/markdown";
import { qrMatrix } from "../src/lib/qr";
import { Mailer } from "../src/mail/outbox";
import { renderContent } from "../src/mail/render";
import { buildNotice } from "../src/registrations/notices";
import { resolveToken } from "../src/registrations/tokens";
import { getWorkshop } from "../src/workshops/service";
import { seedSubscribers } from "./support/distribution";
import {
  ADMIN,
  db,
  delivered,
  emailsTo,
  eventually,
  form,
  json,
  latestEmail,
  organiserWithRole,
  uniqueEmail,
} from "./support/helpers";
import { registrationOf } from "./support/vault";
import { addPerson, createWorkshop } from "./support/workshops";

/** Gmail clips a message past 102 KB of HTML; every email keeps well below that. */
const MAX_HTML_BYTES = 60 * 1024;
const bytes = (s: string) => new TextEncoder().encode(s).length;

const newestRow = (to: string, kind: string) =>
  db().query.emails.findFirst({
    where: and(emailsTo(to), eq(emails.kind, kind)),
    orderBy: [desc(emails.createdAt)],
  });

/** What the consumer would send for an outbox row, without waiting for it. */
async function renderRow(row: typeof emails.$inferSelect | undefined) {
  expect(row, "email recorded").toBeDefined();
  return renderContent(TEMPLATES, row!.template!, row!.props!);
}

/** The modules of the QR table in an email's HTML, read back from its rows and colspans. */
function qrFromHtml(html: string): boolean[][] {
  const start = html.lastIndexOf("<table", html.indexOf("table-layout:fixed"));
  expect(start, "a QR table in the email").toBeGreaterThanOrEqual(0);
  const table = html.slice(start, html.indexOf("</table>", start));
  return Array.from(table.matchAll(/<tr[^>]*>(.*?)<\/tr>/g), ([, row]) =>
    Array.from(row!.matchAll(/<td([^>]*)><\/td>/g)).flatMap(([, attrs]) => {
      const span = Number(attrs!.match(/colspan="(\d+)"/)?.[1] ?? 1);
      return Array.from({ length: span }, () => attrs!.includes('bgcolor="#000000"'));
    }),
  );
}

/** Decodes a module matrix as a phone would a screen: drawn at 4 px a module, then scanned. */
function scan(matrix: boolean[][]): string | null {
  const scale = 4;
  const margin = 4;
  const side = (matrix.length + 2 * margin) * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [y, row] of matrix.entries()) {
    for (const [x, dark] of row.entries()) {
      if (!dark) continue;
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + margin) * scale + dy) * side + (x + margin) * scale + dx) * 4;
          pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
        }
    }
  }
  return jsQR(pixels, side, side)?.data ?? null;
}

describe("no request renders an email", () => {
  it("a registration records the template, its props and the minted links; the consumer renders", async () => {
    const w = await createWorkshop({ requireVerification: false });
    const email = uniqueEmail("fast");
    const res = await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: "Quick Person",
      email,
    });
    expect(res.status).toBe(201);
    const row = (await newestRow(email, "workshop:confirmed"))!;
    // Nothing rendered on the request, and nothing stored once sent: only what to render.
    expect(row).toMatchObject({ template: "notice", html: "", text: "", attachments: [] });
    const slots = Object.values(row.props!.slots!);
    expect(slots).toContain("Quick Person");
    expect(row.props!.attachments?.map((a) => a.filename)).toEqual(["workshop.ics"]);
    // The links are signed on the request (nothing stored) and travel in the props.
    const registration = (await registrationOf(w.id, email))!;
    const links = slots.filter((s): s is string => typeof s === "string" && s.includes("/r/"));
    expect(
      await resolveToken(db(), env.TOKEN_SECRET, "registration", links[0]!.split("/r/")[1]!),
    ).toBe(registration.id);

    const sent = await delivered(row);
    expect(sent.text).toContain("Hello Quick Person");
    expect(sent.text).toContain(links[0]!);
    expect((await db().query.emails.findFirst({ where: eq(emails.id, row.id) }))!.html).toBe("");
  });
});

describe("the check-in QR code", () => {
  it("is a table that decodes to the check-in link, never the manage link", async () => {
    const w = await createWorkshop({ requireVerification: false });
    const email = uniqueEmail("qr");
    await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", { name: "Q", email });
    const mail = (await latestEmail(email, "workshop:confirmed"))!;
    expect(mail.html).not.toMatch(/<img|data:/);
    const matrix = qrFromHtml(mail.html);
    const url = scan(matrix);
    expect(url).toMatch(
      /^http:\/\/localhost:8787\/admin\/check-in\/chk\.reg_[a-z2-7]{26}\.[0-9a-z]+\.[A-Za-z0-9_-]{27}$/,
    );
    expect(matrix).toEqual(qrMatrix(url!));
    const registration = (await registrationOf(w.id, email))!;
    expect(
      await resolveToken(db(), env.TOKEN_SECRET, "checkin", url!.split("/check-in/")[1]!),
    ).toBe(registration.id);
    expect(mail.text).not.toContain(url!);
    // One cell per run of modules, not per module.
    expect((mail.html.match(/<td/g) ?? []).length).toBeLessThan(matrix.length ** 2 / 2);
  });
});

describe("email sizes", () => {
  const sizes: Record<string, number> = {};
  const check = (name: string, html: string) => {
    sizes[name] = bytes(html);
    expect(bytes(html), `${name}: ${bytes(html)} bytes of HTML`).toBeLessThanOrEqual(
      MAX_HTML_BYTES,
    );
    // Every email lays out on a phone's width.
    expect(html, name).toContain(
      '<meta name="viewport" content="width=device-width, initial-scale=1"',
    );
  };

  it("every notice kind, in every language, with and without QR code and calendar file", async () => {
    const title =
      "Regional security after the ceasefire: what neighbouring states, donors and civil society can do next";
    const created = await createWorkshop({
      title,
      capacity: 80,
      onlineUrl: "https://meet.example.org/regional-dialogue-after-the-ceasefire",
      venue: {
        name: "Conference Centre of the Institute",
        address: "Büyükdere Caddesi 185, Levent, Şişli",
        city: "Istanbul",
      },
    });
    const workshop = await getWorkshop(db(), created.id);
    const mailer = new Mailer(db(), env.MAIL_QUEUE);
    const kinds = Object.keys(dictionary("en").notices) as NoticeKind[];
    for (const language of LANGS) {
      for (const kind of kinds) {
        const to = uniqueEmail(`size-${kind}`);
        const recipient = {
          id: `reg_size_${language}_${kind}`,
          email: to,
          name: "Dr. Leyla Abdullah Al-Mansouri Karaoğlu",
          language,
          seated: true,
        };
        const notice = await buildNotice(
          db(),
          mailer,
          { appUrl: env.APP_URL, tokenSecret: env.TOKEN_SECRET },
          workshop,
          recipient,
          kind,
        );
        await runBatch(db(), notice.statements);
        const { html, attachments } = await renderRow(await newestRow(to, `workshop:${kind}`));
        check(`notice ${kind} (${language})`, html);
        if (["confirmed", "promoted", "reminder"].includes(kind))
          expect(html, kind).toContain("table-layout:fixed");
        if (["confirmed", "workshop_updated", "venue", "cancelled"].includes(kind))
          expect(
            attachments.map((a) => a.filename),
            kind,
          ).toEqual(["workshop.ics"]);
      }
    }
    // The heaviest, a confirmation with its QR code, leaves room to spare.
    expect(sizes["notice confirmed (ar)"]).toBeLessThan(40 * 1024);
  });

  it("sign-in, subscriber prompts and organiser messages", async () => {
    const organiser = await organiserWithRole("organiser");
    await form("/admin/sign-in", { email: organiser.email });
    // Recorded after the answer (its timing must not tell whether the account exists).
    check("sign-in", (await eventually(() => latestEmail(organiser.email, "sign-in"))).html);

    const fresh = uniqueEmail("sub");
    await json("/api/v1/public/subscriptions", "POST", { email: fresh, language: "ar" });
    check(
      "subscriber:confirm",
      (await renderRow(await newestRow(fresh, "subscriber:confirm"))).html,
    );
    const known = uniqueEmail("known");
    await seedSubscribers([{ email: known }]);
    await db()
      .update(subscribers)
      .set({ lastPromptAt: null })
      .where(isNull(subscribers.lastPromptAt));
    await json("/api/v1/public/subscriptions", "POST", { email: known });
    check("subscriber:exists", (await renderRow(await newestRow(known, "subscriber:exists"))).html);

    const w = await createWorkshop();
    const person = await addPerson(w.id, { name: "Reader" });
    await json(
      `/api/v1/workshops/${w.id}/messages`,
      "POST",
      {
        subject: "Practical details",
        body: Array.from(
          { length: 12 },
          (_, i) => `Paragraph ${i + 1}: ${"details ".repeat(60)}`,
        ).join("\n\n"),
        statuses: ["confirmed"],
      },
      ADMIN,
    );
    check(
      "workshop:message",
      (await renderRow(await newestRow(person.email, "workshop:message"))).html,
    );
  });

  it("the feedback survey, in every language", async () => {
    const created = await createWorkshop({
      title:
        "Regional security after the ceasefire: what neighbouring states, donors and civil society can do next",
    });
    const workshop = await getWorkshop(db(), created.id);
    for (const language of LANGS) {
      const email = surveyEmail(
        workshop,
        { email: uniqueEmail("size-feedback"), language },
        `${env.APP_URL}/f/fbk.reg_${"a".repeat(26)}.${"b".repeat(8)}.${"c".repeat(27)}`,
        { name: "Dr. Leyla Abdullah Al-Mansouri Karaoğlu" },
      );
      const { html, text } = await renderContent(TEMPLATES, email.template, email.content);
      check(`feedback (${language})`, html);
      expect(text).toContain("/f/fbk.");
      expect(html).toContain(language === "ar" ? 'dir="rtl"' : 'dir="ltr"');
    }
  });

  it("the report email, with a long body", async () => {
    // About 2,500 words: nearly four times the reference workshop summary.
    const section = (n: number) =>
      [
        `## ${n}. What the participants discussed`,
        `${"The participants weighed the options before them and the risks of each. ".repeat(12)}`,
        "- a first recommendation, with its reasons\n- a second one\n- a third one",
        `> ${"A participant said that the region needs patience more than plans. ".repeat(3)}`,
      ].join("\n\n");
    const body = Array.from({ length: 12 }, (_, i) => section(i + 1)).join("\n\n");
    const bodyHtml = renderMarkdown(body);
    for (const lang of LANGS) {
      const { template, content } = templateEmail("report", {
        props: {
          lang,
          title: "What the participants agreed on, and what they left open",
          summary: "Three recommendations from a closed workshop.",
          bodyHtml,
          webUrl: "http://localhost:8787/reports/what-the-participants-agreed-on?lang=en",
        },
        slots: {},
      });
      const { html } = await renderContent(TEMPLATES, template, content);
      check(`report (${lang}, ${bytes(bodyHtml)} bytes of body)`, html);
      // The template itself adds little around the body.
      expect(bytes(html) - bytes(bodyHtml)).toBeLessThan(8 * 1024);
    }
    console.log("HTML bytes per email:", sizes);
  });
});
