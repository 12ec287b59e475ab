// Every admin form, posted wrong: empty, every field empty, every field 100 KB long, wrong
// types (repeated fields, files where text belongs, "abc" for numbers and dates), broken
// encodings, bidi marks. Whatever an organiser's browser or a script sends, a page answers
// with an explained form, a notice or a refusal: never a 5xx.
//
// The forms are found as an organiser finds them: by walking the admin pages from /admin and
// reading each <form method="post">, so a new form is fuzzed without touching this file.
import { beforeAll, describe, expect, it } from "vitest";
import { distributionTo, publishedReport, seedSubscribers, topic } from "./support/distribution";
import {
  ADMIN,
  call,
  form,
  json,
  ORIGIN,
  ownerCookie,
  suppress,
  uniqueEmail,
} from "./support/helpers";
import { addPerson, createWorkshop } from "./support/workshops";

interface FoundForm {
  action: string;
  fields: string[];
  multipart: boolean;
  /** The page it was found on, for the failure message. */
  page: string;
}

/** Forms not posted: they end the session every later post needs. */
const SKIPPED = [/^\/admin\/sign-out$/];

/**
 * Forms whose post changes what the others stand on (erasing, destroying a key, rotating
 * the master key, cancelling): posted last, so the rest are fuzzed against live data.
 */
const LAST = /(erase|destroy|confirm|rotate|cancel|revoke|delete|remove|lift)(\/|$)/;

/** The admin POST forms this test must find: each feature's, by the path it posts to. */
const EXPECTED = [
  /^\/admin\/workshops$/, // create
  /^\/admin\/workshops\/wks_[^/]+$/, // edit
  /^\/admin\/workshops\/[^/]+\/publish$/,
  /^\/admin\/workshops\/[^/]+\/invitations$/,
  /^\/admin\/workshops\/[^/]+\/registrations$/,
  /^\/admin\/workshops\/[^/]+\/registrations\/decisions$/,
  /^\/admin\/workshops\/[^/]+\/messages$/,
  /^\/admin\/workshops\/[^/]+\/team$/,
  /^\/admin\/workshops\/[^/]+\/feedback$/,
  /^\/admin\/workshops\/[^/]+\/feedback\/enabled$/,
  /^\/admin\/registrations\/[^/]+$/,
  /^\/admin\/invitations\/[^/]+\/(send|revoke)$/,
  /^\/admin\/reports$/,
  /^\/admin\/reports\/[^/]+$/,
  /^\/admin\/reports\/[^/]+\/files$/,
  /^\/admin\/reports\/[^/]+\/distributions/,
  /^\/admin\/subscribers\/import$/,
  /^\/admin\/topics$/,
  /^\/admin\/suppressions$/,
  /^\/admin\/suppressions\/lookup$/,
  /^\/admin\/people$/,
  /^\/admin\/organisers$/,
  /^\/admin\/tokens$/,
  /^\/admin\/tokens\/[^/]+\/revoke$/,
  /^\/admin\/suppressions\/lift$/,
  /^\/admin\/subscribers\/[^/]+\/reactivate$/,
  /^\/admin\/subscribers\/[^/]+\/erase$/,
  /^\/admin\/check-in\/registrations\/[^/]+$/,
];

const decode = (s: string) =>
  s
    .replaceAll("&amp;", "&")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">");

function formsIn(html: string, page: string): FoundForm[] {
  const forms: FoundForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1]!;
    if (!/method="post"/i.test(attrs)) continue;
    const action = decode(attrs.match(/action="([^"]*)"/)?.[1] ?? page);
    const fields = [
      ...new Set(
        [...m[2]!.matchAll(/<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"/g)].map((f) =>
          decode(f[1]!),
        ),
      ),
    ];
    forms.push({ action, fields, multipart: /multipart\/form-data/.test(attrs), page });
  }
  return forms;
}

