// Owners' page of the suppression list (/admin/suppressions): entries by reason and date,
// looking an address up, adding one by hand, lifting an entry with a reason. Addresses
// travel in POST bodies, never in a URL. Reactivating a bounced or complained subscriber is
// a button here (after a lookup) and on the subscribers' list, posting to
// /admin/subscribers/{id}/reactivate (admin-pages.tsx).
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { Hono } from "hono";
import { SUPPRESSION_REASONS } from "../db/schema";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import { type AdminWords, adminDictionary, fill, formatNumber, ltrIn } from "../i18n";
import { Field, Notice, parseForm } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { Fill } from "../ui/words";
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

const words = (c: AppContext) => adminDictionary(adminLang(c));

const reasonLabel = (a: AdminWords, reason: SuppressionReason) => a.suppressions.reasons[reason];

/** The forms' rules, their messages in the page's language. */
function schemas(a: AdminWords) {
  const t = a.suppressions;
  const Address = z.object({ email: z.email(t.validEmail) });
  return {
    Address,
    Added: Address.extend({ note: z.string().max(SUPPRESSION_NOTE_MAX).optional() }),
    Lifted: z.object({
      id: z.string().min(1),
      reason: z.string().trim().min(3, t.sayWhy).max(SUPPRESSION_NOTE_MAX),
    }),
  };
}

const day = (iso: string) => iso.slice(0, 16).replace("T", " ");

