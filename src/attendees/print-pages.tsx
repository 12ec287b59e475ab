// Printable door list and name badges of a workshop's confirmed people, printed from the
// browser's print dialog. The names never leave the page: nothing third-party is loaded
// (print.css and print.js are this site's), the answer is `no-store` so no cache or
// back-forward store keeps it, and the audit row counts people without naming them.
import type { Context } from "hono";
import { Hono } from "hono";
import { audit } from "../audit/service";
import { adminPage } from "../http/admin-lang";
import type { AppEnv, SignedInEnv } from "../http/context";
import { requires } from "../http/guard";
import { type AdminWords, adminDictionary, fill, formatNumber } from "../i18n";
import { formatRange } from "../lib/time";
import { attendeeList, type DoorView } from "../registrations/lists";
import { Page } from "../ui/layout";
import { Fill } from "../ui/words";
import { getWorkshop } from "../workshops/service";
import type { Workshop } from "../workshops/types";

/** Mounted at /admin/workshops/:id/print. */
export const printPages = new Hono<AppEnv>();

/** Two columns by four rows on an A4 sheet: a common badge-holder size (about 9 × 6 cm). */
export const BADGES_PER_SHEET = 8;

type PrintView = "list" | "badges";

/** The workshop and its people, audited as a view of the attendees (counts, never names). */
async function load(c: Context<SignedInEnv>, view: PrintView) {
  const { db } = c.var.services;
  const workshop = await getWorkshop(db, c.req.param("id") ?? "");
  // A purged workshop's people are gone: its key no longer opens them.
  const people = workshop.purgedAt ? [] : await attendeeList(c.var.services, workshop.id);
  await audit(db, c.var.actor, {
    action: "attendees.view",
    targetType: "workshop",
    targetId: workshop.id,
    detail: { rows: people.length, view: `print-${view}` },
  });
  return { workshop, people };
}

/** The page around a printout: a Print button and a way back, neither of them printed. */
function PrintPage({
  c,
  workshop,
  view,
  children,
}: {
  c: Context<SignedInEnv>;
  workshop: Workshop;
  view: PrintView;
  children: unknown;
}) {
  const base = `/admin/workshops/${workshop.id}`;
  const page = adminPage(c);
  const t = adminDictionary(page.lang).print;
  const title = view === "list" ? t.doorList : t.badges;
  return (
    <Page {...page} title={`${title}: ${workshop.title}`} stylesheets={["/assets/print.css"]}>
      <div class="screen-only row print-tools">
        <a class="button secondary" href={base}>
          {t.backToWorkshop}
        </a>
        <a class="button secondary" href={`${base}/print/${view === "list" ? "badges" : "list"}`}>
          {view === "list" ? t.badges : t.doorList}
        </a>
        {/* Shown by print.js; without a script, the browser's own Print menu does the same. */}
        <button type="button" data-print hidden>
          {t.print}
        </button>
      </div>
      {children as never}
      <script src="/assets/print.js" defer />
    </Page>
  );
}

/** A name as its own script reads it: an Arabic name right to left, inside any line. */
const Name = ({ text }: { text: string }) => <bdi dir="auto">{text}</bdi>;

function DoorList({
  a,
  workshop,
  people,
}: {
  a: AdminWords;
  workshop: Workshop;
  people: DoorView[];
}) {
  const t = a.print;
  return (
    <section class="door-list">
      <h1>
        <bdi dir="auto">{workshop.title}</bdi>
      </h1>
      <p class="muted">
        {formatRange(workshop.startsAt, workshop.endsAt, workshop.timezone, a.lang)} ·{" "}
        {a.lang === "en" && people.length === 1
          ? "1 person"
          : fill(t.people, { n: formatNumber(people.length, a.lang) })}
      </p>
      {people.length === 0 ? (
        <p>{t.nobody}</p>
      ) : (
        <table class="sign-in">
          <thead>
            <tr>
              <th scope="col" class="number">
                #
              </th>
              <th scope="col">{a.common.name}</th>
              <th scope="col">{a.common.affiliation}</th>
              <th scope="col" class="tick">
                {t.signedIn}
              </th>
            </tr>
          </thead>
          <tbody>
            {people.map((p, i) => (
              <tr>
                <td class="number">{formatNumber(i + 1, a.lang)}</td>
                <td class="person">
                  <Name text={p.name} />
                </td>
                <td>{p.affiliation ? <Name text={p.affiliation} /> : null}</td>
                <td class="tick">
                  {/* A box to tick by hand; ticked already for who checked in at the door. */}
                  <span
                    class={p.status === "attended" ? "box ticked" : "box"}
                    role="img"
                    aria-label={p.status === "attended" ? t.checkedIn : t.notYet}
                  >
                    {p.status === "attended" ? "✓" : ""}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The people in sheets of BADGES_PER_SHEET: one sheet per printed page. */
export function sheets<T>(people: T[], size = BADGES_PER_SHEET): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < people.length; i += size) out.push(people.slice(i, i + size));
  return out;
}

function Badges({
  a,
  workshop,
  people,
}: {
  a: AdminWords;
  workshop: Workshop;
  people: DoorView[];
}) {
  const t = a.print;
  if (people.length === 0)
    return (
      <>
        <h1>{t.badges}</h1>
        <p>{t.nobody}</p>
      </>
    );
  return (
    <>
      <h1 class="screen-only">
        <Fill text={t.badgesHeading} values={{ title: <bdi dir="auto">{workshop.title}</bdi> }} />
      </h1>
      <p class="screen-only muted">
        {fill(t.badgesHint, {
          n: formatNumber(people.length, a.lang),
          perSheet: formatNumber(BADGES_PER_SHEET, a.lang),
        })}
      </p>
      {sheets(people).map((sheet) => (
        <section class="sheet">
          {sheet.map((p) => (
            <article class="badge-card">
              <p class="badge-name">
                <Name text={p.name} />
              </p>
              {p.affiliation ? (
                <p class="badge-affiliation">
                  <Name text={p.affiliation} />
                </p>
              ) : null}
              <p class="badge-event">
                <bdi dir="auto">{workshop.title}</bdi>
              </p>
            </article>
          ))}
        </section>
      ))}
    </>
  );
}

/** Names on paper are for the workshop's own organisers: door staff see them at the door only. */
const guard = requires("attendees.read", { workshop: "id" });

/** No copy anywhere but this tab: not the browser's cache, not a proxy's. */
function noStore(c: Context<SignedInEnv>) {
  c.header("Cache-Control", "no-store");
}

printPages.get("/list", guard, async (c) => {
  const { workshop, people } = await load(c, "list");
  noStore(c);
  return c.html(
    <PrintPage c={c} workshop={workshop} view="list">
      <DoorList a={adminDictionary(adminPage(c).lang)} workshop={workshop} people={people} />
    </PrintPage>,
  );
});

printPages.get("/badges", guard, async (c) => {
  const { workshop, people } = await load(c, "badges");
  noStore(c);
  return c.html(
    <PrintPage c={c} workshop={workshop} view="badges">
      <Badges a={adminDictionary(adminPage(c).lang)} workshop={workshop} people={people} />
    </PrintPage>,
  );
});
