// An organiser's approvals at a glance: the registrations table shows each person's answers,
// decides in one click per row or in bulk for the ticked rows (each through the same seat
// engine, audited, the person told), and the dashboard counts each workshop's people.
import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, registrations } from "../src/db/schema";
import {
  ADMIN,
  call,
  db,
  form,
  json,
  latestEmail,
  ownerCookie,
  uniqueEmail,
} from "./support/helpers";
import { registrationOf } from "./support/vault";
import { addPerson, createWorkshop } from "./support/workshops";

let cookie: string;
beforeAll(async () => {
  cookie = await ownerCookie();
});

const QUESTIONS = [
  { id: "diet", label: "Dietary needs", type: "text", required: false },
  { id: "panel", label: "Panel", type: "choice", required: false, options: ["Water", "Energy"] },
  { id: "photo", label: "Photos allowed", type: "checkbox", required: false },
];

/** An approval-mode workshop with `n` people awaiting a decision, oldest first. */
async function awaiting(n: number, overrides: Record<string, unknown> = {}) {
  const w = await createWorkshop({
    registrationMode: "approval",
    requireVerification: false,
    questions: QUESTIONS,
    ...overrides,
  });
  const people = [];
  for (let i = 0; i < n; i++) {
    const email = uniqueEmail(`wait${i}`);
    const res = await json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
      name: `Person ${i}`,
      email,
      answers: { diet: i === 0 ? "No nuts, please" : "", panel: "Water", photo: i === 0 },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const row = (await registrationOf(w.id, email))!;
    expect(row.status).toBe("pending_approval");
    people.push({ id: row.id, email });
  }
  return { w, people };
}

async function statusOf(id: string) {
  const row = await db().query.registrations.findFirst({ where: eq(registrations.id, id) });
  return row?.status;
}

async function adminPage(path: string) {
  const res = await call(path, { headers: { Cookie: cookie } });
  expect(res.status).toBe(200);
  return res.text();
}

const noticeOf = (res: Response) =>
  new URL(res.headers.get("Location") ?? "", "https://x").searchParams.get("notice");

describe("the registrations table", () => {
  it("shows each person's answers, with their question, and the address breaking at @", async () => {
    const { w, people } = await awaiting(2);
    const html = await adminPage(`/admin/workshops/${w.id}`);
    expect(html).toContain('<th scope="col">Answers</th>');
    expect(html).toContain('<dt dir="auto">Dietary needs</dt><dd dir="auto">No nuts, please</dd>');
    expect(html).toContain('<dt dir="auto">Panel</dt><dd dir="auto">Water</dd>');
    expect(html).toContain('<dt dir="auto">Photos allowed</dt><dd dir="auto">Yes</dd>');
    // The second person left the text answer empty: no empty line for it.
    expect(html.match(/Dietary needs/g)).toHaveLength(1);
    const [local, domain] = people[0]!.email.split("@");
    expect(html).toContain(`title="${people[0]!.email}">${local}<wbr/>@${domain}</span>`);
  });

  it("offers one-click decisions only to people waiting for one", async () => {
    const { w, people } = await awaiting(1, { capacity: 5 });
    const confirmed = await addPerson(w.id);
    const html = await adminPage(`/admin/workshops/${w.id}`);
    const buttonsOf = (id: string) => {
      const row = html.split("<tr>").find((r) => r.includes(`value="${id}"`)) ?? "";
      return [...row.matchAll(/aria-label="(Approve|Waitlist|Decline) /g)].map((m) => m[1]);
    };
    expect(buttonsOf(people[0]!.id)).toEqual(["Approve", "Waitlist", "Decline"]);
    // Declining someone already confirmed stays in the row's "More" form.
    expect(buttonsOf(confirmed.id)).toEqual([]);
    expect(html).toContain('<form id="bulk" method="post"');
    expect(html).toContain(`form="bulk" id="pick-${people[0]!.id}"`);
  });

  it("approves in one click: the seat, the notice, the audit row, the person's email", async () => {
    const { w, people } = await awaiting(1);
    const res = await form(
      `/admin/registrations/${people[0]!.id}`,
      { status: "confirmed" },
      cookie,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(
      `/admin/workshops/${w.id}?notice=Approved.&kind=ok#registrations`,
    );
    expect(await statusOf(people[0]!.id)).toBe("confirmed");
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, people[0]!.id), eq(auditLog.action, "registration.status")));
    expect(audit.map((a) => a.detail)).toEqual([{ from: "pending_approval", to: "confirmed" }]);
    expect((await latestEmail(people[0]!.email, "workshop:confirmed"))?.subject).toBeTruthy();
  });

  it("waitlists and declines in one click", async () => {
    const { people } = await awaiting(2);
    const wait = await form(
      `/admin/registrations/${people[0]!.id}`,
      { status: "waitlisted" },
      cookie,
    );
    expect(noticeOf(wait)).toBe("Waitlisted.");
    const decline = await form(
      `/admin/registrations/${people[1]!.id}`,
      { status: "rejected" },
      cookie,
    );
    expect(noticeOf(decline)).toBe("Declined.");
    expect([await statusOf(people[0]!.id), await statusOf(people[1]!.id)]).toEqual([
      "waitlisted",
      "rejected",
    ]);
  });
});

