/// <reference types="vite/client" />
// The organisers' pages in Arabic (issue 12, item 13): every admin page answers an organiser
// who chose Arabic with an Arabic, right-to-left page and no English left in its visible
// text, and the admin dictionaries stay complete (the same keys and placeholders, every
// string translated).
import { describe, expect, it } from "vitest";
import { feedbackAnswers } from "../src/db/schema";
import { createDistribution } from "../src/distributions/create";
import { adminDictionary, placeholders } from "../src/i18n";
import { adminEn } from "../src/i18n/admin-en";
import { BUILT_IN_OWNER, createOrganiser } from "../src/organisers/service";
import {
  engine,
  publishedReport,
  RecordingQueue,
  seedAttendees,
  seedSubscribers,
  topic,
} from "./support/distribution";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  eventually,
  form,
  json,
  suppress,
  uniqueEmail,
} from "./support/helpers";
import { addPerson, createWorkshop, inviteAndGetToken } from "./support/workshops";

/** Every string of a dictionary by its path ("workshops.title"). */
function strings(tree: unknown, path = ""): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof tree === "string") return found.set(path, tree);
  for (const [key, value] of Object.entries(tree as object))
    for (const [p, s] of strings(value, path ? `${path}.${key}` : key)) found.set(p, s);
  return found;
}

/** Strings an Arabic dictionary may share with English: formats, codes, names. */
const SAME_IN_ARABIC = new Set([
  "common.listSeparator", // checked below: the Arabic comma
  "workshopForm.textIn",
  "reports.versionLine",
]);

