// Owners' page of the suppression list (/admin/suppressions): entries by reason and date,
// looking an address up, adding one by hand, lifting an entry with a reason. Addresses
// travel in POST bodies, never in a URL. Reactivating a bounced or complained subscriber is
// a button here (after a lookup) and on the subscribers' list, posting to
// /admin/subscribers/{id}/reactivate (admin-pages.tsx).
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { Hono } from "hono";
import { SUPPRESSION_REASONS } from "../db/schema";
import type { AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import { Field, Notice, parseForm } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import type { SuppressionReason } from "./suppression";
import {
  addSuppression,
  liftSuppression,
  listSuppressions,
  lookUpAddress,
  SUPPRESSION_NOTE_MAX,
  type SuppressionEntry,
  type SuppressionLookup,
  subscriberOfEntry,
  suppressionCounts,
} from "./suppression-list";

/** Mounted at /admin/suppressions. */
export const suppressionAdminPages = new Hono<AppEnv>();

const BASE = "/admin/suppressions";

const REASON_LABEL: Record<SuppressionReason, string> = {
  bounce: "Bounced",
  complaint: "Complaint (marked as spam)",
  manual: "Added by hand",
  erased: "Erased (the person asked to be forgotten)",
};

const Address = z.object({ email: z.email("Enter a valid email address.") });
const Added = Address.extend({ note: z.string().max(SUPPRESSION_NOTE_MAX).optional() });
const Lifted = z.object({
  id: z.string().min(1),
  reason: z.string().trim().min(3, "Say why the entry is lifted.").max(SUPPRESSION_NOTE_MAX),
});

const day = (iso: string) => iso.slice(0, 16).replace("T", " ");

/** Where an entry came from, as far as it is known. */
function Origin({ entry }: { entry: Pick<SuppressionEntry, "eventId" | "distributionId"> }) {
  if (!entry.eventId && !entry.distributionId) return <span class="hint">not recorded</span>;
  return (
    <>
      {entry.distributionId ? (
        <a href={`/admin/distributions/${entry.distributionId}`}>{entry.distributionId}</a>
      ) : null}
      {entry.distributionId && entry.eventId ? " · " : null}
      {entry.eventId ? <code>{entry.eventId}</code> : null}
    </>
  );
}

/** The lift form of an entry, or why it has none. */
function LiftForm({ entry }: { entry: SuppressionEntry }) {
  if (!entry.liftable)
    return (
      <span class="hint">
        Not liftable: the person was erased
        {entry.erasedAt && entry.reason !== "erased" ? ` on ${day(entry.erasedAt)}` : ""}.
      </span>
    );
  const id = `lift-${entry.id.slice(0, 12)}`;
  return (
    <form method="post" action={`${BASE}/lift`} class="stack">
      <input type="hidden" name="id" value={entry.id} />
      <label for={id}>Why lift it?</label>
      <input id={id} name="reason" required minlength={3} maxlength={SUPPRESSION_NOTE_MAX} />
      <div>
        <button type="submit" class="secondary">
          Lift
        </button>
      </div>
    </form>
  );
}

function Entries({ entries }: { entries: SuppressionEntry[] }) {
  return (
    <DataTable headers={["Reason", "Since", "From", "Note", "Lift"]}>
      {entries.map((e) => (
        <tr>
          <td>{REASON_LABEL[e.reason]}</td>
          <td>{day(e.since)}</td>
          <td>
            <Origin entry={e} />
          </td>
          <td>
            <bdi>{e.note ?? ""}</bdi>
          </td>
          <td>
            <LiftForm entry={e} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** A lookup's answer: the address's entries, what was lifted before, its subscriber. */
function LookupResult({ email, found }: { email: string; found: SuppressionLookup }) {
  const paused =
    found.subscriber &&
    (found.subscriber.status === "bounced" || found.subscriber.status === "complained");
  return (
    <section aria-labelledby="lookup-result">
      <h2 id="lookup-result">
        <bdi dir="ltr">{email}</bdi>
      </h2>
      {found.suppressed ? (
        <>
          <p>On the suppression list: no report or email is sent to it.</p>
          <Entries entries={found.entries} />
        </>
      ) : (
        <p>Not on the suppression list.</p>
      )}
      {found.subscriber ? (
        <p>
          A subscriber has this address: <strong>{found.subscriber.status}</strong>.
          {paused && found.suppressed ? " Lift the entry above to be able to reactivate it." : null}
        </p>
      ) : null}
      {paused && !found.suppressed ? (
        <form method="post" action={`/admin/subscribers/${found.subscriber!.id}/reactivate`}>
          <input type="hidden" name="from" value="suppressions" />
          <button type="submit">Reactivate the subscriber</button>
        </form>
      ) : null}
      <h3>Lifted before</h3>
      {found.lifts.length === 0 ? (
        <p>Nothing.</p>
      ) : (
        <DataTable headers={["Reason", "Listed", "Lifted", "By", "Why"]}>
          {found.lifts.map((l) => (
            <tr>
              <td>{REASON_LABEL[l.reason]}</td>
              <td>{day(l.listedAt)}</td>
              <td>{day(l.liftedAt)}</td>
              <td>
                {l.liftedBy.type}
                {l.liftedBy.id ? ` ${l.liftedBy.id}` : ""}
              </td>
              <td>
                <bdi>{l.note ?? ""}</bdi>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

async function suppressionsPage(
  c: Context<SignedInEnv>,
  options: {
    lookup?: { email: string; found?: SuppressionLookup; error?: string };
    add?: { email: string; note: string; errors: Record<string, string> };
  } = {},
) {
  const { db } = c.var.services;
  const reason = SUPPRESSION_REASONS.find((r) => r === c.req.query("reason"));
  const [page, counts] = await Promise.all([
    listSuppressions(db, { reason, limit: 50, cursor: c.req.query("cursor") || undefined }),
    suppressionCounts(db),
  ]);
  const { lookup, add } = options;
  const failed = Boolean(lookup?.error || add);
  return c.html(
    <Page lang="en" title="Suppressions" area="admin" actor={c.var.actor} path={BASE}>
      <h1>Suppressions</h1>
      <p class="lead">
        Addresses no report or email goes to. The list keeps no address, only a keyed index of it:
        entries are shown by reason and date, and an address is found by typing it. Adding, lifting
        and looking up are recorded in the audit log, without the address.
      </p>
      <FlashNotice c={c} />
      <h2>Look up an address</h2>
      <form method="post" action={`${BASE}/lookup`} class="stack">
        <Field
          name="email"
          label="Email address"
          type="email"
          value={lookup?.email}
          error={lookup?.error}
          required
          dir="ltr"
        />
        <div>
          <button type="submit">Look up</button>
        </div>
      </form>
      {lookup?.found ? <LookupResult email={lookup.email} found={lookup.found} /> : null}
      <h2>The list</h2>
      <p>
        {SUPPRESSION_REASONS.map((r, i) => (
          <>
            {i > 0 ? " · " : null}
            <a href={`${BASE}?reason=${r}`} aria-current={r === reason ? "true" : undefined}>
              {REASON_LABEL[r]}: {counts[r]}
            </a>
          </>
        ))}
        {reason ? (
          <>
            {" · "}
            <a href={BASE}>all</a>
          </>
        ) : null}
      </p>
      <p class="hint">
        Lifting lets email reach the address again; say why, it is kept with the entry's history. A
        bounced or complained subscriber stays paused until reactivated. Entries that record an
        erasure are never lifted: they keep someone who asked to be forgotten from being added
        again.
      </p>
      {page.data.length === 0 ? <p>No entries.</p> : <Entries entries={page.data} />}
      {page.nextCursor ? (
        <p>
          <a
            href={`${BASE}?${new URLSearchParams({ ...(reason ? { reason } : {}), cursor: page.nextCursor })}`}
          >
            More
          </a>
        </p>
      ) : null}
      <h2>Add an address by hand</h2>
      <form method="post" action={BASE} class="stack">
        {add?.errors._form ? <Notice kind="error">{add.errors._form}</Notice> : null}
        <Field
          name="email"
          label="Email address"
          type="email"
          value={add?.email}
          error={add?.errors.email}
          required
          dir="ltr"
          hint="Only its index is stored. A subscriber with this address keeps their status and is skipped by every send."
        />
        <Field
          name="note"
          label="Note"
          value={add?.note}
          error={add?.errors.note}
          hint="Why it is added. Write why, not who: the note stays with the entry (it is cleared if the person is erased)."
        />
        <div>
          <button type="submit">Add to the list</button>
        </div>
      </form>
    </Page>,
    failed ? 422 : 200,
  );
}

suppressionAdminPages.get("/", requires("suppressions.manage"), (c) => suppressionsPage(c));

suppressionAdminPages.post("/lookup", requires("suppressions.manage"), async (c) => {
  const body = await c.req.parseBody();
  const email = String(body.email ?? "").trim();
  const parsed = parseForm(Address, { email });
  if (!parsed.ok) return suppressionsPage(c, { lookup: { email, error: parsed.errors.email } });
  const found = await lookUpAddress(c.var.services, c.var.actor, parsed.data.email);
  return suppressionsPage(c, { lookup: { email: parsed.data.email, found } });
});

suppressionAdminPages.post("/", requires("suppressions.manage"), async (c) => {
  const body = await c.req.parseBody();
  const form = { email: String(body.email ?? "").trim(), note: String(body.note ?? "") };
  const parsed = parseForm(Added, { email: form.email, note: form.note || undefined });
  if (!parsed.ok) return suppressionsPage(c, { add: { ...form, errors: parsed.errors } });
  return noticeOnError(c, BASE, async () => {
    const entry = await addSuppression(c.var.services, c.var.actor, parsed.data);
    return redirectWithNotice(c, BASE, `Added to the list (${entry.since.slice(0, 10)}).`);
  });
});

suppressionAdminPages.post("/lift", requires("suppressions.manage"), async (c) => {
  const body = await c.req.parseBody();
  const parsed = parseForm(Lifted, { id: body.id, reason: body.reason });
  if (!parsed.ok)
    return redirectWithNotice(c, BASE, Object.values(parsed.errors)[0] ?? "Invalid.", "error");
  return noticeOnError(c, BASE, async () => {
    await liftSuppression(c.var.services, c.var.actor, parsed.data.id, parsed.data.reason);
    const subscriber = await subscriberOfEntry(c.var.services.db, parsed.data.id);
    const paused = subscriber?.status === "bounced" || subscriber?.status === "complained";
    return redirectWithNotice(
      c,
      BASE,
      paused
        ? `Lifted. A subscriber with this address is still ${subscriber.status}: reactivate them from Subscribers (filter by status) if they should receive reports again.`
        : "Lifted: email may reach this address again.",
    );
  });
});
