// Builders for workshop tests: create and publish through the API, as an organiser would.
import { expect } from "vitest";
import { ADMIN, json, tokenFromEmail, uniqueEmail } from "./helpers";

let n = 0;

export interface WorkshopOverrides {
  [key: string]: unknown;
}

export async function createWorkshop(overrides: WorkshopOverrides = {}, publish = true) {
  n += 1;
  const start = new Date(Date.now() + 14 * 24 * 3600_000);
  const res = await json(
    "/api/v1/workshops",
    "POST",
    {
      title: `Regional dialogue ${n} ${Math.random().toString(36).slice(2, 6)}`,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 6 * 3600_000).toISOString(),
      timezone: "Europe/Istanbul",
      venue: { name: "Hall B", address: "12 Example Street", city: "Istanbul" },
      capacity: 10,
      registrationMode: "open",
      ...overrides,
    },
    ADMIN,
  );
  expect(res.status, await res.clone().text()).toBe(201);
  const workshop = (await res.json()) as { id: string; slug: string; title: string };
  if (publish)
    expect((await json(`/api/v1/workshops/${workshop.id}/publish`, "POST", {}, ADMIN)).status).toBe(
      200,
    );
  return workshop;
}

/** An organiser adds a person directly (no verification): confirmed, or waitlisted when full. */
export async function addPerson(workshopId: string, extra: Record<string, unknown> = {}) {
  const res = await json(
    `/api/v1/workshops/${workshopId}/registrations`,
    "POST",
    { name: "Added Person", email: uniqueEmail("add"), ...extra },
    ADMIN,
  );
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; status: string; email: string };
}

/** Invites an address and sends the invitation; returns the RSVP token from its email. */
export async function inviteAndGetToken(workshopId: string, email: string): Promise<string> {
  const res = await json(
    `/api/v1/workshops/${workshopId}/invitations`,
    "POST",
    { invitees: [{ email }], send: true },
    ADMIN,
  );
  expect(res.status, await res.clone().text()).toBe(201);
  return tokenFromEmail(email, "workshop:invitation", "i");
}
