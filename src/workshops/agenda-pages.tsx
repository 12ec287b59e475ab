// The organisers' agenda: a section of the workshop's admin page listing its sessions, and
// the pages to add, edit and delete a session and its speakers and moderators (chosen from
// the workshop's confirmed participants or typed by hand, each with their public consent).
// Mounted at /admin/workshops/:id/sessions. The form speaks wall-clock times in the
// workshop's zone; refused input comes back as the form with each error by its field.
import { type Context, Hono } from "hono";
import { audit } from "../audit/service";
import { SESSION_ROLES } from "../db/schema";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import {
  type AdminWords,
  adminDictionary,
  DEFAULT_LANG,
  fill,
  formatNumber,
  LANGUAGES,
  type Lang,
} from "../i18n";
import { type AppError, type FieldError, onServiceError } from "../lib/errors";
import { formatInstant, formatRange, utcToZonedLocal, zonedLocalToUtc } from "../lib/time";
import { formMessage, issueMessage } from "../ui/form-errors";
import {
  Field,
  type FormErrors,
  Notice,
  SelectField,
  TextAreaField,
  textFields,
} from "../ui/forms";
import { Page } from "../ui/layout";
import { serviceMessage } from "../ui/service-messages";
import { DataTable } from "../ui/table";
import { Fill } from "../ui/words";
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
const manage = requires("workshops.manage", { workshop: "id" });
const words = (c: AppContext) => adminDictionary(adminLang(c));

const sessionTime = (s: { startsAt: Date; endsAt: Date }, w: Workshop, lang: Lang) =>
  formatRange(s.startsAt, s.endsAt, w.timezone, lang);

