// Organisers' invitation pages: the invitations section of a workshop's page, the import
// behind its invite form, and sending or revoking one invitation.

import { type Context, Hono } from "hono";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv, SignedInEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { type AdminWords, adminDictionary, fill, formatNumber } from "../i18n";
import { lineMessages } from "../lib/csv";
import { isForgotten } from "../lib/forgotten";
import type { Services } from "../services";
import { CsvImportFields, csvFromForm } from "../ui/csv-import";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { Fill } from "../ui/words";
import { getWorkshop } from "../workshops/service";
import type { Workshop } from "../workshops/types";
import { inviteesFromCsv } from "./import";
import { addInvitations, listInvitations, resendInvitation, revokeInvitation } from "./service";

/** Mounted at /admin/workshops/:id/invitations: inviting people to that workshop. */
export const workshopInvitationAdminPages = new Hono<AppEnv>();
/** Mounted at /admin/invitations: sending or revoking one invitation. */
export const invitationAdminPages = new Hono<AppEnv>();

const words = (c: AppContext) => adminDictionary(adminLang(c));

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
      view: <InvitationsSection a={words(c)} data={data} erased={Boolean(workshop.purgedAt)} />,
    };
  },
};

/** The invitations section of a workshop's admin page: status, send, revoke, invite people. */
export function InvitationsSection({
  a,
  data,
  erased = false,
}: {
  a: AdminWords;
  data: Awaited<ReturnType<typeof loadInvitationsSection>>;
  /** The workshop's data key is destroyed: nobody can be invited any more. */
  erased?: boolean;
}) {
  const { invites } = data;
  const base = `/admin/workshops/${data.workshopId}`;
  const t = a.invitations;
  return (
    <>
      <h2 id="invitations">{t.heading}</h2>
      {invites.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <DataTable headers={[t.invitee, a.common.status, t.reminders, a.common.actions]}>
          {invites.map((i) => (
            <tr>
              <td>
                {isForgotten(i.email) ? (
                  <span class="muted">{t.erased}</span>
                ) : (
                  <>
                    <bdi>{i.name ?? ""}</bdi>{" "}
                    <span class="mono" dir="ltr">
                      {i.email}
                    </span>
                  </>
                )}
              </td>
              <td>{t.status[i.status as keyof typeof t.status] ?? i.status}</td>
              <td>{formatNumber(i.remindersSent, a.lang)}</td>
              <td class="row">
                {i.status === "pending" || i.status === "sent" ? (
                  <>
                    <form method="post" action={`/admin/invitations/${i.id}/send`} class="inline">
                      <button type="submit" class="secondary">
                        {i.status === "pending" ? t.send : t.resend}
                      </button>
                    </form>
                    <form method="post" action={`/admin/invitations/${i.id}/revoke`} class="inline">
                      <button type="submit" class="danger">
                        {t.revoke}
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
          <h3>{t.invitePeople}</h3>
          <InviteForm a={a} base={base} />
        </>
      )}
    </>
  );
}

function InviteForm({
  a,
  base,
  pasted,
  problems,
  send = true,
}: {
  a: AdminWords;
  base: string;
  pasted?: string;
  problems?: string[];
  send?: boolean;
}) {
  const t = a.invitations;
  return (
    <form method="post" action={`${base}/invitations`} class="stack" enctype="multipart/form-data">
      <CsvImportFields
        label={t.pasteCsv}
        hint={
          <Fill
            text={t.csvHint}
            values={{ columns: <code dir="ltr">email,name,affiliation,role</code> }}
          />
        }
        placeholder="email,name,affiliation"
        pasted={pasted}
        problems={problems}
        summary={t.nothingImported}
        uploadLabel={a.csv.upload}
      />
      <label class="check">
        <input type="checkbox" name="send" value="true" checked={send} /> {t.sendNow}
      </label>
      <div>
        <button type="submit">{t.add}</button>
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
  const view = adminPage(c);
  const a = adminDictionary(view.lang);
  const t = a.invitations;
  return c.html(
    <Page {...view} title={t.invitePeople} path="/admin/workshops">
      <p>
        <a href={`${base}#invitations`}>
          {view.lang === "ar" ? "→" : "←"} <bdi>{workshop.title}</bdi>
        </a>
      </p>
      <h1>{t.invitePeople}</h1>
      {workshop.purgedAt ? (
        <p class="notice" role="status">
          {t.erasedWorkshop}
        </p>
      ) : (
        <InviteForm a={a} base={base} {...state} />
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
        ? lineMessages(errors, lines, adminLang(c))
        : [words(c).invitations.noneFound];
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
          fill(words(c).invitations.counts, {
            created: formatNumber(counts.created, adminLang(c)),
            skipped: formatNumber(counts.skipped, adminLang(c)),
          }),
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
          action === "send" ? words(c).invitations.sent : words(c).invitations.revoked,
        );
      }),
  );
}
