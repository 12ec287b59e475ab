// Organisers' pages for the data keys: the section of a workshop's page that says when its
// key will be destroyed; an owner's two-step destruction of it (type the slug, then tick
// that it cannot be undone); and the owners' page for re-wrapping every key under a new
// DATA_KEY.
import type { Context } from "hono";
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { can } from "../access/roles";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { type AdminWords, adminDictionary, fill, formatNumber, type Lang, ltrIn } from "../i18n";
import { type AppError, onServiceError } from "../lib/errors";
import { formatInstant } from "../lib/time";
import { Field, Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { Fill } from "../ui/words";
import {
  confirmationErrors,
  destroyWorkshopKey,
  getKeyedWorkshop,
  type KeyedWorkshop,
  ROTATE_STEP,
  rotateDataKeys,
  type WorkshopKeyState,
  workshopKeyState,
} from "./keys";

const when = (instant: Date, w: KeyedWorkshop, lang: Lang) =>
  formatInstant(instant, w.timezone, lang);
const words = (c: AppContext) => adminDictionary(adminLang(c));
const code = (text: string) => <code dir="ltr">{text}</code>;

/** The data key section of a workshop's admin page, as the page composes it. */
export const workshopKeySection: Section<KeyedWorkshop> = {
  async load(c, workshop) {
    const state = await workshopKeyState(c.var.services.db, workshop);
    const owner = can(c.var.actor.role, "vault.manage");
    return {
      rows: 0,
      view: <KeySection a={words(c)} workshop={workshop} state={state} owner={owner} />,
    };
  },
};

function KeySection(props: {
  a: AdminWords;
  workshop: KeyedWorkshop;
  state: WorkshopKeyState;
  owner: boolean;
}) {
  const { workshop: w, state, a } = props;
  const t = a.keys;
  return (
    <>
      <h2 id="data-key">{t.heading}</h2>
      {state.destroyedAt ? (
        <p>{fill(t.destroyedOn, { date: when(state.destroyedAt, w, a.lang) })}</p>
      ) : (
        <>
          <p>
            <Fill
              text={t.willDestroy}
              values={{
                date: <strong>{when(state.destroysAt, w, a.lang)}</strong>,
                days: formatNumber(w.retentionDays, a.lang),
              }}
            />
          </p>
          {props.owner ? (
            <p>
              <a class="button danger" href={`/admin/workshops/${w.id}/key`}>
                {t.destroyNow}
              </a>
            </p>
          ) : null}
        </>
      )}
    </>
  );
}

/** Mounted at /admin/workshops/:id/key: an owner destroying a workshop's key early. */
export const workshopKeyPages = new Hono<AppEnv>();

const keyBase = (w: KeyedWorkshop) => `/admin/workshops/${w.id}/key`;

function DestroyPage(props: {
  c: Context<SignedInEnv>;
  workshop: KeyedWorkshop;
  state: WorkshopKeyState;
  children: Child;
}) {
  const { workshop: w, state } = props;
  const view = adminPage(props.c);
  const t = adminDictionary(view.lang).keys;
  return (
    <Page {...view} title={t.destroyTitle} path="/admin/workshops">
      <p>
        <a href={`/admin/workshops/${w.id}`}>{t.backToWorkshop}</a>
      </p>
      <h1>{t.destroyHeading}</h1>
      <FlashNotice c={props.c} />
      <p>{fill(t.destroyExplain, { date: when(state.destroysAt, w, view.lang) })}</p>
      {props.children}
    </Page>
  );
}

/** Step 1: the slug, typed out. */
function stepOne(
  c: Context<SignedInEnv>,
  w: KeyedWorkshop,
  state: WorkshopKeyState,
  error?: string,
) {
  return c.html(
    <DestroyPage c={c} workshop={w} state={state}>
      <form method="post" action={`${keyBase(w)}/confirm`} class="stack">
        <Field
          name="slug"
          label={fill(words(c).keys.typeSlug, { slug: ltrIn(adminLang(c), w.slug) })}
          error={error}
          required
          dir="ltr"
          autocomplete="off"
        />
        <div>
          <button type="submit" class="danger">
            {words(c).keys.goOn}
          </button>
        </div>
      </form>
    </DestroyPage>,
    error ? 422 : 200,
  );
}

/** Step 2: the slug carried over, and the box that says it cannot be undone. */
function stepTwo(
  c: Context<SignedInEnv>,
  w: KeyedWorkshop,
  state: WorkshopKeyState,
  error?: string,
) {
  return c.html(
    <DestroyPage c={c} workshop={w} state={state}>
      <form method="post" action={`${keyBase(w)}/destroy`} class="stack">
        <input type="hidden" name="slug" value={w.slug} />
        {error ? <Notice kind="error">{error}</Notice> : null}
        <label class="check">
          <input type="checkbox" name="irreversible" value="yes" required />{" "}
          {words(c).keys.understand}
        </label>
        <div>
          <button type="submit" class="danger">
            {words(c).keys.destroy}
          </button>
        </div>
      </form>
    </DestroyPage>,
    error ? 422 : 200,
  );
}

/** The workshop and its key's state, or a redirect when there is no key left to destroy. */
async function destroyable(c: Context<SignedInEnv>) {
  const w = await getKeyedWorkshop(c.var.services.db, c.req.param("id") ?? "");
  const state = await workshopKeyState(c.var.services.db, w);
  return { w, state };
}

const destroyedAlready = (c: Context<SignedInEnv>, w: KeyedWorkshop) =>
  redirectWithNotice(c, `/admin/workshops/${w.id}#data-key`, words(c).keys.alreadyDestroyed);

workshopKeyPages.get("/", requires("vault.manage", { workshop: "id" }), async (c) => {
  const { w, state } = await destroyable(c);
  if (state.destroyedAt) return destroyedAlready(c, w);
  return stepOne(c, w, state);
});

workshopKeyPages.post("/confirm", requires("vault.manage", { workshop: "id" }), async (c) => {
  const { w, state } = await destroyable(c);
  if (state.destroyedAt) return destroyedAlready(c, w);
  const slug = String((await c.req.parseBody()).slug ?? "");
  const slugError = confirmationErrors(w, { slug, irreversible: true })[0];
  if (slugError) return stepOne(c, w, state, slugError.message);
  return stepTwo(c, w, state);
});

workshopKeyPages.post("/destroy", requires("vault.manage", { workshop: "id" }), async (c) => {
  const { w, state } = await destroyable(c);
  if (state.destroyedAt) return destroyedAlready(c, w);
  const body = await c.req.parseBody();
  const confirm = { slug: String(body.slug ?? ""), irreversible: body.irreversible === "yes" };
  const again = (error: AppError) => {
    const wrong = error.errors?.find((e) => e.path === "slug");
    return wrong
      ? stepOne(c, w, state, wrong.message)
      : stepTwo(c, w, state, error.errors?.[0]?.message);
  };
  return onServiceError(
    async () => {
      await destroyWorkshopKey(c.var.services, c.var.actor, w.id, confirm);
      // To the top of the page, where the notice and the erased banner are.
      return redirectWithNotice(c, `/admin/workshops/${w.id}`, words(c).keys.destroyed);
    },
    again,
    ["invalid"],
  );
});

/** Mounted at /admin/vault: the owners' page for a master key rotation. */
export const vaultAdminPages = new Hono<AppEnv>();

vaultAdminPages.get("/", requires("vault.manage"), async (c) => {
  const status = await c.var.services.vault.status();
  const view = adminPage(c);
  const { lang } = view;
  const t = adminDictionary(lang).keys;
  const n$ = (n: number) => formatNumber(n, lang);
  return c.html(
    <Page {...view} title={t.vaultTitle} path="/admin/vault">
      <h1>{t.vaultTitle}</h1>
      <FlashNotice c={c} />
      <p>
        <Fill text={t.vaultIntro} values={{ name: code("DATA_KEY") }} />
      </p>
      <DataTable headers={[t.vaultTitle, t.howMany]}>
        <tr>
          <td>
            <Fill text={t.underCurrent} values={{ name: code("DATA_KEY") }} />
          </td>
          <td>{n$(status.current)}</td>
        </tr>
        <tr>
          <td>{t.underOther}</td>
          <td>{n$(status.other)}</td>
        </tr>
        <tr>
          <td>{t.destroyedKeys}</td>
          <td>{n$(status.destroyed)}</td>
        </tr>
      </DataTable>
      <p>
        <Fill
          text={status.previousSet ? t.previousSet : t.previousNotSet}
          values={{ name: code("DATA_KEY_PREVIOUS") }}
        />
        {status.previousSet && status.other === 0 ? t.removePrevious : ""}
      </p>
      {status.unknown > 0 ? (
        <Notice kind="error">{fill(t.unknown, { n: n$(status.unknown) })}</Notice>
      ) : null}
      <h2>{t.rotating}</h2>
      <ol>
        <li>
          <Fill
            text={t.step1}
            values={{
              previous: code("DATA_KEY_PREVIOUS"),
              current: code("DATA_KEY"),
              openssl: code("openssl rand -base64 32"),
              put: code("wrangler secret put"),
            }}
          />
        </li>
        <li>{fill(t.step2, { n: n$(ROTATE_STEP) })}</li>
        <li>
          <Fill text={t.step3} values={{ previous: code("DATA_KEY_PREVIOUS") }} />
        </li>
      </ol>
      {status.other - status.unknown > 0 && status.previousSet ? (
        <form method="post" action="/admin/vault/rotate">
          <button type="submit">{fill(t.rewrap, { n: n$(ROTATE_STEP) })}</button>
        </form>
      ) : (
        <Notice kind="ok">{t.nothingToRewrap}</Notice>
      )}
    </Page>,
  );
});

vaultAdminPages.post("/rotate", requires("vault.manage"), async (c) =>
  noticeOnError(c, "/admin/vault", async () => {
    const step = await rotateDataKeys(c.var.services, c.var.actor);
    return redirectWithNotice(
      c,
      "/admin/vault",
      fill(words(c).keys.rewrapped, {
        rewrapped: formatNumber(step.rewrapped, adminLang(c)),
        remaining: formatNumber(step.remaining, adminLang(c)),
      }),
    );
  }),
);