/** Walks the admin pages from /admin: every form found, once per action and field set. */
async function crawl(cookie: string, starts: string[]): Promise<FoundForm[]> {
  const seen = new Set<string>();
  const queue = [...starts];
  const forms = new Map<string, FoundForm>();
  while (queue.length && seen.size < 120) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await call(path, { headers: { Cookie: cookie } });
    expect(res.status, `GET ${path}`).toBeLessThan(500);
    if (!(res.headers.get("Content-Type") ?? "").includes("text/html")) continue;
    const html = await res.text();
    for (const form of formsIn(html, path)) {
      const key = `${form.action}|${form.fields.join(",")}`;
      if (!forms.has(key) && !SKIPPED.some((s) => s.test(form.action))) forms.set(key, form);
    }
    for (const link of html.matchAll(/href="(\/admin[^"#]*)/g)) {
      const href = decode(link[1]!);
      // One page of each list is enough; previews and downloads are not forms.
      if (/cursor=|\.csv|\.ics|\/preview|\/raw|\/files\/[^/]+$/.test(href)) continue;
      if (!seen.has(href)) queue.push(href);
    }
  }
  return [...forms.values()];
}

const KB100 = "x".repeat(100 * 1024);

/** Wrong in every way a field can be, one value per field name. */
const WRONG_VALUES: Record<string, string> = {
  abc: "abc",
  negative: "-1",
  huge: "99999999999999999999999",
  float: "1.5e308",
  bidi: "\u202Eevil\u202C \u200F\u061C\u2067x\u2069",
  controls: "a\u0000b\u0007c\r\n\t",
  html: "<script>alert(1)</script>\"'&",
  arabic: "ورشة عمل — بيروت",
  emoji: "🙂".repeat(50),
  surrogate: "a\uD800b",
  spaces: "   ",
  dates: "2027-02-30T25:61",
  zone: "Mars/Olympus_Mons",
  json: '{"__proto__":{"x":1}}',
};

interface Attempt {
  what: string;
  init: RequestInit & { headers: Record<string, string> };
}

function urlencoded(body: string): Pick<Attempt["init"], "body" | "headers"> {
  return { body, headers: { "Content-Type": "application/x-www-form-urlencoded" } };
}

function multipart(fields: [string, string | File][]): Pick<Attempt["init"], "body"> {
  const body = new FormData();
  for (const [name, value] of fields) body.append(name, value);
  return { body };
}

/** Splits fields into groups whose 100 KB values stay under the 1 MiB body limit. */
function groupsOf<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

function attempts(form: FoundForm): Attempt[] {
  const f = form.fields;
  const enc = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();
  const list: Attempt[] = [
    { what: "no body", init: { method: "POST", headers: {} } },
    { what: "empty urlencoded body", init: { method: "POST", ...urlencoded("") } },
    {
      what: "every field empty",
      init: { method: "POST", ...urlencoded(enc(f.map((n) => [n, ""]))) },
    },
    ...groupsOf(f, 8).map((group, i) => ({
      what: `every field 100 KB (group ${i + 1})`,
      init: { method: "POST" as const, ...urlencoded(enc(group.map((n) => [n, KB100]))) },
    })),
    ...Object.entries(WRONG_VALUES).map(([what, value]) => ({
      what: `every field ${what}`,
      init: { method: "POST" as const, ...urlencoded(enc(f.map((n) => [n, value]))) },
    })),
    {
      what: "every field repeated (an array where a string is expected)",
      init: {
        method: "POST",
        ...urlencoded(
          enc(
            f.flatMap(
              (n) =>
                [
                  [n, "a"],
                  [n, "b"],
                ] as [string, string][],
            ),
          ),
        ),
      },
    },
    {
      what: "every field as name[]",
      init: { method: "POST", ...urlencoded(enc(f.map((n) => [`${n}[]`, "a"]))) },
    },
    {
      what: "broken percent-encoding",
      init: { method: "POST", ...urlencoded(f.map((n) => `${n}=%E0%A4%A%FF%`).join("&") || "%") },
    },
    {
      what: "invalid UTF-8 bytes",
      init: {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new Uint8Array([
          ...new TextEncoder().encode(`${f[0] ?? "x"}=`),
          0xff,
          0xfe,
          0xc3,
          0x28,
        ]),
      },
    },
    {
      what: "a JSON body to a form",
      init: {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: '{"title":[1,2]}',
      },
    },
    {
      what: "a wrong content type",
      init: { method: "POST", headers: { "Content-Type": "text/plain" }, body: "x=1" },
    },
    {
      what: "multipart: every field a file",
      init: {
        method: "POST",
        headers: {},
        ...multipart(f.map((n) => [n, new File(["x,y\n1,2"], "a.csv", { type: "text/csv" })])),
      },
    },
    {
      what: "multipart: every field abc, repeated",
      init: {
        method: "POST",
        headers: {},
        ...multipart(
          f.flatMap(
            (n) =>
              [
                [n, "abc"],
                [n, "abc"],
              ] as [string, string][],
          ),
        ),
      },
    },
    {
      what: "multipart with no boundary",
      init: { method: "POST", headers: { "Content-Type": "multipart/form-data" }, body: "--x\r\n" },
    },
  ];
  return list;
}