describe("the admin dictionaries", () => {
  const english = strings(adminEn);
  const arabic = strings(adminDictionary("ar"));
  arabic.delete("lang");
  english.delete("lang");

  it("have the same keys", () => {
    expect([...arabic.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it("keep each string's placeholders", () => {
    for (const [path, text] of english)
      expect(placeholders(arabic.get(path)!).sort(), path).toEqual(placeholders(text).sort());
  });

  it("translate every string", () => {
    const untranslated = [...english]
      .filter(([path, text]) => arabic.get(path) === text && !SAME_IN_ARABIC.has(path))
      .map(([path]) => path);
    expect(untranslated).toEqual([]);
    expect(arabic.get("common.listSeparator")).toBe("، ");
  });

  it("word only refusals the services really say", () => {
    // The table matches the services' English messages exactly: one reworded there would
    // silently show in English again.
    const sources = Object.values(
      import.meta.glob("../src/**/*.ts", { query: "?raw", import: "default", eager: true }),
    ).join("\n");
    const stale = Object.entries(adminEn.serviceErrors)
      .filter(([, english]) => !sources.includes(JSON.stringify(english)))
      .map(([key]) => key);
    expect(stale).toEqual([]);
  });

  it("use Arabic punctuation in Arabic", () => {
    const latinComma = [...arabic]
      .filter(([, text]) => /[\u0600-\u06ff], /.test(text))
      .map(([path]) => path);
    expect(latinComma).toEqual([]);
  });
});

/** English words that would betray an untranslated label, button or heading. */
const ENGLISH = [
  "Save",
  "Cancel",
  "Workshops",
  "Workshop",
  "Reports",
  "Subscribers",
  "Dashboard",
  "Status",
  "Name",
  "Email",
  "Delete",
  "Search",
  "Filter",
  "Export",
  "Send",
  "Publish",
  "Edit",
  "Sign",
  "Older",
  "More",
  "Preview",
  "Language",
  "Title",
  "Back",
  "Add",
  "Import",
  "Yes",
  "No",
  "Registrations",
  "Invitations",
  "Door",
  "Print",
  "Team",
  "Total",
];

/**
 * The visible text of a page (and its labels: aria-label, title, alt), leaving out what is
 * rightly not Arabic: code, preformatted text, names in <bdi>, and whatever is marked as
 * another language or direction (data, addresses, the API's own English).
 */
async function visibleText(html: string): Promise<string> {
  const parts: string[] = [];
  let skipped = 0;
  const skip = "code, pre, bdi, script, style, textarea, [lang=en], [dir=ltr], [dir=auto]";
  await new HTMLRewriter()
    .on(skip, {
      element(el) {
        if (["html", "input", "img", "br"].includes(el.tagName)) return;
        skipped += 1;
        el.onEndTag(() => {
          skipped -= 1;
        });
      },
    })
    .on("[aria-label], [title], img[alt]", {
      element(el) {
        for (const name of ["aria-label", "title", "alt"]) {
          const value = el.getAttribute(name);
          if (value && el.getAttribute("lang") !== "en" && el.getAttribute("dir") !== "ltr")
            parts.push(value);
        }
      },
    })
    .on("*", {
      text(chunk) {
        if (skipped === 0) parts.push(chunk.text);
      },
    })
    .transform(new Response(html))
    .text();
  return parts.join(" ").replace(/\s+/g, " ");
}

function englishIn(text: string): string[] {
  const words = ENGLISH.filter((w) => new RegExp(`\\b${w}\\b`).test(text));
  // Two English words in a row: a sentence left in English.
  const runs = [...text.matchAll(/\b[A-Za-z]{3,} [a-z]{3,}\b/g)].map((m) => m[0]);
  return [...words, ...runs];
}

describe("every admin page in Arabic", () => {
  it("answers in Arabic, right to left, with no English left", async () => {
    // An owner account (every page) that chose Arabic.
    const owner = await createOrganiser(db(), BUILT_IN_OWNER, {
      email: uniqueEmail("owner"),
      name: "مالكة الحساب",
      role: "owner",
    });
    const cookie = await cookieFor(owner.id);
    expect((await form("/admin/language", { lang: "ar", back: "/admin" }, cookie)).status).toBe(
      303,
    );

    // Something on every page: a workshop with people, invitations, a report and its send,
    // subscribers, a suppression, an email in the dev mailbox.
    const workshop = await createWorkshop({
      title: "حوار إقليمي حول الأمن",
      questions: [{ id: "diet", type: "text", label: "احتياجات غذائية", required: false }],
      confidentiality: { ar: "قاعدة تشاتام هاوس", en: "Chatham House Rule" },
    });
    await addPerson(workshop.id, { name: "ليلى حداد", affiliation: "مركز الدراسات" });
    await addPerson(workshop.id, { name: "سامر خليل" });
    const invitee = uniqueEmail("inv");
    await inviteAndGetToken(workshop.id, invitee);
    const t = await topic(`ar-${crypto.randomUUID().slice(0, 8)}`);
    await seedSubscribers([{ email: uniqueEmail("s"), topicIds: [t.id], language: "ar" }]);
    await seedAttendees(workshop.id, [{ email: uniqueEmail("a"), name: "حاضر" }]);
    const report = await publishedReport({ workshopId: workshop.id });
    const distribution = await createDistribution(
      engine(new RecordingQueue()),
      BUILT_IN_OWNER,
      report.id,
      { topics: [t.slug] },
    );
    await suppress(uniqueEmail("sup"));
    const subscriberRes = await json("/api/v1/subscribers?limit=1", "GET", undefined, ADMIN).catch(
      () => null,
    );
    const subscriberId = subscriberRes?.ok
      ? ((await subscriberRes.json()) as { data: { id: string }[] }).data[0]?.id
      : undefined;
    // An agenda session with a speaker, and the feedback survey on, with enough answers for
    // its results to show.
    const { startsAt } = (await (
      await json(`/api/v1/workshops/${workshop.id}`, "GET", undefined, ADMIN)
    ).json()) as { startsAt: string };
    const at = (hours: number) => new Date(Date.parse(startsAt) + hours * 3600_000).toISOString();
    const sessionRes = await json(
      `/api/v1/workshops/${workshop.id}/sessions`,
      "POST",
      {
        title: { ar: "جلسة الافتتاح" },
        room: "القاعة الكبرى",
        startsAt: at(1),
        endsAt: at(2),
        people: [{ role: "speaker", name: "رانية خوري", affiliation: "معهد الأنهار" }],
      },
      ADMIN,
    );
    expect(sessionRes.status, await sessionRes.clone().text()).toBe(201);
    const sessionId = ((await sessionRes.json()) as { id: string }).id;
    expect(
      (await json(`/api/v1/workshops/${workshop.id}/feedback`, "PUT", { enabled: true }, ADMIN))
        .status,
    ).toBe(200);
    await db()
      .insert(feedbackAnswers)
      .values(
        [4, 5, 3, 5, 4].map((mark) => ({
          id: `fba_${crypto.randomUUID()}`,
          workshopId: workshop.id,
          ratings: { q1: mark, q2: mark },
          comments: null,
        })),
      );

    const mailboxId = await eventually(async () => {
      const res = await call(`/api/v1/mailbox?to=${encodeURIComponent(invitee)}`, {
        headers: ADMIN,
      });
      const body = (await res.json()) as { data: { id: string }[] };
      return body.data[0]?.id;
    });

    const w = `/admin/workshops/${workshop.id}`;
    const pages = [
      "/admin",
      "/admin/workshops",
      "/admin/workshops/new",
      w,
      `${w}/edit`,
      `${w}/cancel`,
      `${w}/invitations`,
      `${w}/door`,
      `${w}/door?q=${encodeURIComponent("ليلى")}`,
      `${w}/print/list`,
      `${w}/print/badges`,
      `${w}/key`,
      `${w}/sessions/new`,
      `${w}/sessions/${sessionId}`,
      `${w}/feedback`,
      "/admin/reports",
      "/admin/reports/new",
      `/admin/reports/${report.id}`,
      `/admin/reports/${report.id}/distributions/review?topics=${t.slug}&attendees=confirmed`,
      `/admin/distributions/${distribution.id}`,
      "/admin/subscribers",
      ...(subscriberId ? [`/admin/subscribers/${subscriberId}/erase`] : []),
      "/admin/suppressions",
      "/admin/people",
      "/admin/vault",
      "/admin/organisers",
      "/admin/tokens",
      "/admin/mailbox",
      `/admin/mailbox/${mailboxId}`,
      "/admin/audit",
      "/admin/check-in/not-a-code",
      "/admin/no-such-page",
      "/api/v1/docs",
    ];
    const problems: string[] = [];
    for (const path of pages) {
      const res = await call(path, { headers: { Cookie: cookie } });
      if (res.status >= 500) problems.push(`${path}: ${res.status}`);
      const html = await res.text();
      if (!html.includes('<html lang="ar" dir="rtl"')) problems.push(`${path}: not Arabic`);
      const left = englishIn(await visibleText(html));
      if (left.length) problems.push(`${path}: ${left.join(" | ")}`);
    }
    expect(problems).toEqual([]);
    // The walk saw the agenda and the survey's results, not their empty states.
    const workshopPage = await (await call(w, { headers: { Cookie: cookie } })).text();
    expect(workshopPage).toContain('id="feedback-results"');
    expect(workshopPage).toContain("رانية خوري");

    // Refused forms of the agenda and the survey explain themselves in Arabic too.
    const local = (hours: number) =>
      new Date(Date.parse(startsAt) + (hours + 3) * 3600_000).toISOString().slice(0, 16);
    const badSession = await form(
      `${w}/sessions`,
      { title_ar: "", startsAt: local(1), endsAt: local(9) },
      cookie,
    );
    expect(badSession.status).toBe(422);
    expect(await badSession.text()).toContain("يلزم عنوان للجلسة بلغة واحدة على الأقل.");
    const lateSession = await form(
      `${w}/sessions`,
      { title_ar: "جلسة متأخرة", startsAt: local(1), endsAt: local(9) },
      cookie,
    );
    expect(lateSession.status).toBe(422);
    const lateText = await visibleText(await lateSession.text());
    expect(lateText).toContain("يجب أن تنتهي الجلسة قبل نهاية ورشة العمل أو عندها: ");
    expect(englishIn(lateText)).toEqual([]);
    const noPerson = await form(`${w}/sessions/${sessionId}/people`, { role: "speaker" }, cookie);
    expect(await noPerson.text()).toContain("يلزم اختيار أحد المشاركين أو كتابة اسم.");
    const badSurvey = await form(
      `${w}/feedback`,
      { enabled: "true", q0_type: "rating", q0_ar: "س".repeat(400) },
      cookie,
    );
    expect(badSurvey.status).toBe(422);
    const badSurveyText = await visibleText(await badSurvey.text());
    expect(badSurveyText).toContain("السؤال 1: الحد الأقصى 300 حرفًا.");
    expect(englishIn(badSurveyText)).toEqual([]);

    // A pasted list of invitees names the line of each problem, in Arabic.
    const badList = await form(
      `${w}/invitations`,
      { csv: "email,name\nrania@example.org,رانية\nnot-an-address,سامي\n" },
      cookie,
    );
    expect(badList.status).toBe(422);
    const badListText = await visibleText(await badList.text());
    expect(badListText).toContain("السطر 3: عنوان البريد الإلكتروني غير صالح.");
    expect(englishIn(badListText)).toEqual([]);
  }, 120_000);

  it("signs in in Arabic before anyone is known", async () => {
    const res = await call("/admin/sign-in", { headers: { "Accept-Language": "ar" } });
    const html = await res.text();
    expect(html).toContain('<html lang="ar" dir="rtl"');
    expect(englishIn(await visibleText(html))).toEqual([]);
    // The same check finds English where it is: it is not blind.
    const english = await (await call("/admin/sign-in")).text();
    expect(englishIn(await visibleText(english))).toContain("Sign");
  });
});
