// Every paged list, followed page by page through its cursor, gives the rows of one big page:
// in the same order, none skipped, none repeated, including rows that tie on the sort column.
import { describe, expect, it } from "vitest";
import { DevMailboxTransport } from "../src/mail/dev-mailbox";
import { ADMIN, call, db, json, uniqueEmail } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

type Listing = { data: { id: string }[]; nextCursor: string | null };

async function list(path: string, query: Record<string, string>): Promise<Listing> {
  const res = await call(`${path}?${new URLSearchParams(query)}`, { headers: ADMIN });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Listing;
}

/** The ids of every page of `limit` rows, and how many pages that took. */
async function followPages(path: string, query: Record<string, string>, limit: number) {
  const ids: string[] = [];
  let pages = 0;
  for (let cursor: string | null = null; ; ) {
    const page = await list(path, {
      ...query,
      limit: String(limit),
      ...(cursor ? { cursor } : {}),
    });
    pages += 1;
    ids.push(...page.data.map((r) => r.id));
    cursor = page.nextCursor;
    if (!cursor) return { ids, pages };
  }
}

async function expectPagesMatchOnePage(path: string, query: Record<string, string> = {}) {
  const all = (await list(path, { ...query, limit: "100" })).data.map((r) => r.id);
  expect(all.length).toBeGreaterThanOrEqual(5);
  const { ids, pages } = await followPages(path, query, 2);
  expect(ids).toEqual(all);
  expect(pages).toBe(Math.ceil(all.length / 2));
  // A cursor that names no row starts from the beginning.
  expect(
    (await list(path, { ...query, limit: "2", cursor: "nope" })).data.map((r) => r.id),
  ).toEqual(all.slice(0, 2));
}

describe("keyset pagination", () => {
  it("workshops, latest start first, ties by id", async () => {
    const startsAt = new Date(Date.now() + 30 * 86_400_000);
    for (let i = 0; i < 5; i++)
      await createWorkshop({
        startsAt: new Date(startsAt.getTime() + (i % 2) * 3600_000).toISOString(),
        endsAt: new Date(startsAt.getTime() + 6 * 3600_000).toISOString(),
      });
    await expectPagesMatchOnePage("/api/v1/workshops");
  });

  it("registrations of a workshop, newest first", async () => {
    const w = await createWorkshop({ requireVerification: false, capacity: null });
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        json(`/api/v1/public/workshops/${w.slug}/registrations`, "POST", {
          name: `Person ${i}`,
          email: uniqueEmail("page"),
        }),
      ),
    );
    await expectPagesMatchOnePage(`/api/v1/workshops/${w.id}/registrations`);
  });

  it("subscribers, by id", async () => {
    for (let i = 0; i < 5; i++)
      await json("/api/v1/public/subscriptions", "POST", { email: uniqueEmail("page") });
    await expectPagesMatchOnePage("/api/v1/subscribers", { status: "pending" });
  });

  it("the dev mailbox, newest first", async () => {
    const to = uniqueEmail("box");
    const mailbox = new DevMailboxTransport(db());
    for (let i = 0; i < 5; i++)
      await mailbox.send(
        {
          from: "Workshops <events@example.org>",
          to,
          subject: `Message ${i}`,
          html: "<p>Hi</p>",
          text: "Hi",
          headers: {},
          attachments: [],
        },
        `page-${to}-${i}`,
      );
    await expectPagesMatchOnePage("/api/v1/mailbox", { to });
  });
});