/** Where an entry came from, as far as it is known. */
function Origin({
  a,
  entry,
}: {
  a: AdminWords;
  entry: Pick<SuppressionEntry, "eventId" | "distributionId">;
}) {
  if (!entry.eventId && !entry.distributionId)
    return <span class="hint">{a.suppressions.notRecorded}</span>;
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
function LiftForm({ a, entry }: { a: AdminWords; entry: SuppressionEntry }) {
  const t = a.suppressions;
  if (!entry.liftable)
    return (
      <span class="hint">
        {entry.erasedAt && entry.reason !== "erased"
          ? fill(t.notLiftableOn, { date: ltrIn(a.lang, day(entry.erasedAt)) })
          : t.notLiftable}
      </span>
    );
  const id = `lift-${entry.id.slice(0, 12)}`;
  return (
    <form method="post" action={`${BASE}/lift`} class="stack">
      <input type="hidden" name="id" value={entry.id} />
      <label for={id}>{t.whyLift}</label>
      <input
        id={id}
        name="reason"
        required
        minlength={3}
        maxlength={SUPPRESSION_NOTE_MAX}
        dir="auto"
      />
      <div>
        <button type="submit" class="secondary">
          {t.lift}
        </button>
      </div>
    </form>
  );
}

function Entries({ a, entries }: { a: AdminWords; entries: SuppressionEntry[] }) {
  const t = a.suppressions;
  return (
    <DataTable headers={[t.reason, t.since, t.from, t.note, t.lift]}>
      {entries.map((e) => (
        <tr>
          <td>{reasonLabel(a, e.reason)}</td>
          <td>
            <bdi>{day(e.since)}</bdi>
          </td>
          <td>
            <Origin a={a} entry={e} />
          </td>
          <td>
            <bdi>{e.note ?? ""}</bdi>
          </td>
          <td>
            <LiftForm a={a} entry={e} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** A lookup's answer: the address's entries, what was lifted before, its subscriber. */
function LookupResult({
  a,
  email,
  found,
}: {
  a: AdminWords;
  email: string;
  found: SuppressionLookup;
}) {
  const t = a.suppressions;
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
          <p>{t.onList}</p>
          <Entries a={a} entries={found.entries} />
        </>
      ) : (
        <p>{t.notOnList}</p>
      )}
      {found.subscriber ? (
        <p>
          <Fill
            text={t.subscriberHas}
            values={{
              status: (
                <strong>
                  {a.subscribers.status[
                    found.subscriber.status as keyof AdminWords["subscribers"]["status"]
                  ] ?? found.subscriber.status}
                </strong>
              ),
            }}
          />
          {paused && found.suppressed ? t.liftToReactivate : null}
        </p>
      ) : null}
      {paused && !found.suppressed ? (
        <form method="post" action={`/admin/subscribers/${found.subscriber!.id}/reactivate`}>
          <input type="hidden" name="from" value="suppressions" />
          <button type="submit">{t.reactivate}</button>
        </form>
      ) : null}
      <h3>{t.liftedBefore}</h3>
      {found.lifts.length === 0 ? (
        <p>{t.nothing}</p>
      ) : (
        <DataTable headers={[t.reason, t.listed, t.lifted, t.by, t.why]}>
          {found.lifts.map((l) => (
            <tr>
              <td>{reasonLabel(a, l.reason)}</td>
              <td>
                <bdi>{day(l.listedAt)}</bdi>
              </td>
              <td>
                <bdi>{day(l.liftedAt)}</bdi>
              </td>
              <td dir="ltr">
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
  const view = adminPage(c);
  const a = adminDictionary(view.lang);
  const t = a.suppressions;
  return c.html(
    <Page {...view} title={t.title} path={BASE}>
      <h1>{t.title}</h1>
      <p class="lead">{t.lead}</p>
      <FlashNotice c={c} />
      <h2>{t.lookUpHeading}</h2>
      <form method="post" action={`${BASE}/lookup`} class="stack">
        <Field
          name="email"
          label={t.emailAddress}
          type="email"
          value={lookup?.email}
          error={lookup?.error}
          required
          dir="ltr"
        />
        <div>
          <button type="submit">{t.lookUp}</button>
        </div>
      </form>
      {lookup?.found ? <LookupResult a={a} email={lookup.email} found={lookup.found} /> : null}
      <h2>{t.theList}</h2>
      <p>
        {SUPPRESSION_REASONS.map((r, i) => (
          <>
            {i > 0 ? " · " : null}
            <a href={`${BASE}?reason=${r}`} aria-current={r === reason ? "true" : undefined}>
              {reasonLabel(a, r)}: {formatNumber(counts[r], view.lang)}
            </a>
          </>
        ))}
        {reason ? (
          <>
            {" · "}
            <a href={BASE}>{t.all}</a>
          </>
        ) : null}
      </p>
      <p class="hint">{t.liftHint}</p>
      {page.data.length === 0 ? <p>{t.noEntries}</p> : <Entries a={a} entries={page.data} />}
      {page.nextCursor ? (
        <p>
          <a
            href={`${BASE}?${new URLSearchParams({ ...(reason ? { reason } : {}), cursor: page.nextCursor })}`}
          >
            {a.common.more}
          </a>
        </p>
      ) : null}
      <h2>{t.addHeading}</h2>
      <form method="post" action={BASE} class="stack">
        {add?.errors._form ? <Notice kind="error">{add.errors._form}</Notice> : null}
        <Field
          name="email"
          label={t.emailAddress}
          type="email"
          value={add?.email}
          error={add?.errors.email}
          required
          dir="ltr"
          hint={t.addHint}
        />
        <Field
          name="note"
          label={t.note}
          value={add?.note}
          error={add?.errors.note}
          hint={t.noteHint}
          dir="auto"
        />
        <div>
          <button type="submit">{t.add}</button>
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
  const lang = adminLang(c);
  const parsed = parseForm(schemas(words(c)).Address, { email }, lang);
  if (!parsed.ok) return suppressionsPage(c, { lookup: { email, error: parsed.errors.email } });
  const found = await lookUpAddress(c.var.services, c.var.actor, parsed.data.email);
  return suppressionsPage(c, { lookup: { email: parsed.data.email, found } });
});

suppressionAdminPages.post("/", requires("suppressions.manage"), async (c) => {
  const body = await c.req.parseBody();
  const form = { email: String(body.email ?? "").trim(), note: String(body.note ?? "") };
  const parsed = parseForm(
    schemas(words(c)).Added,
    { email: form.email, note: form.note || undefined },
    adminLang(c),
  );
  if (!parsed.ok) return suppressionsPage(c, { add: { ...form, errors: parsed.errors } });
  return noticeOnError(c, BASE, async () => {
    const entry = await addSuppression(c.var.services, c.var.actor, parsed.data);
    return redirectWithNotice(
      c,
      BASE,
      fill(words(c).suppressions.added, { date: ltrIn(adminLang(c), entry.since.slice(0, 10)) }),
    );
  });
});

suppressionAdminPages.post("/lift", requires("suppressions.manage"), async (c) => {
  const body = await c.req.parseBody();
  const t = words(c).suppressions;
  const parsed = parseForm(
    schemas(words(c)).Lifted,
    { id: body.id, reason: body.reason },
    adminLang(c),
  );
  if (!parsed.ok)
    return redirectWithNotice(c, BASE, Object.values(parsed.errors)[0] ?? t.invalid, "error");
  return noticeOnError(c, BASE, async () => {
    await liftSuppression(c.var.services, c.var.actor, parsed.data.id, parsed.data.reason);
    const subscriber = await subscriberOfEntry(c.var.services.db, parsed.data.id);
    const paused = subscriber?.status === "bounced" || subscriber?.status === "complained";
    return redirectWithNotice(
      c,
      BASE,
      paused
        ? fill(t.liftedStill, {
            status:
              words(c).lang === "en"
                ? subscriber.status
                : words(c).subscribers.status[subscriber.status],
          })
        : t.liftedDone,
    );
  });
});
