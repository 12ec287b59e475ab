// The team section of a workshop's admin page: who may act on it, adding someone by
// address, changing their role, removing them. Every change is audited by the service.
import { Hono } from "hono";
import { WORKSHOP_MEMBER_ROLES } from "../db/schema";
import { adminLang } from "../http/admin-lang";
import type { AppContext, AppEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { type AdminDictionary, adminDictionary, fill } from "../i18n";
import { Field, SelectField } from "../ui/forms";
import { DataTable } from "../ui/table";
import { listMembers, type Member, removeMember, setMember } from "./team";
import type { Workshop } from "./types";

/** Mounted at /admin/workshops/:id/team. */
export const teamPages = new Hono<AppEnv>();

const words = (c: AppContext) => adminDictionary(adminLang(c));
const roleLabel = (t: AdminDictionary["team"]) => ({
  organiser: t.roleOrganiser,
  door: t.roleDoor,
});

/** The team section of a workshop's admin page, as the page composes it. */
export const teamSection: Section<Workshop> = {
  async load(c, workshop) {
    const members = await listMembers(c.var.services.db, workshop.id);
    return {
      rows: 0,
      view: <TeamSection a={words(c)} workshopId={workshop.id} members={members} />,
    };
  },
};

export function TeamSection({
  a,
  workshopId,
  members,
}: {
  a: AdminDictionary;
  workshopId: string;
  members: Member[];
}) {
  const base = `/admin/workshops/${workshopId}/team`;
  const t = a.team;
  const ROLE_LABEL = roleLabel(t);
  return (
    <>
      <h2 id="team">{t.heading}</h2>
      <p class="muted">{t.explain}</p>
      {members.length === 0 ? (
        <p>{t.nobody}</p>
      ) : (
        <DataTable headers={[a.common.name, a.common.role, ""]}>
          {members.map((m) => (
            <tr>
              <td>
                <bdi>{m.name}</bdi>{" "}
                <span class="mono" dir="ltr">
                  {m.email}
                </span>
                {m.disabled ? t.disabled : ""}
              </td>
              <td>{ROLE_LABEL[m.role]}</td>
              <td>
                <form method="post" action={`${base}/${m.organiserId}/remove`} class="inline">
                  <button type="submit" class="secondary">
                    {t.remove}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form method="post" action={base} class="stack">
        <Field name="email" label={t.emailLabel} type="email" required dir="ltr" />
        <SelectField
          name="role"
          label={t.roleLabel}
          options={WORKSHOP_MEMBER_ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
        />
        <div>
          <button type="submit">{t.add}</button>
        </div>
      </form>
    </>
  );
}

teamPages.post("/", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const back = `/admin/workshops/${c.req.param("id")}#team`;
  const body = await c.req.parseBody();
  const role = WORKSHOP_MEMBER_ROLES.find((r) => r === body.role) ?? "door";
  return noticeOnError(c, back, async () => {
    const member = await setMember(c.var.services.db, c.var.actor, c.req.param("id") ?? "", {
      email: String(body.email ?? ""),
      role,
    });
    const t = words(c).team;
    return redirectWithNotice(
      c,
      back,
      fill(t.added, { name: member.name, role: roleLabel(t)[role] }),
    );
  });
});

teamPages.post(
  "/:organiserId/remove",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const back = `/admin/workshops/${c.req.param("id")}#team`;
    return noticeOnError(c, back, async () => {
      await removeMember(
        c.var.services.db,
        c.var.actor,
        c.req.param("id") ?? "",
        c.req.param("organiserId"),
      );
      return redirectWithNotice(c, back, words(c).team.removed);
    });
  },
);