function PersonName({ a, person }: { a: AdminWords; person: AgendaPerson }) {
  const t = a.agenda;
  const role = t.roles[person.role];
  return (
    <>
      <bdi>{person.name || a.common.erased}</bdi>
      {person.affiliation ? (
        <>
          {" · "}
          <bdi>{person.affiliation}</bdi>
        </>
      ) : null}{" "}
      <span class="muted">
        {person.registrationId ? fill(t.personRoleParticipant, { role }) : `(${role})`}
      </span>{" "}
      {person.publicConsent ? (
        <span class="badge ok">{t.public}</span>
      ) : (
        <span class="badge warn">{t.notPublic}</span>
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
    return {
      rows: named,
      view: <AgendaSection a={words(c)} workshop={workshop} sessions={sessions} />,
    };
  },
};

function AgendaSection({
  a,
  workshop,
  sessions,
}: {
  a: AdminWords;
  workshop: Workshop;
  sessions: AgendaSession[];
}) {
  const t = a.agenda;
  const base = `/admin/workshops/${workshop.id}/sessions`;
  return (
    <>
      <h2 id="agenda">{t.heading}</h2>
      <p class="muted">{t.explain}</p>
      {sessions.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <DataTable headers={[a.common.when, t.session, t.room, t.people, ""]}>
          {sessions.map((s) => {
            const outside = s.startsAt < workshop.startsAt || s.endsAt > workshop.endsAt;
            const title = localized(s.title, a.lang);
            return (
              <tr>
                <td>
                  {sessionTime(s, workshop, a.lang)}
                  {outside ? <span class="badge danger">{t.outside}</span> : null}
                </td>
                <td dir="auto" lang={title && title.lang !== a.lang ? title.lang : undefined}>
                  {title?.text}
                </td>
                <td dir="auto">{s.room ?? ""}</td>
                <td>
                  {s.people.length === 0 ? (
                    "—"
                  ) : (
                    <ul class="plain">
                      {s.people.map((p) => (
                        <li>
                          <PersonName a={a} person={p} />
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  <a href={`${base}/${s.id}`}>{a.common.edit}</a>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      {workshop.status !== "cancelled" ? (
        <p>
          <a class="button secondary" href={`${base}/new`}>
            {t.addSession}
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

/**
 * A service's field error in `lang`: the session's times against the workshop's say the
 * workshop's start or end on its clock in that language; the rest by their wording.
 */
function fieldMessage(e: FieldError, w: Workshop, lang: Lang): string {
  if (lang === DEFAULT_LANG) return e.message;
  const t = adminDictionary(lang).formErrors;
  if (e.message.startsWith("The session must start within the workshop:"))
    return fill(t.sessionStartWithin, { at: formatInstant(w.startsAt, w.timezone, lang) });
  if (e.message.startsWith("The session must end by the workshop's end:"))
    return fill(t.sessionEndBy, { at: formatInstant(w.endsAt, w.timezone, lang) });
  return formMessage(e.message, lang);
}

function errorsOf(list: FieldError[], w: Workshop, lang: Lang): FormErrors {
  const errors: FormErrors = {};
  for (const e of list) errors[fieldOf(e.path)] ??= fieldMessage(e, w, lang);
  return errors;
}

/** The form as the API's input; a time that is not a time is the field's own error. */
function sessionFromForm(values: Values, w: Workshop, lang: Lang) {
  const errors: FormErrors = {};
  const instant = (name: "startsAt" | "endsAt") => {
    const at = zonedLocalToUtc(values[name] ?? "", w.timezone);
    if (!at) errors[name] = formMessage("Enter a date and time.", lang);
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
    for (const issue of parsed.error.issues)
      errors[fieldOf(issue.path.map(String).join("."))] ??= issueMessage(issue, lang);
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
  const view = adminPage(c);
  const a = adminDictionary(view.lang);
  const t = a.agenda;
  const back = `/admin/workshops/${workshop.id}`;
  const base = `${back}/sessions`;
  const action = session ? `${base}/${session.id}` : base;
  const heading = session ? t.editHeading : t.newHeading;
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
    <Page {...view} title={heading} path="/admin/workshops">
      <p>
        <a href={`${back}#agenda`}>{a.workshops.backToWorkshop}</a>
      </p>
      <h1>
        {heading}: <span dir="auto">{workshop.title}</span>
      </h1>
      <FlashNotice c={c} />
      <p class="muted">
        <Fill
          text={t.runs}
          values={{
            when: formatRange(workshop.startsAt, workshop.endsAt, workshop.timezone, a.lang),
            zone: <bdi dir="ltr">{workshop.timezone}</bdi>,
          }}
        />
      </p>
      {errors._form ? <Notice kind="error">{errors._form}</Notice> : null}
      <form method="post" action={action} class="stack" novalidate>
        {LANGUAGES.map((l) =>
          f(
            textField("title", l.code),
            fill(t.titleIn, { language: a.languageNames[l.code] }),
            "text",
            fill(t.titleHint, { max: formatNumber(SESSION_TITLE_MAX, a.lang) }),
          ),
        )}
        {f("startsAt", t.starts, "datetime-local")}
        {f("endsAt", t.ends, "datetime-local")}
        {f("room", t.room, "text", t.roomHint)}
        {LANGUAGES.map((l) => (
          <TextAreaField
            name={textField("description", l.code)}
            label={fill(t.descriptionIn, { language: a.languageNames[l.code] })}
            value={values[textField("description", l.code)]}
            error={errors[textField("description", l.code)]}
            maxlength={SESSION_DESCRIPTION_MAX}
            lang={l.code}
          />
        ))}
        <div>
          <button type="submit">{session ? a.common.save : t.addTheSession}</button>
        </div>
      </form>
      {session ? (
        <SessionPeople
          a={a}
          workshop={workshop}
          session={session}
          participants={participants}
          values={state.personValues ?? {}}
          errors={state.personErrors ?? {}}
        />
      ) : null}
      {session ? (
        <form method="post" action={`${base}/${session.id}/delete`} class="stack">
          <h2>{t.deleteHeading}</h2>
          <label class="check">
            <input type="checkbox" name="confirm" value="yes" required /> {t.deleteConfirm}
          </label>
          <div>
            <button type="submit" class="danger">
              {t.deleteHeading}
            </button>
          </div>
        </form>
      ) : null}
    </Page>,
    status,
  );
}

function SessionPeople({
  a,
  workshop,
  session,
  participants,
  values,
  errors,
}: {
  a: AdminWords;
  workshop: Workshop;
  session: AgendaSession;
  participants: { id: string; name: string; affiliation: string | null }[];
  values: Values;
  errors: FormErrors;
}) {
  const t = a.agenda;
  const base = `/admin/workshops/${workshop.id}/sessions/${session.id}/people`;
  return (
    <section aria-labelledby="people" class="stack">
      <h2 id="people">{t.people}</h2>
      {session.people.length === 0 ? (
        <p>{t.nobody}</p>
      ) : (
        <DataTable headers={[t.person, t.publicColumn, ""]}>
          {session.people.map((p) => (
            <tr>
              <td>
                <PersonName a={a} person={p} />
              </td>
              <td>
                <form method="post" action={`${base}/${p.id}/consent`} class="inline">
                  <input
                    type="hidden"
                    name="publicConsent"
                    value={p.publicConsent ? "false" : "true"}
                  />
                  <button type="submit" class="secondary">
                    {p.publicConsent ? t.withdrawConsent : t.showPublicly}
                  </button>
                </form>
              </td>
              <td>
                <form method="post" action={`${base}/${p.id}/remove`} class="inline">
                  <button type="submit" class="secondary">
                    {t.remove}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form method="post" action={base} class="stack" novalidate>
        <h3>{t.addPersonHeading}</h3>
        {errors._form ? <Notice kind="error">{errors._form}</Notice> : null}
        <SelectField
          name="role"
          label={a.common.role}
          value={values.role}
          options={SESSION_ROLES.map((r) => ({ value: r, label: t.roles[r] }))}
        />
        <SelectField
          name="registrationId"
          label={t.participant}
          value={values.registrationId}
          error={errors.registrationId}
          options={[
            { value: "", label: t.someoneElse },
            ...participants.map((p) => ({
              value: p.id,
              label: p.affiliation ? `${p.name} · ${p.affiliation}` : p.name,
              dir: "auto" as const,
            })),
          ]}
        />
        <Field name="name" label={t.orName} value={values.name} error={errors.name} dir="auto" />
        <Field
          name="affiliation"
          label={t.affiliationHint}
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
          {t.consent}
        </label>
        <div>
          <button type="submit">{t.add}</button>
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
  const parsed = sessionFromForm(values, workshop, adminLang(c));
  const again = (errors: FormErrors, status: 409 | 422) =>
    sessionPage(c, { workshop, session: null, values, errors }, status);
  if (!parsed.ok) return again(parsed.errors, 422);
  return onServiceError(
    async () => {
      const session = await createSession(c.var.services, c.var.actor, workshop.id, parsed.input);
      return redirectWithNotice(
        c,
        `/admin/workshops/${workshop.id}/sessions/${session.id}`,
        words(c).agenda.added,
      );
    },
    (error) => again(serviceErrors(c, error, workshop), error.kind === "invalid" ? 422 : 409),
    ["invalid", "conflict"],
  );
});

/** A service's refusal as the form's errors, in the organiser's language. */
function serviceErrors(c: AppContext, error: AppError, w: Workshop): FormErrors {
  const lang = adminLang(c);
  return error.errors?.length
    ? errorsOf(error.errors, w, lang)
    : { _form: serviceMessage(error.message, lang) };
}

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
  const parsed = sessionFromForm(values, workshop, adminLang(c));
  const again = (errors: FormErrors, status: 409 | 422) =>
    sessionPage(c, { workshop, session, values, errors }, status);
  if (!parsed.ok) return again(parsed.errors, 422);
  const { people: _none, ...input } = parsed.input;
  return onServiceError(
    async () => {
      await updateSession(c.var.services, c.var.actor, workshop.id, session.id, input);
      return redirectWithNotice(c, `/admin/workshops/${workshop.id}#agenda`, words(c).agenda.saved);
    },
    (error) => again(serviceErrors(c, error, workshop), error.kind === "invalid" ? 422 : 409),
    ["invalid", "conflict"],
  );
});

agendaPages.post("/:sessionId/delete", manage, async (c) => {
  const { workshop, session } = await loaded(c);
  const body = await c.req.parseBody();
  const here = `/admin/workshops/${workshop.id}/sessions/${session.id}`;
  if (body.confirm !== "yes")
    return redirectWithNotice(c, here, words(c).agenda.tickToDelete, "error");
  return noticeOnError(c, here, async () => {
    await deleteSession(c.var.services, c.var.actor, workshop.id, session.id);
    return redirectWithNotice(c, `/admin/workshops/${workshop.id}#agenda`, words(c).agenda.deleted);
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
  if (!parsed.success) {
    const lang = adminLang(c);
    const errors: FormErrors = {};
    for (const issue of parsed.error.issues)
      errors[fieldOf(issue.path.map(String).join("."))] ??= issueMessage(issue, lang);
    return again(errors, 422);
  }
  return onServiceError(
    async () => {
      await addSessionPerson(c.var.services, c.var.actor, workshop.id, session.id, parsed.data);
      return redirectWithNotice(
        c,
        `/admin/workshops/${workshop.id}/sessions/${session.id}#people`,
        words(c).agenda.personAdded,
      );
    },
    (error) => again(serviceErrors(c, error, workshop), error.kind === "invalid" ? 422 : 409),
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
      consent ? words(c).agenda.nowPublic : words(c).agenda.noLongerPublic,
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
    return redirectWithNotice(c, here, words(c).agenda.removed);
  });
});
