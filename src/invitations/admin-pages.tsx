// Organisers' invitation pages: the invitations section of a workshop's page, the import
// behind its invite form, and sending or revoking one invitation.

import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { isForgotten } from "../lib/forgotten";
import type { Services } from "../services";
import { DataTable } from "../ui/table";
import type { Workshop } from "../workshops/types";
import { inviteesFromCsv } from "./import";
import { addInvitations, listInvitations, resendInvitation, revokeInvitation } from "./service";

/** Mounted at /admin/workshops/:id/invitations: inviting people to that workshop. */
export const workshopInvitationAdminPages = new Hono<AppEnv>();
/** Mounted at /admin/invitations: sending or revoking one invitation. */
export const invitationAdminPages = new Hono<AppEnv>();

/** Every invitation of a workshop, newest first. */
export async function loadInvitationsSection(svc: Services, workshopId: string) {
  const invites = await listInvitations(svc, workshopId);
  return { workshopId, invites, rows: invites.length };
}

/** The invitations section of a workshop's admin page, as the page composes it. */
export const invitationsSection: Section<Workshop> = {
  async load(c, workshop) {
    const data = await loadInvitationsSection(c.var.services, workshop.id);
    return {
      rows: data.rows,
      view: <InvitationsSection data={data} erased={Boolean(workshop.purgedAt)} />,
    };
  },
};

/** The invitations section of a workshop's admin page: status, send, revoke, invite people. */
export function InvitationsSection({
  data,
  erased = false,
}: {
  data: Awaited<ReturnType<typeof loadInvitationsSection>>;
  /** The workshop's data key is destroyed: nobody can be invited any more. */
  erased?: boolean;
}) {
  const { invites } = data;
  const base = `/admin/workshops/${data.workshopId}`;
  return (
    <>
      <h2 id="invitations">Invitations</h2>
      {invites.length === 0 ? (
        <p>No invitations yet.</p>
      ) : (
        <DataTable headers={["Invitee", "Status", "Reminders", "Actions"]}>
          {invites.map((i) => (
            <tr>
              <td>
                {isForgotten(i.email) ? (
                  <span class="muted">Erased</span>
                ) : (
                  <>
                    <bdi>{i.name ?? ""}</bdi> <span class="mono">{i.email}</span>
                  </>
                )}
              </td>
              <td>{i.status}</td>
              <td>{i.remindersSent}</td>
              <td class="row">
                {i.status === "pending" || i.status === "sent" ? (
                  <>
                    <form method="post" action={`/admin/invitations/${i.id}/send`} class="inline">
                      <button type="submit" class="secondary">
                        {i.status === "pending" ? "Send" : "Resend"}
                      </button>
                    </form>
                    <form method="post" action={`/admin/invitations/${i.id}/revoke`} class="inline">
                      <button type="submit" class="danger">
                        Revoke
                      </button>
                    </form>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {erased ? null : <InviteForm base={base} />}
    </>
  );
}

function InviteForm({ base }: { base: string }) {
  return (
    <>
      <h3>Invite people</h3>
      <form
        method="post"
        action={`${base}/invitations`}
        class="stack"
        enctype="multipart/form-data"
      >
        <div>
          <label for="f-csv">Paste CSV</label>
          <p class="hint" id="f-csv-hint">
            A header line, then one invitee per line: <code>email,name,affiliation,role</code> (only
            email is required). Invalid rows are reported and nothing is imported.
          </p>
          <textarea
            id="f-csv"
            name="csv"
            rows={5}
            aria-describedby="f-csv-hint"
            placeholder="email,name,affiliation"
          />
        </div>
        <div>
          <label for="f-file">Or upload a CSV file</label>
          <input id="f-file" name="file" type="file" accept=".csv,text/csv" />
        </div>
        <label class="check">
          <input type="checkbox" name="send" value="true" checked /> Send the invitations now
        </label>
        <div>
          <button type="submit">Add invitees</button>
        </div>
      </form>
    </>
  );
}

workshopInvitationAdminPages.post(
  "/",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const id = c.req.param("id") ?? "";
    const body = await c.req.parseBody();
    const file = body.file instanceof File && body.file.size > 0 ? await body.file.text() : "";
    const text = file || String(body.csv ?? "");
    const { invitees, errors } = inviteesFromCsv(text);
    if (errors.length || invitees.length === 0) {
      const detail = errors.length
        ? errors.map((e) => `${e.path}: ${e.message}`).join("; ")
        : "No invitees found.";
      return redirectWithNotice(
        c,
        `/admin/workshops/${id}#invitations`,
        `Nothing imported. ${detail}`,
        "error",
      );
    }
    const counts = await addInvitations(
      c.var.services,
      c.var.actor,
      id,
      invitees,
      body.send === "true",
    );
    return redirectWithNotice(
      c,
      `/admin/workshops/${id}#invitations`,
      `${counts.created} invited, ${counts.skipped} already invited.`,
    );
  },
);

for (const action of ["send", "revoke"] as const) {
  invitationAdminPages.post(
    `/:id/${action}`,
    requires("workshops.manage", { invitation: "id" }),
    (c) =>
      noticeOnError(c, "/admin/workshops", async () => {
        const i =
          action === "send"
            ? await resendInvitation(c.var.services, c.var.actor, c.req.param("id"))
            : await revokeInvitation(c.var.services, c.var.actor, c.req.param("id"));
        return redirectWithNotice(
          c,
          `/admin/workshops/${i.workshopId}#invitations`,
          action === "send" ? "Invitation sent." : "Invitation revoked.",
        );
      }),
  );
}
