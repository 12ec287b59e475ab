// The team section of a workshop's admin page: who may act on it, adding someone by
// address, changing their role, removing them. Every change is audited by the service.
import { Hono } from "hono";
import { WORKSHOP_MEMBER_ROLES } from "../db/schema";
import type { AppEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { Field, SelectField } from "../ui/forms";
import { DataTable } from "../ui/table";
import { listMembers, type Member, removeMember, setMember } from "./team";
import type { Workshop } from "./types";

/** Mounted at /admin/workshops/:id/team. */
export const teamPages = new Hono<AppEnv>();

const ROLE_LABEL = { organiser: "Organiser", door: "Door staff" } as const;

/** The team section of a workshop's admin page, as the page composes it. */
export const teamSection: Section<Workshop> = {
  async load(c, workshop) {
    const members = await listMembers(c.var.services.db, workshop.id);
    return { rows: 0, view: <TeamSection workshopId={workshop.id} members={members} /> };
  },
};

export function TeamSection({ workshopId, members }: { workshopId: string; members: Member[] }) {
  const base = `/admin/workshops/${workshopId}/team`;
  return (
    <>
      <h2 id="team">Team</h2>
      <p class="muted">
        Only the people listed here (and owners) can see this workshop and its people. Door staff
        see names and affiliations at the door, never addresses.
      </p>
      {members.length === 0 ? (
        <p>Nobody yet: only owners can see this workshop.</p>
      ) : (
        <DataTable headers={["Name", "Role", ""]}>
          {members.map((m) => (
            <tr>
              <td>
                <bdi>{m.name}</bdi> <span class="mono">{m.email}</span>
                {m.disabled ? " (disabled)" : ""}
              </td>
              <td>{ROLE_LABEL[m.role]}</td>
              <td>
                <form method="post" action={`${base}/${m.organiserId}/remove`} class="inline">
                  <button type="submit" class="secondary">
                    Remove
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form method="post" action={base} class="stack">
        <Field name="email" label="Organiser account's email" type="email" required />
        <SelectField
          name="role"
          label="Role in this workshop"
          options={WORKSHOP_MEMBER_ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
        />
        <div>
          <button type="submit">Add to the team</button>
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
    return redirectWithNotice(c, back, `${member.name} is on the team as ${ROLE_LABEL[role]}.`);
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
      return redirectWithNotice(c, back, "Removed from the team.");
    });
  },
);