describe("bulk decisions", () => {
  const bulk = (workshopId: string, ids: string[], decision: string, extra = "") => {
    const body = new URLSearchParams({ decision });
    for (const id of ids) body.append("ids", id);
    if (extra) body.append("filter", extra);
    return call(`/admin/workshops/${workshopId}/registrations/decisions`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://workshops.test",
        "Sec-Fetch-Site": "same-origin",
        Cookie: cookie,
      },
      body: body.toString(),
    });
  };

  it("approves the ticked people oldest first, and says who could not be and why", async () => {
    const { w, people } = await awaiting(4, { capacity: 3 });
    const ids = people.map((p) => p.id);
    const res = await bulk(w.id, [...ids].reverse(), "confirmed", "pending_approval");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toMatch(
      new RegExp(`^/admin/workshops/${w.id}\\?status=pending_approval&notice=`),
    );
    expect(noticeOf(res)).toBe("3 approved, 1 could not be (no seat left).");
    // Those who asked first got the seats; the last one still waits, untouched.
    expect(await Promise.all(ids.map(statusOf))).toEqual([
      "confirmed",
      "confirmed",
      "confirmed",
      "pending_approval",
    ]);
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(inArray(auditLog.targetId, ids), eq(auditLog.action, "registration.status")));
    expect(audit.map((a) => a.targetId).sort()).toEqual(ids.slice(0, 3).sort());
    for (const p of people.slice(0, 3))
      expect(await latestEmail(p.email, "workshop:confirmed")).toBeTruthy();
    expect(await latestEmail(people[3]!.email, "workshop:confirmed")).toBeUndefined();
  });

  it("names each kind of refusal, and refuses people of another workshop", async () => {
    const { w, people } = await awaiting(2);
    const other = await awaiting(1);
    await form(`/admin/registrations/${people[1]!.id}`, { status: "rejected" }, cookie);
    const res = await bulk(w.id, [people[0]!.id, people[1]!.id, other.people[0]!.id], "rejected");
    expect(noticeOf(res)).toBe("1 declined, 2 could not be (1 not found, 1 already declined).");
    expect(await statusOf(other.people[0]!.id)).toBe("pending_approval");
  });

  it("waitlists in bulk", async () => {
    const { w, people } = await awaiting(2);
    const res = await bulk(
      w.id,
      people.map((p) => p.id),
      "waitlisted",
    );
    expect(noticeOf(res)).toBe("2 waitlisted.");
    const rows = await db().query.registrations.findMany({
      where: inArray(
        registrations.id,
        people.map((p) => p.id),
      ),
    });
    expect(rows.map((r) => r.waitlistPosition).sort()).toEqual([1, 2]);
  });

  it("explains an empty selection or a missing decision, never a 5xx", async () => {
    const { w, people } = await awaiting(1);
    const none = await bulk(w.id, [], "confirmed");
    expect(none.status).toBe(303);
    expect(noticeOf(none)).toBe("Select the people first, then the decision.");
    const wrong = await bulk(w.id, [people[0]!.id], "attended");
    expect(noticeOf(wrong)).toBe("Choose approve, waitlist or decline.");
    expect(await statusOf(people[0]!.id)).toBe("pending_approval");
  });
});

describe("the dashboard", () => {
  it("counts each upcoming workshop's people by where they stand", async () => {
    // Soonest first, ten at most: these two start before the other tests' workshops.
    const soon = (days: number) => ({
      startsAt: new Date(Date.now() + days * 3600_000).toISOString(),
      endsAt: new Date(Date.now() + (days + 4) * 3600_000).toISOString(),
    });
    const { w, people } = await awaiting(4, { capacity: 10, ...soon(24) });
    await form(`/admin/registrations/${people[0]!.id}`, { status: "confirmed" }, cookie);
    await form(`/admin/registrations/${people[1]!.id}`, { status: "confirmed" }, cookie);
    await form(`/admin/registrations/${people[2]!.id}`, { status: "waitlisted" }, cookie);
    expect(
      (await json(`/api/v1/registrations/${people[0]!.id}/check-in`, "POST", {}, ADMIN)).status,
    ).toBe(200);
    const quiet = await createWorkshop(soon(25));
    const html = await adminPage("/admin");
    const rowOf = (id: string) =>
      html.split("<tr>").find((r) => r.includes(`/admin/workshops/${id}"`)) ?? "";
    const count = (row: string, name: string) =>
      row.match(new RegExp(`data-count="${name}">(?:<a [^>]*>)?([^<]+)`))?.[1]?.trim();
    const row = rowOf(w.id);
    expect(count(row, "awaiting")).toBe("1");
    expect(row).toContain(`href="/admin/workshops/${w.id}?status=pending_approval#registrations"`);
    expect(count(row, "confirmed")).toBe("2 / 10");
    expect(count(row, "waitlisted")).toBe("1");
    expect(count(row, "checked-in")).toBe("1");
    const empty = rowOf(quiet.id);
    expect(["awaiting", "waitlisted", "checked-in"].map((n) => count(empty, n))).toEqual([
      "0",
      "0",
      "0",
    ]);
  });
});
