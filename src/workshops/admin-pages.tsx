// Organisers' workshop pages: list, create, edit, publish, cancel, and each workshop's
// registrations, invitations, messages and exports.
import type { Context } from "hono";
import { Hono } from "hono";
import { messageParticipants } from "../attendees/messages";
import { audit } from "../audit/service";
import { PARTICIPANT_ROLES, REGISTRATION_STATUSES } from "../db/schema";
import type { AppEnv, SignedInEnv } from "../http/context";
import { inviteesFromCsv } from "../invitations/import";
import {
  addInvitations,
  listInvitations,
  resendInvitation,
  revokeInvitation,
} from "../invitations/service";
import { AppError } from "../lib/errors";
import { formatRange } from "../lib/time";
import { requires } from "../organisers/auth";
import { can } from "../organisers/roles";
import {
  addRegistration,
  changeRegistration,
  findRegistration,
  listRegistrations,
} from "../registrations/service";
import { REGISTRATION_TRANSITIONS, type RegistrationStatus } from "../registrations/status";
import { FlashNotice, redirectWithNotice } from "../ui/flash";
import { Field, Notice, SelectField } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { type FormValues, fromForm, NEW_WORKSHOP_DEFAULTS, toForm } from "./form";
import {
  cancelWorkshop,
  createWorkshop,
  getWorkshop,
  listWorkshops,
  publishWorkshop,
  updateWorkshop,
} from "./service";
import type { Workshop } from "./types";

export const workshopAdminPages = new Hono<AppEnv>();
export const registrationAdminPages = new Hono<AppEnv>();
export const invitationAdminPages = new Hono<AppEnv>();

const STATUS_BADGE: Record<string, string> = {
  published: "ok",
  draft: "warn",
  cancelled: "danger",
};

