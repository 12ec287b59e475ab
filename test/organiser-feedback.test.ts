// What an organiser reads after acting on an admin page: notices that survive a #fragment,
// and a refused CSV import that answers with the pasted list kept and each problem by line.
import { beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  call,
  form,
  json,
  multipartForm,
  ORIGIN,
  ownerCookie,
  uniqueEmail,
} from "./support/helpers";
import { addPerson, createWorkshop } from "./support/workshops";

let cookie: string;
beforeAll(async () => {
  cookie = await ownerCookie();
});

/** Follows a redirect as a browser would: the fragment stays in the browser. */
async function follow(res: Response) {
  const location = res.headers.get("Location") ?? "";
  return call(location.split("#")[0]!, { headers: { Cookie: cookie } });
}

async function invitationCount(workshopId: string) {
  const res = await call(`/api/v1/workshops/${workshopId}/invitations`, { headers: ADMIN });
  return ((await res.json()) as { data: unknown[] }).data.length;
}

describe("notices after an admin action", () => {
  it("go in the query before the #fragment, and the next page shows them", async () => {
    const w = await createWorkshop();
    const person = await addPerson(w.id);
    const saved = await form(`/admin/registrations/${person.id}`, { notes: "VIP" }, cookie);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("Location")).toBe(
      `/admin/workshops/${w.id}?notice=Saved.&kind=ok#registrations`,
    );
    const page = await follow(saved);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div class="notice ok" role="status">Saved\.<\/div>/);
  });
});

describe("importing invitees from the admin page", () => {
  it("a bad row answers the form again: text kept, line named, nothing imported", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const pasted = `email,name\n${uniqueEmail()},Amal\nnot-an-address,Bad Row\n${uniqueEmail()},Omar`;
    const res = await multipartForm(
      `/admin/workshops/${w.id}/invitations`,
      { csv: pasted, send: "true" },
      cookie,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Line 3: not a valid email address.");
    expect(html).toContain("Nothing was imported.");
    // The pasted text is back in the box, escaped, exactly as it was.
    const box = html.match(/<textarea[^>]*name="csv"[^>]*>([\s\S]*?)<\/textarea>/)?.[1];
    expect(box?.replaceAll("&amp;", "&")).toBe(pasted);
    expect(html).toMatch(/<textarea[^>]*aria-invalid="true"/);
    expect(await invitationCount(w.id)).toBe(0);
  });

  it("counts lines as the organiser sees them: without a header, with blank and quoted lines", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const headerless = `${uniqueEmail()},Amal\n\n"${uniqueEmail()}","Line\nbreak"\nsomeone@,X`;
    const res = await multipartForm(
      `/admin/workshops/${w.id}/invitations`,
      { csv: headerless },
      cookie,
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Line 5: not a valid email address.");
  });

  it("an empty paste is explained, not silently ignored", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const res = await multipartForm(`/admin/workshops/${w.id}/invitations`, { csv: "" }, cookie);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("No invitees found");
  });

  it("a good list imports and the workshop page says how many", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const res = await multipartForm(
      `/admin/workshops/${w.id}/invitations`,
      { csv: `email,name\n${uniqueEmail()},Amal\n${uniqueEmail()},Omar` },
      cookie,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toMatch(
      new RegExp(`^/admin/workshops/${w.id}\\?notice=[^#]+&kind=ok#invitations$`),
    );
    expect(await (await follow(res)).text()).toContain("2 invited, 0 already invited.");
    expect(await invitationCount(w.id)).toBe(2);
  });

  it("the form has a page of its own", async () => {
    const w = await createWorkshop({ registrationMode: "invitation" });
    const res = await call(`/admin/workshops/${w.id}/invitations`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('name="csv"');
  });
});

