// Organisers' workshop pages: list, create, edit, publish, cancel, and each workshop's page,
// which composes the sections other features hand it (src/http/sections.ts).
import { type Context, Hono } from "hono";
import { can } from "../access/roles";
import { audit } from "../audit/service";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { adminDictionary, DEFAULT_LANG, fill, isLang } from "../i18n";
import { onServiceError } from "../lib/errors";
import { formatRange } from "../lib/time";
import { Notice, textFields } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { Fill } from "../ui/words";
import { workshopFormPage } from "./admin-form";
import { cancelWorkshop, publishWorkshop, updateWorkshop } from "./changes";
import { renderEmailPreview } from "./email-preview";
import { CUSTOM_TEXT_KINDS } from "./email-texts";
import { fromForm, NEW_WORKSHOP_DEFAULTS, toForm } from "./form";
import { createWorkshop, getWorkshop, listWorkshops, seatCount } from "./service";
import type { Workshop } from "./types";

export const workshopAdminPages = new Hono<AppEnv>();

const words = (c: AppContext) => adminDictionary(adminLang(c));

const STATUS_BADGE: Record<string, string> = {
  published: "ok",
  draft: "warn",
  cancelled: "danger",
};

workshopAdminPages.get("/", requires("workshops.manage"), async (c) => {
  const page = await listWorkshops(c.var.services.db, c.var.actor, {
    limit: 50,
    cursor: c.req.query("cursor") || undefined,
  });
  const view = adminPage(c);
  const { lang } = view;
  const a = adminDictionary(lang);
  const t = a.workshops;
  return c.html(
    <Page {...view} title={t.title} path="/admin/workshops">
      <h1>{t.title}</h1>
      <FlashNotice c={c} />
      <p class="row">
        <a class="button" href="/admin/workshops/new">
          {t.newWorkshop}
        </a>
        <a class="button secondary" href="/api/v1/workshops/schedule.ics">
          {t.scheduleIcs}
        </a>
        <a class="button secondary" href="/api/v1/workshops/schedule.csv?excel=true">
          {t.scheduleCsv}
        </a>
      </p>
      {page.data.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <DataTable headers={[a.common.title, a.common.when, a.common.status, t.seats]}>
          {page.data.map((w) => (
            <tr>
              <td>
                <a href={`/admin/workshops/${w.id}`} dir="auto">
                  {w.title}
                </a>
              </td>
              <td>{formatRange(w.startsAt, w.endsAt, w.timezone, lang)}</td>
              <td>
                <span class={`badge ${STATUS_BADGE[w.status]}`}>
                  {a.statuses.workshop[w.status]}
                </span>
              </td>
              <td>{seatCount(w, lang)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {page.nextCursor ? (
        <p>
          <a href={`/admin/workshops?cursor=${page.nextCursor}`}>{a.common.older}</a>
        </p>
      ) : null}
    </Page>,
  );
});

const newForm = (c: AppContext) => ({
  heading: words(c).workshopForm.newHeading,
  action: "/admin/workshops",
  submit: words(c).workshopForm.createDraft,
});
const editForm = (c: AppContext, id: string) => ({
  heading: words(c).workshopForm.editHeading,
  action: `/admin/workshops/${id}`,
  submit: words(c).common.save,
});

workshopAdminPages.get("/new", requires("workshops.manage"), (c) =>
  workshopFormPage(c, { ...newForm(c), values: NEW_WORKSHOP_DEFAULTS }),
);

/**
 * The Preview button of the form: the form again, as typed, with the chosen email rendered
 * from it. Nothing is saved; a value the form refuses shows its error instead.
 */
async function previewPage(
  c: Context<SignedInEnv>,
  form: { heading: string; action: string; submit: string },
  saved: Workshop | null,
) {
  const values = textFields(await c.req.parseBody());
  const parsed = fromForm(values, adminLang(c));
  if (!parsed.ok) return workshopFormPage(c, { ...form, values, errors: parsed.errors }, 422);
  const kind = CUSTOM_TEXT_KINDS.find((k) => k === values.previewKind) ?? "confirmed";
  const lang = isLang(values.previewLang)
    ? values.previewLang
    : (parsed.input.language ?? DEFAULT_LANG);
  const preview = await renderEmailPreview(
    c.var.services.settings,
    parsed.input,
    saved,
    kind,
    lang,
  );
  return workshopFormPage(c, { ...form, values, preview });
}

// Before "/:id": this path is not a workshop.
workshopAdminPages.post("/email-preview", requires("workshops.manage"), (c) =>
  previewPage(c, newForm(c), null),
);

workshopAdminPages.post(
  "/:id/email-preview",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const saved = await getWorkshop(c.var.services.db, c.req.param("id"));
    return previewPage(c, editForm(c, saved.id), saved);
  },
);

workshopAdminPages.post("/", requires("workshops.manage"), async (c) => {
  const values = textFields(await c.req.parseBody());
  const parsed = fromForm(values, adminLang(c));
  if (!parsed.ok) return workshopFormPage(c, { ...newForm(c), values, errors: parsed.errors }, 422);
  return onServiceError(
    async () => {
      const created = await createWorkshop(c.var.services.db, c.var.actor, parsed.input);
      return redirectWithNotice(
        c,
        `/admin/workshops/${created.id}`,
        words(c).workshops.draftCreated,
      );
    },
    (error) => workshopFormPage(c, { ...newForm(c), values, errors: { slug: error.message } }, 409),
  );
});

workshopAdminPages.get("/:id/edit", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const workshop = await getWorkshop(c.var.services.db, c.req.param("id"));
  return workshopFormPage(c, { ...editForm(c, workshop.id), values: toForm(workshop) });
});

workshopAdminPages.post("/:id", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const id = c.req.param("id");
  const values = textFields(await c.req.parseBody());
  const parsed = fromForm(values, adminLang(c));
  const again = (errors: Record<string, string>, status: 409 | 422) =>
    workshopFormPage(c, { ...editForm(c, id), values, errors }, status);
  if (!parsed.ok) return again(parsed.errors, 422);
  // No such workshop stays a 404 page; a refused change shows the form again.
  return onServiceError(
    async () => {
      await updateWorkshop(c.var.services, c.var.actor, id, parsed.input);
      return redirectWithNotice(c, `/admin/workshops/${id}`, words(c).workshops.saved);
    },
    (error) => again({ _form: error.message }, 409),
    ["invalid", "conflict"],
  );
});

workshopAdminPages.post(
  "/:id/publish",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const back = `/admin/workshops/${c.req.param("id")}`;
    return noticeOnError(
      c,
      back,
      async () => {
        await publishWorkshop(c.var.services, c.var.actor, c.req.param("id"));
        return redirectWithNotice(c, back, words(c).workshops.published);
      },
      ["conflict"],
    );
  },
);

/** Cancelling emails everyone and cannot be undone: the workshop page links here first. */
workshopAdminPages.get(
  "/:id/cancel",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const workshop = await getWorkshop(c.var.services.db, c.req.param("id"));
    const base = `/admin/workshops/${workshop.id}`;
    const t = words(c).workshops;
    return c.html(
      <Page {...adminPage(c)} title={t.cancelTitle}>
        <p>
          <a href={base}>{t.backToWorkshop}</a>
        </p>
        <h1>
          <Fill text={t.cancelHeading} values={{ title: <bdi>{workshop.title}</bdi> }} />
        </h1>
        {workshop.status === "cancelled" ? (
          <p>{t.alreadyCancelled}</p>
        ) : (
          <form method="post" action={`${base}/cancel`} class="stack">
            {c.req.query("unconfirmed") === "1" ? (
              <Notice kind="error">{t.tickToConfirm}</Notice>
            ) : null}
            <p>{t.cancelExplain}</p>
            <label class="check">
              <input type="checkbox" name="confirm" value="yes" required /> {t.cancelConfirm}
            </label>
            <div>
              <button type="submit" class="danger">
                {t.cancelButton}
              </button>
            </div>
          </form>
        )}
      </Page>,
    );
  },
);

