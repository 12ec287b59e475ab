// Organisers' pages for the data keys: the section of a workshop's page that says when its
// key will be destroyed; an owner's two-step destruction of it (type the slug, then tick
// that it cannot be undone); and the owners' page for re-wrapping every key under a new
// DATA_KEY.
import type { Context } from "hono";
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { can } from "../access/roles";
import type { AppEnv, SignedInEnv } from "../http/context";
import { FlashNotice, noticeOnError, redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { type AppError, onServiceError } from "../lib/errors";
import { formatInstant } from "../lib/time";
import { Field, Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
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

const when = (instant: Date, w: KeyedWorkshop) => formatInstant(instant, w.timezone, "en");

/** The data key section of a workshop's admin page, as the page composes it. */
export const workshopKeySection: Section<KeyedWorkshop> = {
  async load(c, workshop) {
    const state = await workshopKeyState(c.var.services.db, workshop);
    const owner = can(c.var.actor.role, "vault.manage");
    return { rows: 0, view: <KeySection workshop={workshop} state={state} owner={owner} /> };
  },
};

function KeySection(props: { workshop: KeyedWorkshop; state: WorkshopKeyState; owner: boolean }) {
  const { workshop: w, state } = props;
  return (
    <>
      <h2 id="data-key">Data key</h2>
      {state.destroyedAt ? (
        <p>
          Destroyed on {when(state.destroyedAt, w)}. Nothing about this workshop's people can be
          decrypted any more, in this database or in any backup or copy of it.
        </p>
      ) : (
        <>
          <p>
            Everything personal about this workshop's people is encrypted under its own key, which
            will be destroyed on <strong>{when(state.destroysAt, w)}</strong>, {w.retentionDays}{" "}
            days after the workshop ends. From then on nothing of them can be decrypted, not even
            from a backup.
          </p>
          {props.owner ? (
            <p>
              <a class="button danger" href={`/admin/workshops/${w.id}/key`}>
                Destroy the key now…
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
  return (
    <Page
      lang="en"
      title="Destroy the data key"
      area="admin"
      actor={props.c.var.actor}
      path="/admin/workshops"
    >
      <p>
        <a href={`/admin/workshops/${w.id}`}>← The workshop</a>
      </p>
      <h1>Destroy this workshop's data key now</h1>
      <FlashNotice c={props.c} />
      <p>
        Its retention period would destroy it on {when(state.destroysAt, w)}. Destroying it now does
        the same at once, and cannot be undone: the names, addresses, affiliations, answers and
        notes of everyone registered or invited can never be decrypted again, here or from any
        backup; their registrations and invitations stay only as counts; the report deliveries and
        stored emails about them are forgotten; nobody of them can be emailed any more.
      </p>
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
          label={`Type this workshop's slug, ${w.slug}, to go on`}
          error={error}
          required
          dir="ltr"
          autocomplete="off"
        />
        <div>
          <button type="submit" class="danger">
            Go on
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
          <input type="checkbox" name="irreversible" value="yes" required /> I understand that
          nothing about this workshop's people can be recovered afterwards
        </label>
        <div>
          <button type="submit" class="danger">
            Destroy the key
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
  redirectWithNotice(c, `/admin/workshops/${w.id}#data-key`, "The data key is destroyed already.");

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
      return redirectWithNotice(
        c,
        `/admin/workshops/${w.id}`,
        "The data key is destroyed: nothing about this workshop's people can be decrypted any more.",
      );
    },
    again,
    ["invalid"],
  );
});

/** Mounted at /admin/vault: the owners' page for a master key rotation. */
export const vaultAdminPages = new Hono<AppEnv>();

vaultAdminPages.get("/", requires("vault.manage"), async (c) => {
  const status = await c.var.services.vault.status();
  return c.html(
    <Page lang="en" title="Data keys" area="admin" actor={c.var.actor} path="/admin/vault">
      <h1>Data keys</h1>
      <FlashNotice c={c} />
      <p>
        Each workshop has its own data key, and subscribers share one; they are stored only
        encrypted under the master key, <code>DATA_KEY</code>.
      </p>
      <DataTable headers={["Data keys", "How many"]}>
        <tr>
          <td>
            Sealed under the current <code>DATA_KEY</code>
          </td>
          <td>{status.current}</td>
        </tr>
        <tr>
          <td>Still sealed under another master key (a rotation to finish)</td>
          <td>{status.other}</td>
        </tr>
        <tr>
          <td>Destroyed (their workshops' people are erased for good)</td>
          <td>{status.destroyed}</td>
        </tr>
      </DataTable>
      <p>
        <code>DATA_KEY_PREVIOUS</code> is {status.previousSet ? "set" : "not set"}.
        {status.previousSet && status.other === 0
          ? " Nothing is left under it: remove it (step 3)."
          : ""}
      </p>
      {status.unknown > 0 ? (
        <Notice kind="error">
          {status.unknown} key(s) are sealed under a master key that neither DATA_KEY nor
          DATA_KEY_PREVIOUS holds: their people cannot be shown until that key is set as
          DATA_KEY_PREVIOUS.
        </Notice>
      ) : null}
      <h2>Rotating DATA_KEY</h2>
      <ol>
        <li>
          Set <code>DATA_KEY_PREVIOUS</code> to the current key and <code>DATA_KEY</code> to a new
          one (<code>openssl rand -base64 32</code>; <code>wrangler secret put</code> each).
        </li>
        <li>
          Re-wrap the data keys, {ROTATE_STEP} per step, until none is left under another master
          key. The site keeps working meanwhile: a key not yet re-wrapped opens with the previous
          one.
        </li>
        <li>
          Remove <code>DATA_KEY_PREVIOUS</code>.
        </li>
      </ol>
      {status.other - status.unknown > 0 && status.previousSet ? (
        <form method="post" action="/admin/vault/rotate">
          <button type="submit">Re-wrap up to {ROTATE_STEP} keys under DATA_KEY</button>
        </form>
      ) : (
        <Notice kind="ok">Every live key is under the current DATA_KEY: nothing to re-wrap.</Notice>
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
      `Re-wrapped ${step.rewrapped} key(s); ${step.remaining} left under another master key.`,
    );
  }),
);