describe("importing subscribers from the admin page", () => {
  it("names the bad lines and keeps the pasted text; good rows are imported", async () => {
    const good = uniqueEmail("sub");
    const pasted = `email,name,language\n${good},Amal,en\nbroken,Bad,en\n${uniqueEmail("sub")},Omar,xx`;
    const res = await multipartForm(
      "/admin/subscribers/import",
      { csv: pasted, dryRun: "false" },
      cookie,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Line 3: not a valid email address.");
    expect(html).toContain("Line 4: use en or ar.");
    expect(html).toContain(good.replaceAll("&", "&amp;"));
    expect(html).toContain("1 imported");
  });

  it("a clean import says what it did and empties the box", async () => {
    const res = await multipartForm(
      "/admin/subscribers/import",
      { csv: `email\n${uniqueEmail("sub")}`, dryRun: "true" },
      cookie,
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("1 would be imported");
    expect(html).toMatch(/<textarea[^>]*name="csv"[^>]*><\/textarea>/);
  });

  it("adding a topic says so on the page it returns to", async () => {
    const slug = `t-${Math.random().toString(36).slice(2, 8)}`;
    const res = await form("/admin/topics", { slug, name: "Topic" }, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(
      "/admin/subscribers?notice=Topic+added.&kind=ok#topics",
    );
    expect(await (await follow(res)).text()).toContain("Topic added.");
  });
});

// The API keeps its machine paths: only pages speak of lines.
it("the JSON API still reports rows by path", async () => {
  const w = await createWorkshop({ registrationMode: "invitation" });
  const res = await call(`/api/v1/workshops/${w.id}/invitations`, {
    method: "POST",
    headers: { ...ADMIN, "Content-Type": "text/csv", Origin: ORIGIN },
    body: "email\nnope",
  });
  expect(res.status).toBe(422);
  const problem = (await res.json()) as { errors: { path: string }[] };
  expect(problem.errors[0]!.path).toBe("rows.1.email");
});

describe("the workshop form's time zone", () => {
  const NEW = {
    title: "Time zone test",
    startsAt: "2027-05-03T10:00",
    endsAt: "2027-05-03T16:00",
    venueName: "Hall",
    venueCity: "",
    capacity: "20",
    registrationMode: "open",
    language: "en",
    retentionDays: "365",
  };

  async function created(res: Response) {
    expect(res.status, await res.clone().text()).toBe(303);
    const id = res.headers.get("Location")!.match(/\/admin\/workshops\/([^?#/]+)/)![1]!;
    const w = await call(`/api/v1/workshops/${id}`, { headers: ADMIN });
    return (await w.json()) as { timezone: string; startsAt: string };
  }

  it("offers every IANA zone by its local name", async () => {
    const res = await call("/admin/workshops/new", { headers: { Cookie: cookie } });
    const html = await res.text();
    expect(html).toMatch(/<input[^>]*name="timezone"[^>]*list="time-zones"/);
    expect(html).toContain('<option value="Asia/Beirut" label="Beirut · Eastern European Time">');
    expect(html).toContain('value="America/New_York"');
  });

  it('"Beirut" typed as the zone means Asia/Beirut', async () => {
    const w = await created(await form("/admin/workshops", { ...NEW, timezone: "Beirut" }, cookie));
    expect(w.timezone).toBe("Asia/Beirut");
    // 10:00 in Beirut in May (UTC+3).
    expect(Date.parse(w.startsAt)).toBe(Date.parse("2027-05-03T07:00:00Z"));
  });

  it("an empty zone is taken from the city", async () => {
    const w = await created(
      await form("/admin/workshops", { ...NEW, timezone: "", venueCity: "beirut" }, cookie),
    );
    expect(w.timezone).toBe("Asia/Beirut");
  });

  it("a zone in any case, or a city spelled the current way, is the zone", async () => {
    expect(
      (await created(await form("/admin/workshops", { ...NEW, timezone: "asia/beirut" }, cookie)))
        .timezone,
    ).toBe("Asia/Beirut");
    expect(
      (await created(await form("/admin/workshops", { ...NEW, timezone: "New York" }, cookie)))
        .timezone,
    ).toBe("America/New_York");
    expect(
      (await created(await form("/admin/workshops", { ...NEW, timezone: "Kolkata" }, cookie)))
        .timezone,
    ).toMatch(/^Asia\/(Kolkata|Calcutta)$/);
  });

  it("an unknown zone is a field error on the form, the rest kept, never a 500", async () => {
    const res = await form(
      "/admin/workshops",
      { ...NEW, title: "Kept title", timezone: "Beirutt", venueCity: "Beirut" },
      cookie,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Choose a time zone from the list, e.g. Asia/Beirut.");
    expect(html).toMatch(/<input[^>]*name="title"[^>]*value="Kept title"/);
    expect(html).toMatch(/<input[^>]*name="timezone"[^>]*value="Beirutt"/);
    expect(html).toMatch(/name="timezone"[^>]*aria-invalid="true"/);
  });

  it("the API answers a bad zone with problem JSON", async () => {
    const res = await json(
      "/api/v1/workshops",
      "POST",
      {
        title: "API zone",
        startsAt: "2027-05-03T10:00:00+03:00",
        endsAt: "2027-05-03T16:00:00+03:00",
        timezone: "Beirut",
        capacity: 10,
        registrationMode: "open",
      },
      ADMIN,
    );
    expect(res.status).toBe(422);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toContain("timezone");
  });
});
