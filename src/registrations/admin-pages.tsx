// Organisers' registration pages: the registrations section of a workshop's page (filter,
// decisions, adding a person) and the posts behind it.
import { Hono } from "hono";
import {
  ATTENDANCE_MODES,
  PARTICIPANT_ROLES,
  REGISTRATION_STATUSES,
  type WorkshopQuestion,
} from "../db/schema";
import type { AppEnv } from "../http/context";
import { noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { isForgotten } from "../lib/forgotten";
import { canMove } from "../lib/state-machine";
import { formatInstant } from "../lib/time";
import { Field, parseForm, SelectField } from "../ui/forms";
import { DataTable } from "../ui/table";
import { modeLabel } from "../workshops/components";
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

const STATUS_OPTIONS = REGISTRATION_STATUSES.map((s) => ({ value: s, label: s.replace("_", " ") }));

type Row = Awaited<ReturnType<typeof listRegistrations>>["data"][number];

/** The one-click decisions, by the status they move to: the button, and the notice's verb. */
const DECISIONS: Record<BulkDecision, { button: string; done: string }> = {
  confirmed: { button: "Approve", done: "approved" },
  waitlisted: { button: "Waitlist", done: "waitlisted" },
  rejected: { button: "Decline", done: "declined" },
};

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
    <span class="block muted address" title={email}>
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
  questions,
  answers,
}: {
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
            <dd dir="auto">{typeof a === "boolean" ? (a ? "Yes" : "No") : String(a)}</dd>
          </>
        );
      })}
    </dl>
  );
}