workshopAdminPages.post(
  "/:id/cancel",
  requires("workshops.manage", { workshop: "id" }),
  async (c) => {
    const body = await c.req.parseBody();
    if (body.confirm !== "yes")
      return c.redirect(`/admin/workshops/${c.req.param("id")}/cancel?unconfirmed=1`, 303);
    await cancelWorkshop(c.var.services, c.var.actor, c.req.param("id"));
    return redirectWithNotice(
      c,
      `/admin/workshops/${c.req.param("id")}`,
      words(c).workshops.cancelled,
    );
  },
);

/**
 * Each workshop's page: its state and actions, then the sections other features add (the
 * registrations, invitations, messages, team), in the order given. Built by app.tsx with
 * those sections, so this feature imports none of them.
 */
export function workshopPage(sections: Section<Workshop>[]) {
  const pages = new Hono<AppEnv>();
  pages.get("/:id", requires("workshops.manage", { workshop: "id" }), async (c) => {
    const db = c.var.services.db;
    const actor = c.var.actor;
    const workshop: Workshop = await getWorkshop(db, c.req.param("id"));
    const loaded = [];
    for (const section of sections) loaded.push(await section.load(c, workshop));
    await audit(db, actor, {
      action: "attendees.view",
      targetType: "workshop",
      targetId: workshop.id,
      detail: { rows: loaded.reduce((n, s) => n + s.rows, 0), view: "admin" },
    });
    const base = `/admin/workshops/${workshop.id}`;
    const view = adminPage(c);
    const { lang } = view;
    const a = adminDictionary(lang);
    const t = a.workshops;
    return c.html(
      <Page {...view} title={workshop.title} path="/admin/workshops">
        <p>
          <a href="/admin/workshops">{t.backToList}</a>
        </p>
        <h1 dir="auto">{workshop.title}</h1>
        <FlashNotice c={c} />
        {workshop.purgedAt ? (
          <p class="notice" role="status">
            <Fill
              text={t.erasedOn}
              values={{ date: <bdi>{workshop.purgedAt.toISOString().slice(0, 10)}</bdi> }}
            />
          </p>
        ) : null}
        <p>
          <span class={`badge ${STATUS_BADGE[workshop.status]}`}>
            {a.statuses.workshop[workshop.status]}
          </span>{" "}
          · {formatRange(workshop.startsAt, workshop.endsAt, workshop.timezone, lang)} ·{" "}
          {fill(t.seatsOf, { seats: seatCount(workshop, lang) })} ·{" "}
          {a.statuses.mode[workshop.registrationMode]}
        </p>
        <div class="row">
          <a class="button secondary" href={`${base}/edit`}>
            {t.edit}
          </a>
          {workshop.status === "draft" ? (
            <form method="post" action={`${base}/publish`} class="inline">
              <button type="submit">{t.publish}</button>
            </form>
          ) : null}
          {workshop.status === "published" ? (
            <a class="button secondary" href={`/workshops/${workshop.slug}`}>
              {t.publicPage}
            </a>
          ) : null}
          <a class="button secondary" href={`${base}/door`}>
            {t.door}
          </a>
          {can(actor.role, "attendees.read") && !workshop.purgedAt ? (
            <a
              class="button secondary"
              href={`/api/v1/workshops/${workshop.id}/registrations.csv?excel=true`}
            >
              {t.exportCsv}
            </a>
          ) : null}
          {can(actor.role, "attendees.read") && !workshop.purgedAt ? (
            <>
              <a class="button secondary" href={`${base}/print/list`}>
                {t.printList}
              </a>
              <a class="button secondary" href={`${base}/print/badges`}>
                {t.printBadges}
              </a>
            </>
          ) : null}
          {workshop.status !== "cancelled" ? (
            <a class="button secondary" href={`${base}/cancel`}>
              {t.cancelWorkshop}
            </a>
          ) : null}
        </div>

        {loaded.map((s) => s.view)}
      </Page>,
    );
  });
  return pages;
}
