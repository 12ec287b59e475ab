// Destructive organiser actions ask first: cancelling a workshop and erasing a subscriber each
// have a confirmation page with a ticked box, and no list row carries the destructive button.
import { describe, expect, it } from "vitest";
import { seedSubscribers } from "./support/distribution";
import { ADMIN, call, form, json, ownerCookie, uniqueEmail } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

const page = async (path: string, cookie: string) =>
  (await call(path, { headers: { Cookie: cookie } })).text();

const workshopStatus = async (id: string) =>
  (
    (await (await json(`/api/v1/workshops/${id}`, "GET", undefined, ADMIN)).json()) as {
      status: string;
    }
  ).status;

describe("cancelling a workshop", () => {
  it("goes through a confirmation page and needs the box ticked", async () => {
    const cookie = await ownerCookie();
    const w = await createWorkshop();
    const workshopPage = await page(`/admin/workshops/${w.id}`, cookie);
    expect(workshopPage).toContain(`href="/admin/workshops/${w.id}/cancel"`);
    expect(workshopPage).not.toContain(`action="/admin/workshops/${w.id}/cancel"`);

    const confirm = await page(`/admin/workshops/${w.id}/cancel`, cookie);
    expect(confirm).toContain("This cannot be undone");
    expect(confirm).toContain(`name="confirm"`);

    const unticked = await form(`/admin/workshops/${w.id}/cancel`, {}, cookie);
    expect(unticked.status).toBe(303);
    expect(unticked.headers.get("location")).toBe(`/admin/workshops/${w.id}/cancel?unconfirmed=1`);
    expect(await workshopStatus(w.id)).toBe("published");
    expect(await page(unticked.headers.get("location")!, cookie)).toContain(
      "Tick the box to confirm the cancellation.",
    );

    const ticked = await form(`/admin/workshops/${w.id}/cancel`, { confirm: "yes" }, cookie);
    expect(ticked.status).toBe(303);
    expect(await workshopStatus(w.id)).toBe("cancelled");
  });
});

describe("erasing a subscriber", () => {
  it("is a link per row, then a confirmation page that names the address", async () => {
    const cookie = await ownerCookie();
    const email = uniqueEmail("erase-me");
    const [id] = await seedSubscribers([{ email, name: "Rania Erased" }]);
    const list = await page(`/admin/subscribers?q=${encodeURIComponent(email)}`, cookie);
    expect(list).toContain(`href="/admin/subscribers/${id}/erase"`);
    expect(list).not.toContain(`action="/admin/subscribers/${id}/erase"`);

    const confirm = await page(`/admin/subscribers/${id}/erase`, cookie);
    expect(confirm).toContain(email);
    expect(confirm).toContain("Rania Erased");

    const unticked = await form(`/admin/subscribers/${id}/erase`, {}, cookie);
    expect(unticked.headers.get("location")).toBe(`/admin/subscribers/${id}/erase?unconfirmed=1`);
    expect(await page(`/admin/subscribers/${id}/erase`, cookie)).toContain(email);

    const ticked = await form(`/admin/subscribers/${id}/erase`, { confirm: "yes" }, cookie);
    expect(ticked.status).toBe(303);
    const gone = await call(`/admin/subscribers/${id}/erase`, { headers: { Cookie: cookie } });
    expect(gone.status).toBe(404);
    expect(await gone.text()).not.toContain(email);
  });
});
