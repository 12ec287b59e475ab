// Organisers' invitation pages: the invitations section of a workshop's page, the import
// behind its invite form, and sending or revoking one invitation.

import { type Context, Hono } from "hono";
import type { AppEnv, SignedInEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { lineMessages } from "../lib/csv";
import { isForgotten } from "../lib/forgotten";
import type { Services } from "../services";
import { CsvImportFields, csvFromForm } from "../ui/csv-import";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { getWorkshop } from "../workshops/service";
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
      {erased ? null : (
        <>
          <h3>Invite people</h3>
          <InviteForm base={base} />
        </>
      )}
    </>
  );
}

function InviteForm({
  base,
  pasted,
  problems,
  send = true,
}: {
  base: string;
  pasted?: string;
  problems?: string[];
  send?: boolean;
}) {
  return (
    <form method="post" action={`${base}/invitations`} class="stack" enctype="multipart/form-data">
      <CsvImportFields
        label="Paste CSV"
        hint={
          <>
            A header line, then one invitee per line: <code>email,name,affiliation,role</code> (only
            email is required). Invalid rows are reported and nothing is imported.
          </>
        }
        placeholder="email,name,affiliation"
        pasted={pasted}
        problems={problems}
        summary="Nothing was imported. Correct these lines and add the invitees again:"
      />
      <label class="check">
        <input type="checkbox" name="send" value="true" checked={send} /> Send the invitations now
      </label>
      <div>
        <button type="submit">Add invitees</button>
      </div>
    </form>
  );
}

/**
 * The invite form on a page of its own: where a refused import answers, with the pasted list
 * still in the box and each problem named by its line.
 */
async function invitePage(
  c: Context<SignedInEnv>,
  id: string,
  state: { pasted?: string; problems?: string[]; send?: boolean } = {},
  status: 200 | 422 = 200,
) {
  const workshop = await getWorkshop(c.var.services.db, id);
  const base = `/admin/workshops/${workshop.id}`;
  return c.html(
    <Page lang="en" title="Invite people" area="admin" actor={c.var.actor} path="/admin/workshops">
      <p>
        <a href={`${base}#invitations`}>
          ← <bdi>{workshop.title}</bdi>
        </a>
      </p>
      <h1>Invite people</h1>
      {workshop.purgedAt ? (
        <p class="notice" role="status">
          This workshop's personal data was erased: it takes nobody new.
        </p>
      ) : (
        <InviteForm base={base} {...state} />
      )}
    </Page>,
    status,
  );
}

workshopInvitationAdminPages.get("/", requires("workshops.manage", { workshop: "id" }), (c) =>
  invitePage(c, c.req.param("id") ?? ""),
);

workshopInvitationAdminPages.post(
  "/",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const id = c.req.param("id") ?? "";
    const body = await c.req.parseBody();
    const { text, pasted } = await csvFromForm(body);
    const send = body.send === "true";
    const { invitees, errors, lines } = text.trim()
      ? inviteesFromCsv(text)
      : { invitees: [], errors: [], lines: [] };
    if (errors.length || invitees.length === 0) {
      const problems = errors.length
        ? lineMessages(errors, lines)
        : ["No invitees found: paste a header line and one invitee per line, or choose a file."];
      return invitePage(c, id, { pasted, problems, send }, 422);
    }
    const back = `/admin/workshops/${id}#invitations`;
    return noticeOnError(
      c,
      back,
      async () => {
        const counts = await addInvitations(c.var.services, c.var.actor, id, invitees, send);
        return redirectWithNotice(
          c,
          back,
          `${counts.created} invited, ${counts.skipped} already invited.`,
        );
      },
      ["conflict", "invalid"],
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