let cookie: string;
let forms: FoundForm[] = [];

beforeAll(async () => {
  cookie = await ownerCookie();
  // Something on every page for its forms to act on.
  const w = await createWorkshop({
    registrationMode: "approval",
    questions: [{ id: "q1", label: "Why?", type: "text" }],
  });
  await addPerson(w.id);
  await json(
    `/api/v1/workshops/${w.id}/invitations`,
    "POST",
    { invitees: [{ email: uniqueEmail("inv") }] },
    ADMIN,
  );
  await json(`/api/v1/workshops/${w.id}/messages`, "POST", { subject: "Hello", body: "Hi" }, ADMIN);
  const t = await topic(`fz-${Math.random().toString(36).slice(2, 7)}`);
  const bounced = uniqueEmail("bounced");
  await seedSubscribers([
    { email: uniqueEmail("sub"), topicIds: [t.id] },
    { email: bounced, status: "bounced" },
  ]);
  await suppress(bounced, "bounce");
  await form("/admin/tokens", { name: "Fuzz token" }, cookie);
  const { distributionId } = await distributionTo(1);
  const report = await publishedReport({ workshopId: w.id });
  await json(
    "/api/v1/organisers",
    "POST",
    { email: uniqueEmail("org"), name: "Org", role: "organiser" },
    ADMIN,
  );
  const draft = await createWorkshop({}, false);
  forms = await crawl(cookie, [
    "/admin",
    `/admin/workshops/${draft.id}`,
    `/admin/workshops/${w.id}`,
    `/admin/workshops/${w.id}/invitations`,
    `/admin/workshops/${w.id}/door?q=Added`,
    `/admin/distributions/${distributionId}`,
    "/admin/reports/new",
    `/admin/reports/${report.id}/distributions/review?topics=${t.slug}&attendees=confirmed`,
  ]);
}, 120_000);

describe("admin forms, posted wrong", () => {
  it("are all found", () => {
    const actions = forms.map((f) => f.action);
    for (const expected of EXPECTED)
      expect(
        actions.some((a) => expected.test(a)),
        `a form posting to ${expected}`,
      ).toBe(true);
  });

  it("never answer 5xx", async () => {
    const ordered = [
      ...forms.filter((f) => !LAST.test(f.action)),
      ...forms.filter((f) => LAST.test(f.action)),
    ];
    const failures: string[] = [];
    for (const form of ordered)
      for (const { what, init } of attempts(form)) {
        const res = await call(form.action, {
          ...init,
          headers: {
            ...init.headers,
            Cookie: cookie,
            Origin: ORIGIN,
            "Sec-Fetch-Site": "same-origin",
          },
        });
        if (res.status >= 500)
          failures.push(
            `${res.status} POST ${form.action} (${what}; form on ${form.page}): ${(await res.text()).slice(0, 200)}`,
          );
        else await res.body?.cancel();
      }
    expect(failures).toEqual([]);
  }, 600_000);
});

// Causes the fuzzing found, pinned where the API reaches them too.
describe("what the fuzzing found", () => {
  it("a report moved to a workshop that does not exist is a 422, not a 500", async () => {
    const report = await publishedReport();
    const res = await json(
      `/api/v1/reports/${report.id}`,
      "PATCH",
      { workshopId: "wks_nope" },
      ADMIN,
    );
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe(
      "workshopId",
    );
  });

  it("a multipart form without its boundary is a 400 page", async () => {
    const res = await call("/admin/topics", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data", Cookie: cookie, Origin: ORIGIN },
      body: "--x\r\n",
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toContain("text/html");
  });
});
