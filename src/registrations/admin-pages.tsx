// Organisers' registration pages: the registrations section of a workshop's page (filter,
// decisions, adding a person) and the posts behind it.
import { Hono } from "hono";
import { PARTICIPANT_ROLES, REGISTRATION_STATUSES } from "../db/schema";
import type { AppEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { isForgotten } from "../lib/forgotten";
import { Field, parseForm, SelectField } from "../ui/forms";
import { DataTable } from "../ui/table";
import type { Workshop } from "../workshops/types";
import { addRegistration, changeRegistration } from "./decisions";
import { findRegistration, listRegistrations, type Reader } from "./lists";
import { AddRegistrationSchema, ChangeRegistrationSchema } from "./schemas";
import { REGISTRATION_TRANSITIONS, type RegistrationStatus } from "./status";

/** Mounted at /admin/workshops/:id/registrations: adding a person to that workshop. */
export const workshopRegistrationAdminPages = new Hono<AppEnv>();
/** Mounted at /admin/registrations: an organiser's decision on one registration. */
export const registrationAdminPages = new Hono<AppEnv>();

const STATUS_OPTIONS = REGISTRATION_STATUSES.map((s) => ({ value: s, label: s.replace("_", " ") }));

function RegistrationRow({
  r,
}: {
  r: Awaited<ReturnType<typeof listRegistrations>>["data"][number];
}) {
  const next = REGISTRATION_TRANSITIONS[r.status as RegistrationStatus];
  // An erased person (their key destroyed, or erased on request) keeps a row for the counts,
  // nothing to show and nothing to decide.
  if (isForgotten(r.email))
    return (
      <tr>
        <td class="muted">Erased</td>
        <td />
        <td>{r.status.replace("_", " ")}</td>
        <td />
      </tr>
    );
  return (
    <tr>
      <td>
        <bdi>{r.name}</bdi>
        <span class="block muted mono">{r.email}</span>
      </td>
      <td>
        <bdi>{r.affiliation ?? ""}</bdi>
      </td>
      <td>
        {r.status.replace("_", " ")}
        {r.status === "waitlisted" ? ` #${r.waitlistPosition}` : ""}
      </td>
      <td>
        <form method="post" action={`/admin/registrations/${r.id}`} class="row">
          <label class="hint" for={`st-${r.id}`}>
            Status
          </label>
          <select id={`st-${r.id}`} name="status">
            <option value="">—</option>
            {next.map((s) => (
              <option value={s}>{s.replace("_", " ")}</option>
            ))}
          </select>
          <label class="hint" for={`ro-${r.id}`}>
            Role
          </label>
          <select id={`ro-${r.id}`} name="role">
            {PARTICIPANT_ROLES.map((role) => (
              <option value={role} selected={role === r.role}>
                {role}
              </option>
            ))}
          </select>
          <label class="hint" for={`no-${r.id}`}>
            Notes
          </label>
          <input id={`no-${r.id}`} name="notes" type="text" value={r.notes ?? ""} dir="auto" />
          <button type="submit" class="secondary">
            Save
          </button>
        </form>
      </td>
    </tr>
  );
}

/** A page of a workshop's registrations, filtered and searched as the workshop page's query asks. */
export async function loadRegistrationsSection(
  svc: Reader,
  workshopId: string,
  query: { status?: string; q?: string; cursor?: string },
) {
  const status = REGISTRATION_STATUSES.find((s) => s === query.status);
  const q = query.q || undefined;
  const page = await listRegistrations(svc, workshopId, {
    status,
    q,
    limit: 50,
    cursor: query.cursor || undefined,
  });
  return { workshopId, status, q, page, rows: page.data.length, erased: false };
}

/** The registrations section of a workshop's admin page, as the page composes it. */
export const registrationsSection: Section<Workshop> = {
  async load(c, workshop) {
    const data = await loadRegistrationsSection(c.var.services, workshop.id, {
      status: c.req.query("status"),
      q: c.req.query("q"),
      cursor: c.req.query("cursor"),
    });
    return {
      rows: data.rows,
      view: <RegistrationsSection data={{ ...data, erased: Boolean(workshop.purgedAt) }} />,
    };
  },
};

/** The registrations section of a workshop's admin page: filter, table, decisions, add a person. */
export function RegistrationsSection({
  data,
}: {
  data: Awaited<ReturnType<typeof loadRegistrationsSection>>;
}) {
  const { status, q, page } = data;
  const base = `/admin/workshops/${data.workshopId}`;
  return (
    <>
      <h2 id="registrations">Registrations</h2>
      <search>
        <form method="get" action={`${base}#registrations`} class="row">
          <label for="filter-status" class="hint">
            Status
          </label>
          <select id="filter-status" name="status">
            <option value="">all</option>
            {STATUS_OPTIONS.map((o) => (
              <option value={o.value} selected={o.value === status}>
                {o.label}
              </option>
            ))}
          </select>
          <label for="filter-q" class="hint">
            Name, email or affiliation
          </label>
          <input id="filter-q" type="search" name="q" value={q ?? ""} />
          <button type="submit" class="secondary">
            Filter
          </button>
        </form>
      </search>
      {page.data.length === 0 ? (
        <p>No registrations{status || q ? " match" : " yet"}.</p>
      ) : (
        <DataTable headers={["Name", "Affiliation", "Status", "Change"]}>
          {page.data.map((r) => (
            <RegistrationRow r={r} />
          ))}
        </DataTable>
      )}
      {page.nextCursor ? (
        <p>
          <a
            href={`${base}?${new URLSearchParams({ ...(status ? { status } : {}), ...(q ? { q } : {}), cursor: page.nextCursor })}#registrations`}
          >
            More
          </a>
        </p>
      ) : null}

      {data.erased ? null : <AddPersonForm base={base} />}
    </>
  );
}

function AddPersonForm({ base }: { base: string }) {
  return (
    <>
      <h3>Add a person</h3>
      <form method="post" action={`${base}/registrations`} class="stack">
        <Field name="name" label="Name" required dir="auto" />
        <Field name="email" label="Email" type="email" required />
        <Field name="affiliation" label="Affiliation" dir="auto" />
        <SelectField
          name="role"
          label="Role"
          value="participant"
          options={PARTICIPANT_ROLES.map((r) => ({ value: r, label: r }))}
        />
        <div>
          <button type="submit">Add (a seat if free, else the waitlist)</button>
        </div>
      </form>
    </>
  );
}

workshopRegistrationAdminPages.post(
  "/",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const id = c.req.param("id") ?? "";
    const body = await c.req.parseBody();
    const parsed = parseForm(AddRegistrationSchema, {
      name: body.name,
      email: body.email,
      affiliation: body.affiliation || undefined,
      role: body.role || undefined,
    });
    if (!parsed.ok)
      return redirectWithNotice(
        c,
        `/admin/workshops/${id}`,
        "Enter a name and a valid email address.",
        "error",
      );
    return noticeOnError(c, `/admin/workshops/${id}`, async () => {
      const r = await addRegistration(c.var.services, c.var.actor, id, parsed.data);
      return redirectWithNotice(c, `/admin/workshops/${id}`, `Added as ${r.status}.`);
    });
  },
);

registrationAdminPages.post(
  "/:id",
  requires("workshops.manage", { registration: "id" }),
  async (c) => {
    const id = c.req.param("id");
    const body = await c.req.parseBody();
    // A refused change goes back to the registration's workshop, when there is one.
    const back = async () => {
      const registration = await findRegistration(c.var.services, id);
      return registration ? `/admin/workshops/${registration.workshopId}` : "/admin/workshops";
    };
    // The form's "—" (empty) status means: leave the status as it is.
    const parsed = parseForm(ChangeRegistrationSchema, {
      status: body.status || undefined,
      role: body.role || undefined,
      notes: body.notes,
    });
    if (!parsed.ok)
      return redirectWithNotice(c, await back(), "That change is not valid.", "error");
    return noticeOnError(c, back, async () => {
      const r = await changeRegistration(c.var.services, c.var.actor, id, parsed.data);
      return redirectWithNotice(c, `/admin/workshops/${r.workshopId}#registrations`, "Saved.");
    });
  },
);