workshopAdminPages.get("/", requires("workshops.manage"), async (c) => {
  const page = await listWorkshops(c.var.services.db, {
    limit: 50,
    cursor: c.req.query("cursor") || undefined,
  });
  return c.html(
    <Page lang="en" title="Workshops" area="admin" actor={c.var.actor} path="/admin/workshops">
      <h1>Workshops</h1>
      <FlashNotice c={c} />
      <p class="row">
        <a class="button" href="/admin/workshops/new">
          New workshop
        </a>
        <a class="button secondary" href="/api/v1/workshops/schedule.ics">
          Schedule (.ics)
        </a>
        <a class="button secondary" href="/api/v1/workshops/schedule.csv">
          Schedule (CSV)
        </a>
      </p>
      {page.data.length === 0 ? (
        <p>No workshops yet.</p>
      ) : (
        <DataTable headers={["Title", "When", "Status", "Seats"]}>
          {page.data.map((w) => (
            <tr>
              <td>
                <a href={`/admin/workshops/${w.id}`} dir="auto">
                  {w.title}
                </a>
              </td>
              <td>{formatRange(w.startsAt, w.endsAt, w.timezone, "en")}</td>
              <td>
                <span class={`badge ${STATUS_BADGE[w.status]}`}>{w.status}</span>
              </td>
              <td>
                {w.confirmedCount} / {w.capacity ?? "∞"}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {page.nextCursor ? (
        <p>
          <a href={`/admin/workshops?cursor=${page.nextCursor}`}>Older</a>
        </p>
      ) : null}
    </Page>,
  );
});

function Checkbox({ name, label, values }: { name: string; label: string; values: FormValues }) {
  return (
    <label class="check">
      <input type="checkbox" name={name} value="true" checked={values[name] === "true"} /> {label}
    </label>
  );
}

function WorkshopForm({
  action,
  values,
  errors = {},
  submit,
}: {
  action: string;
  values: FormValues;
  errors?: Record<string, string>;
  submit: string;
}) {
  const f = (
    name: string,
    label: string,
    extra: { type?: string; hint?: string; required?: boolean } = {},
  ) => (
    <Field
      name={name}
      label={label}
      type={extra.type}
      hint={extra.hint}
      required={extra.required}
      value={values[name]}
      error={errors[name]}
      dir={extra.type ? undefined : "auto"}
    />
  );
  return (
    <form method="post" action={action} class="stack">
      {Object.keys(errors).length ? (
        <Notice kind="error">{errors._form ?? "Please correct the fields marked below."}</Notice>
      ) : null}
      {f("title", "Title", { required: true })}
      {f("slug", "Address (slug)", {
        hint: "Lowercase letters, digits and dashes; made from the title when empty.",
      })}
      <div>
        <label for="f-description">Description</label>
        <p class="hint" id="f-description-hint">
          Markdown. Shown on the public page.
        </p>
        <textarea
          id="f-description"
          name="description"
          rows={8}
          dir="auto"
          aria-describedby="f-description-hint"
        >
          {values.description ?? ""}
        </textarea>
      </div>
      {f("timezone", "Time zone", {
        hint: "IANA name, e.g. Europe/Istanbul. Times below are in this zone.",
        required: true,
      })}
      {f("startsAt", "Starts", { type: "datetime-local", required: true })}
      {f("endsAt", "Ends", { type: "datetime-local", required: true })}
      {f("venueName", "Venue")}
      {f("venueAddress", "Address")}
      {f("venueCity", "City")}
      {f("onlineUrl", "Online link", { type: "url" })}
      <Checkbox
        name="locationPrivate"
        label="Show the venue and the online link only to confirmed participants"
        values={values}
      />
      {f("capacity", "Capacity", { type: "number", hint: "Empty for unlimited." })}
      <SelectField
        name="registrationMode"
        label="Registration"
        value={values.registrationMode}
        error={errors.registrationMode}
        options={[
          { value: "open", label: "Open: first come, first served" },
          { value: "approval", label: "Approval: organisers decide" },
          { value: "invitation", label: "Invitation only" },
        ]}
      />
      <Checkbox name="waitlist" label="Waitlist when full" values={values} />
      <Checkbox
        name="requireVerification"
        label="Registrants confirm their email address"
        values={values}
      />
      {f("registrationOpensAt", "Registration opens", {
        type: "datetime-local",
        hint: "Empty: now.",
      })}
      {f("registrationClosesAt", "Registration closes", {
        type: "datetime-local",
        hint: "Empty: at the start.",
      })}
      <SelectField
        name="language"
        label="Language"
        value={values.language}
        options={[
          { value: "en", label: "English" },
          { value: "ar", label: "Arabic" },
        ]}
      />
      <div>
        <label for="f-questions">Questions</label>
        <p class="hint" id="f-questions-hint">
          One per line: <code>type: label</code>, <code>*</code> for required, <code>= a | b</code>{" "}
          for choices. Types: text, choice, checkbox. Example:{" "}
          <code>choice: Dietary needs * = None | Vegetarian</code>
        </p>
        <textarea
          id="f-questions"
          name="questions"
          rows={4}
          dir="auto"
          aria-describedby="f-questions-hint"
          aria-invalid={errors.questions ? "true" : undefined}
        >
          {values.questions ?? ""}
        </textarea>
        {errors.questions ? <p class="field-error">{errors.questions}</p> : null}
      </div>
      {f("reminderHours", "Reminder (hours before the start)", {
        type: "number",
        hint: "Empty: no reminder.",
      })}
      {f("invitationReminderDays", "Invitation reminders (days after sending)", {
        hint: "For example: 3, 7",
      })}
      {f("retentionDays", "Keep personal data for (days after the end)", { type: "number" })}
      <div>
        <button type="submit">{submit}</button>
      </div>
    </form>
  );
}

/** The create and edit pages: one form, a heading, the values and any errors. */
function workshopFormPage(
  c: Context<SignedInEnv>,
  form: {
    heading: string;
    action: string;
    submit: string;
    values: FormValues;
    errors?: Record<string, string>;
  },
  status: 200 | 409 | 422 = 200,
) {
  return c.html(
    <Page lang="en" title={form.heading} area="admin" actor={c.var.actor} path="/admin/workshops">
      <h1>{form.heading}</h1>
      <WorkshopForm
        action={form.action}
        values={form.values}
        errors={form.errors}
        submit={form.submit}
      />
    </Page>,
    status,
  );
}

const NEW_FORM = { heading: "New workshop", action: "/admin/workshops", submit: "Create draft" };
const editForm = (id: string) => ({
  heading: "Edit workshop",
  action: `/admin/workshops/${id}`,
  submit: "Save",
});

workshopAdminPages.get("/new", requires("workshops.manage"), (c) =>
  workshopFormPage(c, { ...NEW_FORM, values: NEW_WORKSHOP_DEFAULTS }),
);

workshopAdminPages.post("/", requires("workshops.manage"), async (c) => {
  const values = (await c.req.parseBody()) as FormValues;
  const parsed = fromForm(values);
  if (!parsed.ok) return workshopFormPage(c, { ...NEW_FORM, values, errors: parsed.errors }, 422);
  try {
    const created = await createWorkshop(c.var.services.db, c.var.actor, parsed.input);
    return redirectWithNotice(
      c,
      `/admin/workshops/${created.id}`,
      "Draft created. Publish it when it is ready.",
    );
  } catch (error) {
    if (error instanceof AppError)
      return workshopFormPage(c, { ...NEW_FORM, values, errors: { slug: error.message } }, 409);
    throw error;
  }
});

workshopAdminPages.get("/:id/edit", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const workshop = await getWorkshop(c.var.services.db, c.req.param("id"));
  return workshopFormPage(c, { ...editForm(workshop.id), values: toForm(workshop) });
});

workshopAdminPages.post("/:id", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const id = c.req.param("id");
  const values = (await c.req.parseBody()) as FormValues;
  const parsed = fromForm(values);
  const again = (errors: Record<string, string>, status: 409 | 422) =>
    workshopFormPage(c, { ...editForm(id), values, errors }, status);
  if (!parsed.ok) return again(parsed.errors, 422);
  try {
    await updateWorkshop(c.var.services, c.var.actor, id, parsed.input);
  } catch (error) {
    if (error instanceof AppError && error.kind !== "not_found")
      return again({ _form: error.message }, 409);
    throw error;
  }
  return redirectWithNotice(c, `/admin/workshops/${id}`, "Saved.");
});

workshopAdminPages.post(
  "/:id/publish",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    try {
      await publishWorkshop(c.var.services.db, c.var.actor, c.req.param("id"));
      return redirectWithNotice(c, `/admin/workshops/${c.req.param("id")}`, "Published.");
    } catch (error) {
      if (error instanceof AppError && error.kind === "conflict")
        return redirectWithNotice(
          c,
          `/admin/workshops/${c.req.param("id")}`,
          error.message,
          "error",
        );
      throw error;
    }
  },
);

workshopAdminPages.post(
  "/:id/cancel",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    await cancelWorkshop(c.var.services, c.var.actor, c.req.param("id"));
    return redirectWithNotice(
      c,
      `/admin/workshops/${c.req.param("id")}`,
      "Cancelled. Everyone registered or invited is being emailed.",
    );
  },
);

const STATUS_OPTIONS = REGISTRATION_STATUSES.map((s) => ({ value: s, label: s.replace("_", " ") }));

function RegistrationRow({
  r,
}: {
  r: Awaited<ReturnType<typeof listRegistrations>>["data"][number];
}) {
  const next = REGISTRATION_TRANSITIONS[r.status as RegistrationStatus];
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

workshopAdminPages.get("/:id", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const db = c.var.services.db;
  const actor = c.var.actor;
  const workshop: Workshop = await getWorkshop(db, c.req.param("id"));
  const status = REGISTRATION_STATUSES.find((s) => s === c.req.query("status"));
  const q = c.req.query("q") || undefined;
  const page = await listRegistrations(db, workshop.id, {
    status,
    q,
    limit: 50,
    cursor: c.req.query("cursor") || undefined,
  });
  const invites = await listInvitations(db, workshop.id);
  await audit(db, actor, {
    action: "attendees.view",
    targetType: "workshop",
    targetId: workshop.id,
    detail: { rows: page.data.length + invites.length, view: "admin" },
  });
  const base = `/admin/workshops/${workshop.id}`;
  return c.html(
    <Page lang="en" title={workshop.title} area="admin" actor={actor} path="/admin/workshops">
      <p>
        <a href="/admin/workshops">← Workshops</a>
      </p>
      <h1 dir="auto">{workshop.title}</h1>
      <FlashNotice c={c} />
      <p>
        <span class={`badge ${STATUS_BADGE[workshop.status]}`}>{workshop.status}</span> ·{" "}
        {formatRange(workshop.startsAt, workshop.endsAt, workshop.timezone, "en")} ·{" "}
        {workshop.confirmedCount} / {workshop.capacity ?? "∞"} seats · {workshop.registrationMode}
      </p>
      <div class="row">
        <a class="button secondary" href={`${base}/edit`}>
          Edit
        </a>
        {workshop.status === "draft" ? (
          <form method="post" action={`${base}/publish`} class="inline">
            <button type="submit">Publish</button>
          </form>
        ) : null}
        {workshop.status === "published" ? (
          <a class="button secondary" href={`/workshops/${workshop.slug}`}>
            Public page
          </a>
        ) : null}
        <a class="button secondary" href={`${base}/door`}>
          Door
        </a>
        {can(actor.role, "attendees.read") ? (
          <a class="button secondary" href={`/api/v1/workshops/${workshop.id}/registrations.csv`}>
            Export CSV
          </a>
        ) : null}
        {workshop.status !== "cancelled" ? (
          <form method="post" action={`${base}/cancel`} class="inline">
            <button type="submit" class="danger">
              Cancel workshop
            </button>
          </form>
        ) : null}
      </div>

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

      <h2 id="invitations">Invitations</h2>
      {invites.length === 0 ? (
        <p>No invitations yet.</p>
      ) : (
        <DataTable headers={["Invitee", "Status", "Reminders", "Actions"]}>
          {invites.map((i) => (
            <tr>
              <td>
                <bdi>{i.name ?? ""}</bdi> <span class="mono">{i.email}</span>
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

      <h2 id="message">Message participants</h2>
      <form method="post" action={`${base}/messages`} class="stack">
        <Field name="subject" label="Subject" required dir="auto" />
        <div>
          <label for="f-body">Message</label>
          <textarea id="f-body" name="body" rows={6} required dir="auto" />
        </div>
        <fieldset>
          <legend>Send to</legend>
          {(["confirmed", "waitlisted", "pending_approval", "attended"] as const).map((s) => (
            <label class="check">
              <input type="checkbox" name="statuses" value={s} checked={s === "confirmed"} />{" "}
              {s.replace("_", " ")}
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit">Send message</button>
        </div>
      </form>
    </Page>,
  );
});

workshopAdminPages.post(
  "/:id/registrations",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const id = c.req.param("id");
    const body = (await c.req.parseBody()) as Record<string, string>;
    if (!body.name?.trim() || !/^[^@\s]+@[^@\s]+$/.test(body.email ?? ""))
      return redirectWithNotice(
        c,
        `/admin/workshops/${id}`,
        "Enter a name and a valid email address.",
        "error",
      );
    try {
      const r = await addRegistration(c.var.services, c.var.actor, id, {
        name: body.name,
        email: body.email!,
        affiliation: body.affiliation || undefined,
        role: PARTICIPANT_ROLES.find((r) => r === body.role),
      });
      return redirectWithNotice(c, `/admin/workshops/${id}`, `Added as ${r.status}.`);
    } catch (error) {
      if (error instanceof AppError)
        return redirectWithNotice(c, `/admin/workshops/${id}`, error.message, "error");
      throw error;
    }
  },
);

registrationAdminPages.post(
  "/:id",
  requires("workshops.manage", { registration: "id" }),
  async (c) => {
    const body = (await c.req.parseBody()) as Record<string, string>;
    const db = c.var.services.db;
    try {
      const r = await changeRegistration(c.var.services, c.var.actor, c.req.param("id"), {
        status: REGISTRATION_STATUSES.find((s) => s === body.status),
        role: PARTICIPANT_ROLES.find((r) => r === body.role),
        notes: body.notes ?? undefined,
      });
      return redirectWithNotice(c, `/admin/workshops/${r.workshopId}#registrations`, "Saved.");
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const registration = await findRegistration(db, c.req.param("id"));
      return redirectWithNotice(
        c,
        registration ? `/admin/workshops/${registration.workshopId}` : "/admin/workshops",
        error.message,
        "error",
      );
    }
  },
);

workshopAdminPages.post(
  "/:id/invitations",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const id = c.req.param("id");
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
    async (c) => {
      const db = c.var.services.db;
      try {
        const i =
          action === "send"
            ? await resendInvitation(c.var.services, c.var.actor, c.req.param("id"))
            : await revokeInvitation(db, c.var.actor, c.req.param("id"));
        return redirectWithNotice(
          c,
          `/admin/workshops/${i.workshopId}#invitations`,
          action === "send" ? "Invitation sent." : "Invitation revoked.",
        );
      } catch (error) {
        if (error instanceof AppError)
          return redirectWithNotice(c, "/admin/workshops", error.message, "error");
        throw error;
      }
    },
  );
}

workshopAdminPages.post(
  "/:id/messages",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const id = c.req.param("id");
    const body = await c.req.parseBody({ all: true });
    const statuses = ([] as unknown[])
      .concat(body.statuses ?? [])
      .filter((s): s is RegistrationStatus =>
        REGISTRATION_STATUSES.includes(s as RegistrationStatus),
      );
    const subject = String(body.subject ?? "").trim();
    const text = String(body.body ?? "").trim();
    if (!subject || !text || statuses.length === 0)
      return redirectWithNotice(
        c,
        `/admin/workshops/${id}#message`,
        "Write a subject and a message, and pick who receives it.",
        "error",
      );
    const n = await messageParticipants(c.var.services, c.var.actor, id, {
      subject,
      body: text,
      statuses,
    });
    return redirectWithNotice(
      c,
      `/admin/workshops/${id}`,
      `Message queued for ${n} ${n === 1 ? "person" : "people"}.`,
    );
  },
);
