// Organisers' registration pages: the registrations section of a workshop's page (filter,
// decisions, adding a person) and the posts behind it.
import { Hono } from "hono";
import {
  ATTENDANCE_MODES,
  PARTICIPANT_ROLES,
  REGISTRATION_STATUSES,
  type WorkshopQuestion,
} from "../db/schema";
import { adminLang } from "../http/admin-lang";
import type { AppContext, AppEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import {
  type AdminDictionary,
  type AdminWords,
  adminDictionary,
  DEFAULT_LANG,
  fill,
  formatNumber,
  type Lang,
} from "../i18n";
import { isForgotten } from "../lib/forgotten";
import { canMove } from "../lib/state-machine";
import { formatInstant } from "../lib/time";
import { Field, parseForm, SelectField } from "../ui/forms";
import { DataTable } from "../ui/table";
import type { Workshop } from "../workshops/types";
import {
  addRegistration,
  BULK_DECISIONS,
  type BulkDecision,
  type BulkOutcome,
  changeRegistration,
  decideMany,
} from "./decisions";
import { findRegistration, listRegistrations, type Reader } from "./lists";
import { hasNeeds } from "./needs";
import { AddRegistrationSchema, ChangeRegistrationSchema } from "./schemas";
import { REGISTRATION_TRANSITIONS, type RegistrationStatus } from "./status";

/** Mounted at /admin/workshops/:id/registrations: adding a person to that workshop. */
export const workshopRegistrationAdminPages = new Hono<AppEnv>();
/** Mounted at /admin/registrations: an organiser's decision on one registration. */
export const registrationAdminPages = new Hono<AppEnv>();

const words = (c: AppContext) => adminDictionary(adminLang(c));

/** A registration status as the page says it ("waitlisted", "على قائمة الانتظار"). */
const statusLabel = (a: AdminWords, status: RegistrationStatus) => a.statuses.registration[status];

type Row = Awaited<ReturnType<typeof listRegistrations>>["data"][number];

/** The one-click decisions, by the status they move to: the button, the notice's verb, the notice. */
function decisions(
  a: AdminWords,
): Record<BulkDecision, { button: string; done: string; notice: string }> {
  const t = a.registrations;
  return {
    confirmed: { button: t.approve, done: t.approved, notice: t.doneApproved },
    waitlisted: { button: t.waitlist, done: t.waitlisted, notice: t.doneWaitlisted },
    rejected: { button: t.decline, done: t.declined, notice: t.doneDeclined },
  };
}

/**
 * Who gets one-click decisions: people waiting for one (to verify, for approval, on the
 * waitlist). Declining a confirmed person, or re-confirming a cancelled one, is rarer and
 * weightier: it stays in the row's "More" form, not one stray click away.
 */
const DECIDING = new Set<RegistrationStatus>([
  "pending_verification",
  "pending_approval",
  "waitlisted",
]);

function oneClickDecisions(status: RegistrationStatus): BulkDecision[] {
  if (!DECIDING.has(status)) return [];
  return BULK_DECISIONS.filter(
    (to) => to !== status && canMove(REGISTRATION_TRANSITIONS, status, to),
  );
}

/** An address that breaks, when it must, before the @, never inside a word. */
function Address({ email }: { email: string }) {
  const at = email.lastIndexOf("@");
  return (
    <span class="block muted address" dir="ltr" title={email}>
      {at > 0 ? (
        <>
          {email.slice(0, at)}
          <wbr />
          {email.slice(at)}
        </>
      ) : (
        email
      )}
    </span>
  );
}

/** A person's answers to the workshop's questions, as the form asked them. */
function Answers({
  a: words,
  questions,
  answers,
}: {
  a: AdminWords;
  questions: WorkshopQuestion[];
  answers: Row["answers"];
}) {
  const given = questions.filter((q) => {
    const a = answers[q.id];
    return a !== undefined && a !== null && a !== "";
  });
  if (given.length === 0) return <span class="muted">—</span>;
  return (
    <dl class="answers">
      {given.map((q) => {
        const a = answers[q.id];
        return (
          <>
            <dt dir="auto">{q.label}</dt>
            <dd dir="auto">
              {typeof a === "boolean" ? (a ? words.common.yes : words.common.no) : String(a)}
            </dd>
          </>
        );
      })}
    </dl>
  );
}

/** What a person said they need: for this workshop's organisers, who alone see this page. */
function NeedsCell({ r, t }: { r: Row; t: AdminDictionary["registrations"] }) {
  if (!hasNeeds(r)) return <span class="muted">—</span>;
  return (
    <dl class="answers">
      {r.accessibility ? (
        <>
          <dt>{t.accessibility}</dt>
          <dd dir="auto">{r.accessibility}</dd>
        </>
      ) : null}
      {r.dietary ? (
        <>
          <dt>{t.dietary}</dt>
          <dd dir="auto">{r.dietary}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** When the person acknowledged the confidentiality rule, and which wording (its hash). */
function AcknowledgedCell({ a, r, zone }: { a: AdminWords; r: Row; zone: string }) {
  const t = a.registrations;
  return (
    <td data-label={t.acknowledged}>
      {r.acknowledgedAt ? (
        <>
          {formatInstant(r.acknowledgedAt, zone, a.lang)}{" "}
          <span class="hint" title={t.wordingHash}>
            ({r.acknowledgedHash})
          </span>
        </>
      ) : (
        <span class="muted">{a.common.no}</span>
      )}
    </td>
  );
}

function RegistrationRow({
  a,
  r,
  questions,
  needs,
  ackZone,
  hybrid,
}: {
  a: AdminWords;
  r: Row;
  /** The workshop is hybrid: each row says, and can change, how the person takes part. */
  hybrid: boolean;
  questions: WorkshopQuestion[];
  /** Whether the table has a Needs column (someone on this page told of a need). */
  needs: boolean;
  /** The workshop's zone when the table shows acknowledgements. */
  ackZone: string | null;
}) {
  const status = r.status as RegistrationStatus;
  const next = REGISTRATION_TRANSITIONS[status];
  const asks = questions.length > 0;
  const t = a.registrations;
  const DECISIONS = decisions(a);
  // An erased person (their key destroyed, or erased on request) keeps a row for the counts,
  // nothing to show and nothing to decide.
  if (isForgotten(r.email))
    return (
      <tr>
        <td />
        <td class="muted" data-label={a.common.name}>
          {t.erased}
        </td>
        <td />
        {asks ? <td /> : null}
        {needs ? <td /> : null}
        {ackZone ? <td /> : null}
        <td data-label={a.common.status}>{statusLabel(a, status)}</td>
        <td />
      </tr>
    );
  return (
    <tr>
      <td class="pick">
        <input
          type="checkbox"
          name="ids"
          value={r.id}
          form="bulk"
          id={`pick-${r.id}`}
          aria-label={fill(t.selectPerson, { name: r.name })}
        />
      </td>
      <td data-label={a.common.name} class="who">
        <bdi>{r.name}</bdi>
        <Address email={r.email} />
      </td>
      {/* Empty when there is none: a phone's stacked card then leaves the label out too. */}
      <td data-label={a.common.affiliation}>{r.affiliation ? <bdi>{r.affiliation}</bdi> : null}</td>
      {asks ? (
        <td data-label={t.answers}>
          <Answers a={a} questions={questions} answers={r.answers} />
        </td>
      ) : null}
      {needs ? (
        <td data-label={t.needs}>
          <NeedsCell r={r} t={t} />
        </td>
      ) : null}
      {ackZone ? <AcknowledgedCell a={a} r={r} zone={ackZone} /> : null}
      <td data-label={a.common.status}>
        {statusLabel(a, status)}
        {status === "waitlisted" && r.waitlistPosition !== null
          ? ` #${formatNumber(r.waitlistPosition, a.lang)}`
          : ""}
        {hybrid ? (
          <span class="block muted">{a.registrations.modes[r.mode ?? "in_person"]}</span>
        ) : null}
      </td>
      <td data-label={t.decide}>
        <div class="row decide">
          {oneClickDecisions(status).map((to) => (
            <form method="post" action={`/admin/registrations/${r.id}`} class="inline">
              <input type="hidden" name="status" value={to} />
              <button
                type="submit"
                class={to === "confirmed" ? "small" : "small secondary"}
                aria-label={fill(t.decisionFor, { decision: DECISIONS[to].button, name: r.name })}
              >
                {DECISIONS[to].button}
              </button>
            </form>
          ))}
        </div>
        <details class="more">
          <summary>{a.common.more}</summary>
          <form method="post" action={`/admin/registrations/${r.id}`} class="stack">
            <label class="hint" for={`st-${r.id}`}>
              {a.common.status}
            </label>
            <select id={`st-${r.id}`} name="status">
              <option value="">—</option>
              {next.map((s) => (
                <option value={s}>{statusLabel(a, s)}</option>
              ))}
            </select>
            {hybrid && MODE_CHANGEABLE.includes(status) ? (
              <>
                <label class="hint" for={`mo-${r.id}`}>
                  {a.registrations.takesPart}
                </label>
                <select id={`mo-${r.id}`} name="mode">
                  {ATTENDANCE_MODES.map((mode) => (
                    <option value={mode} selected={mode === (r.mode ?? "in_person")}>
                      {a.registrations.modes[mode]}
                    </option>
                  ))}
                </select>
              </>
            ) : null}
            <label class="hint" for={`ro-${r.id}`}>
              {a.common.role}
            </label>
            <select id={`ro-${r.id}`} name="role">
              {PARTICIPANT_ROLES.map((role) => (
                <option value={role} selected={role === r.role}>
                  {a.participantRoles[role]}
                </option>
              ))}
            </select>
            <label class="hint" for={`no-${r.id}`}>
              {a.common.notes}
            </label>
            <input id={`no-${r.id}`} name="notes" type="text" value={r.notes ?? ""} dir="auto" />
            <div>
              <button type="submit" class="secondary">
                {a.common.save}
              </button>
            </div>
          </form>
        </details>
      </td>
    </tr>
  );
}

/** Whose pool an organiser can change: anyone not cancelled, rejected or already in. */
const MODE_CHANGEABLE: readonly RegistrationStatus[] = [
  "pending_verification",
  "pending_approval",
  "confirmed",
  "waitlisted",
];

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
  return {
    workshopId,
    status,
    q,
    page,
    rows: page.data.length,
    erased: false,
    questions: [] as WorkshopQuestion[],
    /** The workshop's time zone when it has a confidentiality rule: the Acknowledged column. */
    acknowledgements: null as string | null,
    hybrid: false,
  };
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
      view: (
        <RegistrationsSection
          a={words(c)}
          data={{
            ...data,
            erased: Boolean(workshop.purgedAt),
            questions: workshop.questions,
            acknowledgements: workshop.confidentiality ? workshop.timezone : null,
            hybrid: workshop.attendance === "hybrid",
          }}
        />
      ),
    };
  },
};

/** The registrations section of a workshop's admin page: filter, table, decisions, add a person. */
export function RegistrationsSection({
  a,
  data,
}: {
  a: AdminWords;
  data: Awaited<ReturnType<typeof loadRegistrationsSection>>;
}) {
  const t = a.registrations;
  const DECISIONS = decisions(a);
  const { status, q, page, questions, acknowledgements } = data;
  const base = `/admin/workshops/${data.workshopId}`;
  const decidable = page.data.some((r) => !isForgotten(r.email));
  const needs = page.data.some(hasNeeds);
  return (
    <>
      <h2 id="registrations">{t.heading}</h2>
      <search>
        <form method="get" action={`${base}#registrations`} class="row">
          <label for="filter-status" class="hint">
            {a.common.status}
          </label>
          <select id="filter-status" name="status">
            <option value="">{t.all}</option>
            {REGISTRATION_STATUSES.map((s) => (
              <option value={s} selected={s === status}>
                {statusLabel(a, s)}
              </option>
            ))}
          </select>
          <label for="filter-q" class="hint">
            {t.search}
          </label>
          <input id="filter-q" type="search" name="q" value={q ?? ""} dir="auto" />
          <button type="submit" class="secondary">
            {t.filter}
          </button>
        </form>
      </search>
      {page.data.length === 0 ? (
        <p>{status || q ? t.noneMatch : t.none}</p>
      ) : (
        <>
          {decidable ? (
            // The rows' checkboxes belong to this form (form="bulk"): one form, no nesting.
            <form
              id="bulk"
              method="post"
              action={`${base}/registrations/decisions`}
              class="row bulk"
            >
              {status ? <input type="hidden" name="filter" value={status} /> : null}
              {/* Shown by app.js: without a script it could not tick anything. */}
              <label class="check all" hidden data-select-all>
                <input type="checkbox" /> {t.allShown}
              </label>
              <span class="hint">{t.withSelected}</span>
              {BULK_DECISIONS.map((to) => (
                <button
                  type="submit"
                  name="decision"
                  value={to}
                  class={to === "confirmed" ? "small" : "small secondary"}
                >
                  {DECISIONS[to].button}
                </button>
              ))}
            </form>
          ) : null}
          <DataTable
            stack
            headers={[
              <span class="sr-only">{t.select}</span>,
              a.common.name,
              a.common.affiliation,
              ...(questions.length > 0 ? [t.answers] : []),
              ...(needs ? [t.needs] : []),
              ...(acknowledgements ? [t.acknowledged] : []),
              a.common.status,
              t.decide,
            ]}
          >
            {page.data.map((r) => (
              <RegistrationRow
                a={a}
                r={r}
                questions={questions}
                needs={needs}
                ackZone={acknowledgements}
                hybrid={data.hybrid}
              />
            ))}
          </DataTable>
        </>
      )}
      {page.nextCursor ? (
        <p>
          <a
            href={`${base}?${new URLSearchParams({ ...(status ? { status } : {}), ...(q ? { q } : {}), cursor: page.nextCursor })}#registrations`}
          >
            {a.common.more}
          </a>
        </p>
      ) : null}

      {data.erased ? null : <AddPersonForm a={a} base={base} hybrid={data.hybrid} />}
    </>
  );
}

function AddPersonForm({ a, base, hybrid }: { a: AdminWords; base: string; hybrid: boolean }) {
  return (
    <>
      <h3>{a.registrations.addHeading}</h3>
      <form method="post" action={`${base}/registrations`} class="stack">
        <Field name="name" label={a.common.name} required dir="auto" />
        <Field name="email" label={a.common.email} type="email" required dir="ltr" />
        <Field name="affiliation" label={a.common.affiliation} dir="auto" />
        <SelectField
          name="role"
          label={a.common.role}
          value="participant"
          options={PARTICIPANT_ROLES.map((r) => ({ value: r, label: a.participantRoles[r] }))}
        />
        {hybrid ? (
          <SelectField
            name="mode"
            label={a.registrations.takesPart}
            value="in_person"
            options={ATTENDANCE_MODES.map((m) => ({ value: m, label: a.registrations.modes[m] }))}
          />
        ) : null}
        <div>
          <button type="submit">{a.registrations.addButton}</button>
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
      mode: body.mode || undefined,
    });
    if (!parsed.ok)
      return redirectWithNotice(
        c,
        `/admin/workshops/${id}`,
        words(c).registrations.addInvalid,
        "error",
      );
    return noticeOnError(c, `/admin/workshops/${id}`, async () => {
      const r = await addRegistration(c.var.services, c.var.actor, id, parsed.data);
      const a = words(c);
      const status = a.lang === DEFAULT_LANG ? r.status : statusLabel(a, r.status);
      return redirectWithNotice(
        c,
        `/admin/workshops/${id}`,
        fill(a.registrations.added, { status }),
      );
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
      mode: body.mode || undefined,
    });
    if (!parsed.ok)
      return redirectWithNotice(c, await back(), words(c).registrations.changeInvalid, "error");
    return noticeOnError(c, back, async () => {
      const r = await changeRegistration(c.var.services, c.var.actor, id, parsed.data);
      const to = BULK_DECISIONS.find((d) => d === parsed.data.status);
      // A one-click decision says which it was; anything else from the "More" form is saved.
      const a = words(c);
      const notice = to ? decisions(a)[to].notice : a.registrations.saved;
      return redirectWithNotice(c, `/admin/workshops/${r.workshopId}#registrations`, notice);
    });
  },
);