/** What a person said they need: for this workshop's organisers, who alone see this page. */
function NeedsCell({ r }: { r: Row }) {
  if (!hasNeeds(r)) return <span class="muted">—</span>;
  return (
    <dl class="answers">
      {r.accessibility ? (
        <>
          <dt>Accessibility</dt>
          <dd dir="auto">{r.accessibility}</dd>
        </>
      ) : null}
      {r.dietary ? (
        <>
          <dt>Dietary</dt>
          <dd dir="auto">{r.dietary}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** When the person acknowledged the confidentiality rule, and which wording (its hash). */
function AcknowledgedCell({ r, zone }: { r: Row; zone: string }) {
  return (
    <td data-label="Acknowledged">
      {r.acknowledgedAt ? (
        <>
          {formatInstant(r.acknowledgedAt, zone, "en")}{" "}
          <span class="hint" title="Which wording: a short hash of the text acknowledged">
            ({r.acknowledgedHash})
          </span>
        </>
      ) : (
        <span class="muted">No</span>
      )}
    </td>
  );
}

function RegistrationRow({
  r,
  questions,
  needs,
  ackZone,
  hybrid,
}: {
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
  // An erased person (their key destroyed, or erased on request) keeps a row for the counts,
  // nothing to show and nothing to decide.
  if (isForgotten(r.email))
    return (
      <tr>
        <td />
        <td class="muted" data-label="Name">
          Erased
        </td>
        <td />
        {asks ? <td /> : null}
        {needs ? <td /> : null}
        {ackZone ? <td /> : null}
        <td data-label="Status">{status.replace("_", " ")}</td>
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
          aria-label={`Select ${r.name}`}
        />
      </td>
      <td data-label="Name" class="who">
        <bdi>{r.name}</bdi>
        <Address email={r.email} />
      </td>
      {/* Empty when there is none: a phone's stacked card then leaves the label out too. */}
      <td data-label="Affiliation">{r.affiliation ? <bdi>{r.affiliation}</bdi> : null}</td>
      {asks ? (
        <td data-label="Answers">
          <Answers questions={questions} answers={r.answers} />
        </td>
      ) : null}
      {needs ? (
        <td data-label="Needs">
          <NeedsCell r={r} />
        </td>
      ) : null}
      {ackZone ? <AcknowledgedCell r={r} zone={ackZone} /> : null}
      <td data-label="Status">
        {status.replace("_", " ")}
        {status === "waitlisted" ? ` #${r.waitlistPosition}` : ""}
        {hybrid ? <span class="block muted">{modeLabel(r.mode ?? "in_person", "en")}</span> : null}
      </td>
      <td data-label="Decide">
        <div class="row decide">
          {oneClickDecisions(status).map((to) => (
            <form method="post" action={`/admin/registrations/${r.id}`} class="inline">
              <input type="hidden" name="status" value={to} />
              <button
                type="submit"
                class={to === "confirmed" ? "small" : "small secondary"}
                aria-label={`${DECISIONS[to].button} ${r.name}`}
              >
                {DECISIONS[to].button}
              </button>
            </form>
          ))}
        </div>
        <details class="more">
          <summary>More</summary>
          <form method="post" action={`/admin/registrations/${r.id}`} class="stack">
            <label class="hint" for={`st-${r.id}`}>
              Status
            </label>
            <select id={`st-${r.id}`} name="status">
              <option value="">—</option>
              {next.map((s) => (
                <option value={s}>{s.replace("_", " ")}</option>
              ))}
            </select>
            {hybrid && MODE_CHANGEABLE.includes(status) ? (
              <>
                <label class="hint" for={`mo-${r.id}`}>
                  Takes part
                </label>
                <select id={`mo-${r.id}`} name="mode">
                  {ATTENDANCE_MODES.map((mode) => (
                    <option value={mode} selected={mode === (r.mode ?? "in_person")}>
                      {modeLabel(mode, "en")}
                    </option>
                  ))}
                </select>
              </>
            ) : null}
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
            <div>
              <button type="submit" class="secondary">
                Save
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
  data,
}: {
  data: Awaited<ReturnType<typeof loadRegistrationsSection>>;
}) {
  const { status, q, page, questions, acknowledgements } = data;
  const base = `/admin/workshops/${data.workshopId}`;
  const decidable = page.data.some((r) => !isForgotten(r.email));
  const needs = page.data.some(hasNeeds);
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
                <input type="checkbox" /> All shown
              </label>
              <span class="hint">With the selected people:</span>
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
              <span class="sr-only">Select</span>,
              "Name",
              "Affiliation",
              ...(questions.length > 0 ? ["Answers"] : []),
              ...(needs ? ["Needs"] : []),
              ...(acknowledgements ? ["Acknowledged"] : []),
              "Status",
              "Decide",
            ]}
          >
            {page.data.map((r) => (
              <RegistrationRow
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
            More
          </a>
        </p>
      ) : null}

      {data.erased ? null : <AddPersonForm base={base} hybrid={data.hybrid} />}
    </>
  );
}

function AddPersonForm({ base, hybrid }: { base: string; hybrid: boolean }) {
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
        {hybrid ? (
          <SelectField
            name="mode"
            label="Takes part"
            value="in_person"
            options={ATTENDANCE_MODES.map((m) => ({ value: m, label: modeLabel(m, "en") }))}
          />
        ) : null}
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
      mode: body.mode || undefined,
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
      mode: body.mode || undefined,
    });
    if (!parsed.ok)
      return redirectWithNotice(c, await back(), "That change is not valid.", "error");
    return noticeOnError(c, back, async () => {
      const r = await changeRegistration(c.var.services, c.var.actor, id, parsed.data);
      const to = BULK_DECISIONS.find((d) => d === parsed.data.status);
      // A one-click decision says which it was; anything else from the "More" form is saved.
      const notice = to ? `${capitalise(DECISIONS[to].done)}.` : "Saved.";
      return redirectWithNotice(c, `/admin/workshops/${r.workshopId}#registrations`, notice);
    });
  },
);

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What the organiser is told of a refusal, in a few words. */
function refusedBecause(refused: BulkOutcome["refused"][number]): string {
  if (refused.reason === "no_seat") return "no seat left";
  if (refused.reason === "not_found") return "not found";
  if (refused.reason === "changed") return "changed meanwhile";
  const status = refused.status as RegistrationStatus;
  if (refused.reason === "same") return `already ${DECISIONS[status as BulkDecision].done}`;
  if (status === "attended") return "already checked in";
  if (status === "confirmed") return "already confirmed";
  return status.replace("_", " ");
}

/** "3 approved, 1 could not be (no seat left)." — counts, then the reasons by how many. */
export function bulkNotice(outcome: BulkOutcome, to: BulkDecision): string {
  const done = `${outcome.done.length} ${DECISIONS[to].done}`;
  if (outcome.refused.length === 0) return `${done}.`;
  const reasons = new Map<string, number>();
  for (const r of outcome.refused) {
    const why = refusedBecause(r);
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const why =
    reasons.size === 1
      ? [...reasons.keys()][0]
      : [...reasons].map(([reason, n]) => `${n} ${reason}`).join(", ");
  return `${done}, ${outcome.refused.length} could not be (${why}).`;
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
    if (!to) return redirectWithNotice(c, back, "Choose approve, waitlist or decline.", "error");
    if (ids.length === 0)
      return redirectWithNotice(c, back, "Select the people first, then the decision.", "error");
    if (ids.length > BULK_LIMIT)
      return redirectWithNotice(c, back, `Select at most ${BULK_LIMIT} people at once.`, "error");
    const outcome = await decideMany(c.var.services, c.var.actor, workshopId, ids, to);
    return redirectWithNotice(
      c,
      back,
      bulkNotice(outcome, to),
      outcome.done.length === 0 ? "error" : "ok",
    );
  },
);
