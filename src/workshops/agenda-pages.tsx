// The organisers' agenda: a section of the workshop's admin page listing its sessions, and
// the pages to add, edit and delete a session and its speakers and moderators (chosen from
// the workshop's confirmed participants or typed by hand, each with their public consent).
// Mounted at /admin/workshops/:id/sessions. The form speaks wall-clock times in the
// workshop's zone; refused input comes back as the form with each error by its field.
import { type Context, Hono } from "hono";
import { audit } from "../audit/service";
import { SESSION_ROLES } from "../db/schema";
import type { AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import { zodIssuesToFieldErrors } from "../http/openapi";
import type { Section } from "../http/sections";
import { LANGUAGES } from "../i18n";
import { type AppError, type FieldError, onServiceError } from "../lib/errors";
import { formatRange, utcToZonedLocal, zonedLocalToUtc } from "../lib/time";
import {
  Field,
  type FormErrors,
  Notice,
  SelectField,
  TextAreaField,
  textFields,
} from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import {
  type AgendaPerson,
  type AgendaSession,
  addSessionPerson,
  createSession,
  deleteSession,
  loadAgenda,
  localized,
  readSession,
  removeSessionPerson,
  seatedParticipants,
  updateSession,
  updateSessionPerson,
} from "./agenda";
import {
  CreateSessionSchema,
  SESSION_DESCRIPTION_MAX,
  SESSION_TITLE_MAX,
  SessionPersonSchema,
} from "./agenda-schemas";
import { getWorkshop } from "./service";
import type { Workshop } from "./types";

/** Mounted at /admin/workshops/:id/sessions. */
export const agendaPages = new Hono<AppEnv>();

type Values = Record<string, string>;
const ROLE_LABEL = { speaker: "Speaker", moderator: "Moderator" } as const;
const manage = requires("workshops.manage", { workshop: "id" });

const sessionTime = (s: { startsAt: Date; endsAt: Date }, w: Workshop) =>
  formatRange(s.startsAt, s.endsAt, w.timezone, "en");

function PersonName({ person }: { person: AgendaPerson }) {
  return (
    <>
      <bdi>{person.name || "(erased)"}</bdi>
      {person.affiliation ? (
        <>
          {" · "}
          <bdi>{person.affiliation}</bdi>
        </>
      ) : null}{" "}
      <span class="muted">
        ({ROLE_LABEL[person.role]}
        {person.registrationId ? ", participant" : ""})
      </span>{" "}
      {person.publicConsent ? (
        <span class="badge ok">public</span>
      ) : (
        <span class="badge warn">not public</span>
      )}
    </>
  );
}

// ---------------------------------------------------------------- the section

/** The agenda section of a workshop's admin page, as the page composes it. */
export const agendaSection: Section<Workshop> = {
  async load(c, workshop) {
    const sessions = await loadAgenda(c.var.services.db, c.var.services.vault, workshop.id, "all");
    const named = sessions.reduce((n, s) => n + s.people.filter((p) => p.registrationId).length, 0);
    return { rows: named, view: <AgendaSection workshop={workshop} sessions={sessions} /> };
  },
};

function AgendaSection({ workshop, sessions }: { workshop: Workshop; sessions: AgendaSession[] }) {
  const base = `/admin/workshops/${workshop.id}/sessions`;
  return (
    <>
      <h2 id="agenda">Agenda</h2>
      <p class="muted">
        Shown on the public page, on participants' pages and in their calendar files. A room shows
        only where the venue does (a private venue: to confirmed participants). A speaker's or
        moderator's name shows outside these pages only when marked public, with their consent;
        otherwise they appear as “Speaker” or “Moderator”.
      </p>
      {sessions.length === 0 ? (
        <p>No sessions yet.</p>
      ) : (
        <DataTable headers={["When", "Session", "Room", "Speakers and moderators", ""]}>
          {sessions.map((s) => {
            const outside = s.startsAt < workshop.startsAt || s.endsAt > workshop.endsAt;
            return (
              <tr>
                <td>
                  {sessionTime(s, workshop)}
                  {outside ? (
                    <span class="badge danger">outside the workshop's times: edit it</span>
                  ) : null}
                </td>
                <td dir="auto">{localized(s.title, "en")?.text}</td>
                <td dir="auto">{s.room ?? ""}</td>
                <td>
                  {s.people.length === 0 ? (
                    "—"
                  ) : (
                    <ul class="plain">
                      {s.people.map((p) => (
                        <li>
                          <PersonName person={p} />
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  <a href={`${base}/${s.id}`}>Edit</a>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      {workshop.status !== "cancelled" ? (
        <p>
          <a class="button secondary" href={`${base}/new`}>
            Add a session
          </a>
        </p>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------- form ↔ input

const textField = (kind: "title" | "description", lang: string) => `${kind}_${lang}`;

function sessionToForm(s: AgendaSession, w: Workshop): Values {
  const values: Values = {
    room: s.room ?? "",
    startsAt: utcToZonedLocal(s.startsAt, w.timezone),
    endsAt: utcToZonedLocal(s.endsAt, w.timezone),
  };
  for (const { code } of LANGUAGES) {
    values[textField("title", code)] = s.title[code] ?? "";
    values[textField("description", code)] = s.description?.[code] ?? "";
  }
  return values;
}

/** The form's field for an error's path: `title.ar` → `title_ar`, `title` → the first title. */
function fieldOf(path: string): string {
  const [head, lang] = path.split(".");
  if (head === "title" || head === "description")
    return textField(head, lang ?? LANGUAGES[0]!.code);
  return head || "_form";
}

function errorsOf(list: FieldError[]): FormErrors {
  const errors: FormErrors = {};
  for (const e of list) errors[fieldOf(e.path)] ??= e.message;
  return errors;
}

/** The form as the API's input; a time that is not a time is the field's own error. */
function sessionFromForm(values: Values, w: Workshop) {
  const errors: FormErrors = {};
  const instant = (name: "startsAt" | "endsAt") => {
    const at = zonedLocalToUtc(values[name] ?? "", w.timezone);
    if (!at) errors[name] = "Enter a date and time.";
    return at?.toISOString() ?? "";
  };
  const perLang = (kind: "title" | "description") =>
    Object.fromEntries(LANGUAGES.map(({ code }) => [code, values[textField(kind, code)] ?? ""]));
  const startsAt = instant("startsAt");
  const endsAt = instant("endsAt");
  const parsed = CreateSessionSchema.safeParse({
    title: perLang("title"),
    description: perLang("description"),
    room: values.room || null,
    startsAt,
    endsAt,
  });
  if (!parsed.success)
    for (const [k, v] of Object.entries(errorsOf(zodIssuesToFieldErrors(parsed.error.issues))))
      errors[k] ??= v;
  if (Object.keys(errors).length || !parsed.success) return { ok: false as const, errors };
  return { ok: true as const, input: parsed.data };
}

// ---------------------------------------------------------------- the session page

interface PageState {
  workshop: Workshop;
  session: AgendaSession | null;
  values: Values;
  errors?: FormErrors;
  personValues?: Values;
  personErrors?: FormErrors;
}

async function sessionPage(
  c: Context<SignedInEnv>,
  state: PageState,
  status: 200 | 409 | 422 = 200,
) {
  const { workshop, session, values, errors = {} } = state;
  const back = `/admin/workshops/${workshop.id}`;
  const base = `${back}/sessions`;
  const action = session ? `${base}/${session.id}` : base;
  const heading = session ? "Edit session" : "New session";
  const participants = session ? await seatedParticipants(c.var.services, workshop.id) : [];
  if (session)
    await audit(c.var.services.db, c.var.actor, {
      action: "attendees.view",
      targetType: "workshop",
      targetId: workshop.id,
      detail: { rows: participants.length, view: "agenda" },
    });
  const f = (name: string, label: string, type = "text", hint?: string) => (
    <Field
      name={name}
      label={label}
      type={type}
      value={values[name]}
      error={errors[name]}
      hint={hint}
      dir={type === "text" ? "auto" : undefined}
    />
  );
  return c.html(
    <Page lang="en" title={heading} area="admin" actor={c.var.actor} path="/admin/workshops">
      <p>
        <a href={`${back}#agenda`}>← Back to the workshop</a>
      </p>
      <h1>
        {heading}: <span dir="auto">{workshop.title}</span>
      </h1>
      <FlashNotice c={c} />
      <p class="muted">
        The workshop runs {formatRange(workshop.startsAt, workshop.endsAt, workshop.timezone, "en")}
        ; times are on its clock ({workshop.timezone}).
      </p>
      {errors._form ? <Notice kind="error">{errors._form}</Notice> : null}
      <form method="post" action={action} class="stack" novalidate>
        {LANGUAGES.map((l) =>
          f(
            textField("title", l.code),
            `Title (${l.englishName})`,
            "text",
            `At most ${SESSION_TITLE_MAX} characters.`,
          ),
        )}
        {f("startsAt", "Starts", "datetime-local")}
        {f("endsAt", "Ends", "datetime-local")}
        {f("room", "Room", "text", "Shown where the venue is shown (see the venue's privacy).")}
        {LANGUAGES.map((l) => (
          <TextAreaField
            name={textField("description", l.code)}
            label={`Description (${l.englishName}, optional)`}
            value={values[textField("description", l.code)]}
            error={errors[textField("description", l.code)]}
            maxlength={SESSION_DESCRIPTION_MAX}
            lang={l.code}
          />
        ))}
        <div>
          <button type="submit">{session ? "Save" : "Add the session"}</button>
        </div>
      </form>
      {session ? (
        <SessionPeople
          workshop={workshop}
          session={session}
          participants={participants}
          values={state.personValues ?? {}}
          errors={state.personErrors ?? {}}
        />
      ) : null}
      {session ? (
        <form method="post" action={`${base}/${session.id}/delete`} class="stack">
          <h2>Delete the session</h2>
          <label class="check">
            <input type="checkbox" name="confirm" value="yes" required /> Yes, delete this session
            and its speakers and moderators
          </label>
          <div>
            <button type="submit" class="danger">
              Delete the session
            </button>
          </div>
        </form>
      ) : null}
    </Page>,
    status,
  );
}

function SessionPeople({
  workshop,
  session,
  participants,
  values,
  errors,
}: {
  workshop: Workshop;
  session: AgendaSession;
  participants: { id: string; name: string; affiliation: string | null }[];
  values: Values;
  errors: FormErrors;
}) {
  const base = `/admin/workshops/${workshop.id}/sessions/${session.id}/people`;
  return (
    <section aria-labelledby="people" class="stack">
      <h2 id="people">Speakers and moderators</h2>
      {session.people.length === 0 ? (
        <p>Nobody yet.</p>
      ) : (
        <DataTable headers={["Person", "Public", ""]}>
          {session.people.map((p) => (
            <tr>
              <td>
                <PersonName person={p} />
              </td>
              <td>
                <form method="post" action={`${base}/${p.id}/consent`} class="inline">
                  <input
                    type="hidden"
                    name="publicConsent"
                    value={p.publicConsent ? "false" : "true"}
                  />
                  <button type="submit" class="secondary">
                    {p.publicConsent ? "Withdraw public consent" : "They agreed: show publicly"}
                  </button>
                </form>
              </td>
              <td>
                <form method="post" action={`${base}/${p.id}/remove`} class="inline">
                  <button type="submit" class="secondary">
                    Remove
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form method="post" action={base} class="stack" novalidate>
        <h3>Add a speaker or moderator</h3>
        {errors._form ? <Notice kind="error">{errors._form}</Notice> : null}
        <SelectField
          name="role"
          label="Role"
          value={values.role}
          options={SESSION_ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
        />
        <SelectField
          name="registrationId"
          label="A confirmed participant"
          value={values.registrationId}
          error={errors.registrationId}
          options={[
            { value: "", label: "— someone else: type the name below —" },
            ...participants.map((p) => ({
              value: p.id,
              label: p.affiliation ? `${p.name} · ${p.affiliation}` : p.name,
            })),
          ]}
        />
        <Field name="name" label="Or a name" value={values.name} error={errors.name} dir="auto" />
        <Field
          name="affiliation"
          label="Affiliation (for a typed name, optional)"
          value={values.affiliation}
          error={errors.affiliation}
          dir="auto"
        />
        <label class="check">
          <input
            type="checkbox"
            name="publicConsent"
            value="true"
            checked={values.publicConsent === "true"}
          />{" "}
          They agreed to their name and affiliation being shown publicly
        </label>
        <div>
          <button type="submit">Add</button>
        </div>
      </form>
    </section>
  );
}

// ---------------------------------------------------------------- routes

agendaPages.get("/new", manage, async (c) => {
  const workshop = await getWorkshop(c.var.services.db, c.req.param("id") ?? "");
  const start = utcToZonedLocal(workshop.startsAt, workshop.timezone);
  return sessionPage(c, { workshop, session: null, values: { startsAt: start, endsAt: start } });
});

agendaPages.post("/", manage, async (c) => {
  const workshop = await getWorkshop(c.var.services.db, c.req.param("id") ?? "");
  const values = textFields(await c.req.parseBody());
  const parsed = sessionFromForm(values, workshop);
  const again = (errors: FormErrors, status: 409 | 422) =>
    sessionPage(c, { workshop, session: null, values, errors }, status);
  if (!parsed.ok) return again(parsed.errors, 422);
  return onServiceError(
    async () => {
      const session = await createSession(c.var.services, c.var.actor, workshop.id, parsed.input);
      return redirectWithNotice(
        c,
        `/admin/workshops/${workshop.id}/sessions/${session.id}`,
        "Session added. Add its speakers and moderators below.",
      );
    },
    (error) => again(serviceErrors(error), error.kind === "invalid" ? 422 : 409),
    ["invalid", "conflict"],
  );
});

const serviceErrors = (error: AppError): FormErrors =>
  error.errors?.length ? errorsOf(error.errors) : { _form: error.message };

async function loaded(c: Context<SignedInEnv>) {
  const workshop = await getWorkshop(c.var.services.db, c.req.param("id") ?? "");
  const session = await readSession(c.var.services, workshop.id, c.req.param("sessionId") ?? "");
  return { workshop, session };
}

agendaPages.get("/:sessionId", manage, async (c) => {
  const { workshop, session } = await loaded(c);
  return sessionPage(c, { workshop, session, values: sessionToForm(session, workshop) });
});

agendaPages.post("/:sessionId", manage, async (c) => {
  const { workshop, session } = await loaded(c);
  const values = textFields(await c.req.parseBody());
  const parsed = sessionFromForm(values, workshop);
  const again = (errors: FormErrors, status: 409 | 422) =>
    sessionPage(c, { workshop, session, values, errors }, status);
  if (!parsed.ok) return again(parsed.errors, 422);
  const { people: _none, ...input } = parsed.input;
  return onServiceError(
    async () => {
      await updateSession(c.var.services, c.var.actor, workshop.id, session.id, input);
      return redirectWithNotice(c, `/admin/workshops/${workshop.id}#agenda`, "Session saved.");
    },
    (error) => again(serviceErrors(error), error.kind === "invalid" ? 422 : 409),
    ["invalid", "conflict"],
  );
});

agendaPages.post("/:sessionId/delete", manage, async (c) => {
  const { workshop, session } = await loaded(c);
  const body = await c.req.parseBody();
  const here = `/admin/workshops/${workshop.id}/sessions/${session.id}`;
  if (body.confirm !== "yes")
    return redirectWithNotice(c, here, "Tick the box to delete the session.", "error");
  return noticeOnError(c, here, async () => {
    await deleteSession(c.var.services, c.var.actor, workshop.id, session.id);
    return redirectWithNotice(c, `/admin/workshops/${workshop.id}#agenda`, "Session deleted.");
  });
});

agendaPages.post("/:sessionId/people", manage, async (c) => {
  const { workshop, session } = await loaded(c);
  const personValues = textFields(await c.req.parseBody());
  const again = (personErrors: FormErrors, status: 409 | 422) =>
    sessionPage(
      c,
      {
        workshop,
        session,
        values: sessionToForm(session, workshop),
        personValues,
        personErrors,
      },
      status,
    );
  const parsed = SessionPersonSchema.safeParse({
    role: SESSION_ROLES.find((r) => r === personValues.role) ?? "speaker",
    registrationId: personValues.registrationId || undefined,
    name: personValues.name?.trim() || undefined,
    affiliation: personValues.affiliation?.trim() || null,
    publicConsent: personValues.publicConsent === "true",
  });
  if (!parsed.success) return again(errorsOf(zodIssuesToFieldErrors(parsed.error.issues)), 422);
  return onServiceError(
    async () => {
      await addSessionPerson(c.var.services, c.var.actor, workshop.id, session.id, parsed.data);
      return redirectWithNotice(
        c,
        `/admin/workshops/${workshop.id}/sessions/${session.id}#people`,
        "Added.",
      );
    },
    (error) => again(serviceErrors(error), error.kind === "invalid" ? 422 : 409),
    ["invalid", "conflict"],
  );
});

agendaPages.post("/:sessionId/people/:personId/consent", manage, async (c) => {
  const { workshop, session } = await loaded(c);
  const body = await c.req.parseBody();
  const here = `/admin/workshops/${workshop.id}/sessions/${session.id}#people`;
  return noticeOnError(c, here, async () => {
    const consent = body.publicConsent === "true";
    await updateSessionPerson(
      c.var.services,
      c.var.actor,
      workshop.id,
      session.id,
      c.req.param("personId"),
      { publicConsent: consent },
    );
    return redirectWithNotice(
      c,
      here,
      consent ? "Their name now shows publicly." : "Their name no longer shows publicly.",
    );
  });
});

agendaPages.post("/:sessionId/people/:personId/remove", manage, async (c) => {
  const { workshop, session } = await loaded(c);
  const here = `/admin/workshops/${workshop.id}/sessions/${session.id}#people`;
  return noticeOnError(c, here, async () => {
    await removeSessionPerson(
      c.var.services,
      c.var.actor,
      workshop.id,
      session.id,
      c.req.param("personId"),
    );
    return redirectWithNotice(c, here, "Removed from the session.");
  });
});