/** What the organiser is told of a refusal, in a few words. */
function refusedBecause(a: AdminWords, refused: BulkOutcome["refused"][number]): string {
  const t = a.registrations;
  if (refused.reason === "no_seat") return t.noSeat;
  if (refused.reason === "not_found") return t.notFound;
  if (refused.reason === "changed") return t.changed;
  const status = refused.status as RegistrationStatus;
  if (refused.reason === "same")
    return fill(t.already, { status: decisions(a)[status as BulkDecision].done });
  if (status === "attended") return t.alreadyCheckedIn;
  if (status === "confirmed") return t.alreadyConfirmed;
  return statusLabel(a, status);
}

/** "3 approved, 1 could not be (no seat left)." — counts, then the reasons by how many. */
export function bulkNotice(
  outcome: BulkOutcome,
  to: BulkDecision,
  lang: Lang = DEFAULT_LANG,
): string {
  const a = adminDictionary(lang);
  const t = a.registrations;
  const n = (count: number) => formatNumber(count, lang);
  const done = fill(t.bulkDone, { n: n(outcome.done.length), decision: decisions(a)[to].done });
  if (outcome.refused.length === 0) return `${done}.`;
  const reasons = new Map<string, number>();
  for (const r of outcome.refused) {
    const why = refusedBecause(a, r);
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const why =
    reasons.size === 1
      ? [...reasons.keys()][0]!
      : [...reasons]
          .map(([reason, count]) => fill(t.countReason, { n: n(count), reason }))
          .join(a.common.listSeparator);
  return fill(t.bulkRefused, { done, refused: n(outcome.refused.length), why });
}

/** At most a page of the table at once: each decision is a few statements (D1 counts them). */
const BULK_LIMIT = 50;

workshopRegistrationAdminPages.post(
  "/decisions",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const workshopId = c.req.param("id") ?? "";
    const body = await c.req.parseBody({ all: true });
    const filter = REGISTRATION_STATUSES.find((s) => s === body.filter);
    const back = `/admin/workshops/${workshopId}${filter ? `?status=${filter}` : ""}#registrations`;
    const to = BULK_DECISIONS.find((d) => d === body.decision);
    const ids = [body.ids ?? []]
      .flat()
      .filter((v): v is string => typeof v === "string" && v !== "");
    const t = words(c).registrations;
    if (!to) return redirectWithNotice(c, back, t.chooseDecision, "error");
    if (ids.length === 0) return redirectWithNotice(c, back, t.selectFirst, "error");
    if (ids.length > BULK_LIMIT)
      return redirectWithNotice(c, back, fill(t.selectAtMost, { n: BULK_LIMIT }), "error");
    const outcome = await decideMany(c.var.services, c.var.actor, workshopId, ids, to);
    return redirectWithNotice(
      c,
      back,
      bulkNotice(outcome, to, adminLang(c)),
      outcome.done.length === 0 ? "error" : "ok",
    );
  },
);
