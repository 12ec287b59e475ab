// Every pair of states of the invitation, email and subscriber machines, through the code
// that really changes them, against real D1: a move the table allows happens, any other is
// refused (409) or changes nothing. Registrations have theirs in attendees.test.ts.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { INVITATION_STATUSES, invitations, workshops } from "../src/db/schema";
import { expireInvitations } from "../src/invitations/reminders";
import { INVITATION_TRANSITIONS, type InvitationStatus } from "../src/invitations/service";
import { canMove } from "../src/lib/state-machine";
import { mintToken } from "../src/registrations/tokens";
import { ADMIN, db, json, tokenFromEmail, uniqueEmail } from "./support/helpers";
import { createWorkshop } from "./support/workshops";

/** Every (from, to) pair of a machine whose `to` some code moves to. */
function pairs<S extends string, To extends S>(statuses: readonly S[], reachable: readonly To[]) {
  return statuses.flatMap((from) => reachable.map((to) => [from, to] as const));
}

describe("invitation status machine", () => {
  interface Invited {
    id: string;
    token: string;
    workshopId: string;
  }

  const statusOf = async (id: string) =>
    (await db().query.invitations.findFirst({ where: eq(invitations.id, id) }))!.status;
  const answer = (i: Invited, response: "accept" | "decline") =>
    json(`/api/v1/public/invitations/${i.token}`, "POST", { response });
  const closeRegistration = (workshopId: string) =>
    db()
      .update(workshops)
      .set({ registrationClosesAt: new Date(Date.now() - 60_000) })
      .where(eq(workshops.id, workshopId));

  /**
   * The code path to each status (none leads back to `pending`), tried on an invitation in
   * any status; it gives the HTTP status, or null for the cron job.
   */
  const moveTo: Record<
    Exclude<InvitationStatus, "pending">,
    (i: Invited) => Promise<number | null>
  > = {
    sent: async (i) => (await json(`/api/v1/invitations/${i.id}/send`, "POST", {}, ADMIN)).status,
    accepted: async (i) => (await answer(i, "accept")).status,
    declined: async (i) => (await answer(i, "decline")).status,
    revoked: async (i) =>
      (await json(`/api/v1/invitations/${i.id}/revoke`, "POST", {}, ADMIN)).status,
    expired: async (i) => {
      await closeRegistration(i.workshopId);
      await expireInvitations(db(), new Date());
      return null;
    },
  };

  async function invitationIn(status: InvitationStatus): Promise<Invited> {
    const w = await createWorkshop({ registrationMode: "invitation", capacity: 5 });
    const email = uniqueEmail("inv");
    const send = status !== "pending";
    const res = await json(
      `/api/v1/workshops/${w.id}/invitations`,
      "POST",
      { invitees: [{ email, name: "Invited" }], send },
      ADMIN,
    );
    expect(res.status).toBe(201);
    const { id } = (await db().query.invitations.findFirst({
      where: eq(invitations.email, email),
    }))!;
    let token: string;
    if (send) token = await tokenFromEmail(email, "workshop:invitation", "i");
    else {
      // A pending invitation has no link yet; give it one, as sending would.
      const minted = await mintToken(db(), "invitation", id, new Date(Date.now() + 86_400_000));
      await minted.query;
      token = minted.token;
    }
    const invited = { id, token, workshopId: w.id };
    if (status !== "pending" && status !== "sent") await moveTo[status](invited);
    expect(await statusOf(id)).toBe(status);
    return invited;
  }

  /** Answering what was already answered, or revoking twice, repeats the answer: 200. */
  const repeats = (from: InvitationStatus, to: InvitationStatus) =>
    (from === "accepted" || from === "declined") && (to === "accepted" || to === "declined")
      ? true
      : from === to;

  for (const [from, to] of pairs(
    INVITATION_STATUSES,
    Object.keys(moveTo) as (keyof typeof moveTo)[],
  )) {
    const legal = canMove(INVITATION_TRANSITIONS, from, to);
    it(`${from} → ${to} is ${legal ? "allowed" : "refused"}`, async () => {
      const invited = await invitationIn(from);
      const code = await moveTo[to](invited);
      expect(await statusOf(invited.id)).toBe(legal ? to : from);
      if (code !== null) expect(code).toBe(legal || repeats(from, to) ? 200 : 409);
    });
  }
});
