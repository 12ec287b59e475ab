// Admin pages: organiser accounts (owners only) and API tokens.
import { z } from "@hono/zod-openapi";
import { type Context, Hono } from "hono";
import { can, ROLES } from "../access/roles";
import { adminLang, adminPage } from "../http/admin-lang";
import type { AppContext, AppEnv, SignedInEnv } from "../http/context";
import { requires } from "../http/guard";
import { type AdminWords, adminDictionary, LANGUAGES, languageNameIn } from "../i18n";
import { onServiceError } from "../lib/errors";
import { Field, Notice, parseForm, SelectField, textFields } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { Fill } from "../ui/words";
import { createOrganiser, listOrganisers, updateOrganiser } from "./service";
import { createApiToken, listApiTokens, revokeApiToken } from "./tokens";

export const organiserPages = new Hono<AppEnv>();
export const tokenPages = new Hono<AppEnv>();

const words = (c: AppContext) => adminDictionary(adminLang(c));

const newOrganiser = (a: AdminWords) =>
  z.object({
    email: z.email(a.organisers.enterEmail),
    name: z.string().trim().min(1, a.organisers.enterName).max(200),
    role: z.enum(ROLES, a.organisers.pickRole),
  });

async function organisersPage(
  c: Context<SignedInEnv>,
  state: { errors?: Record<string, string>; values?: Record<string, string>; notice?: string } = {},
  status: 200 | 409 | 422 = 200,
) {
  const rows = await listOrganisers(c.var.services.db);
  const view = adminPage(c);
  const a = adminDictionary(view.lang);
  const t = a.organisers;
  const roleOptions = ROLES.map((r) => ({ value: r, label: a.roles[r] }));
  return c.html(
    <Page {...view} title={t.title} path="/admin/organisers">
      <h1>{t.title}</h1>
      {state.notice ? <Notice kind="error">{state.notice}</Notice> : null}
      <DataTable
        headers={[
          a.common.name,
          a.common.email,
          a.common.role,
          a.common.language,
          a.common.status,
          t.change,
        ]}
      >
        {rows.map((o) => (
          <tr>
            <td>
              <bdi>{o.name}</bdi>
            </td>
            <td class="mono" dir="ltr">
              {o.email}
            </td>
            <td>{a.roles[o.role]}</td>
            <td>{languageNameIn(o.language, view.lang)}</td>
            <td>
              {o.disabledAt ? (
                <span class="badge danger">{t.disabled}</span>
              ) : (
                <span class="badge ok">{t.active}</span>
              )}
            </td>
            <td>
              <form method="post" action={`/admin/organisers/${o.id}`} class="row">
                <label class="hint" for={`role-${o.id}`}>
                  {a.common.role}
                </label>
                <select id={`role-${o.id}`} name="role">
                  {ROLES.map((r) => (
                    <option value={r} selected={r === o.role}>
                      {a.roles[r]}
                    </option>
                  ))}
                </select>
                <button type="submit" class="secondary">
                  {a.common.save}
                </button>
                <button
                  type="submit"
                  name="disabled"
                  value={o.disabledAt ? "false" : "true"}
                  class="secondary"
                >
                  {o.disabledAt ? t.enable : t.disable}
                </button>
              </form>
            </td>
          </tr>
        ))}
      </DataTable>
      <h2>{t.addHeading}</h2>
      <form method="post" action="/admin/organisers" class="stack">
        <Field
          name="name"
          label={a.common.name}
          required
          value={state.values?.name}
          error={state.errors?.name}
          dir="auto"
        />
        <Field
          name="email"
          label={a.common.email}
          type="email"
          required
          value={state.values?.email}
          error={state.errors?.email}
          dir="ltr"
        />
        <SelectField
          name="role"
          label={a.common.role}
          options={roleOptions}
          value={state.values?.role ?? "organiser"}
          error={state.errors?.role}
        />
        <p class="hint">{t.rolesHint}</p>
        <div>
          <button type="submit">{t.add}</button>
        </div>
      </form>
    </Page>,
    status,
  );
}

organiserPages.get("/", requires("organisers.manage"), (c) => organisersPage(c));

organiserPages.post("/", requires("organisers.manage"), async (c) => {
  const body = textFields(await c.req.parseBody());
  const parsed = parseForm(newOrganiser(words(c)), body, adminLang(c));
  if (!parsed.ok) return organisersPage(c, { errors: parsed.errors, values: body }, 422);
  return onServiceError(
    async () => {
      await createOrganiser(c.var.services.db, c.var.actor, parsed.data);
      return c.redirect("/admin/organisers", 303);
    },
    (error) => organisersPage(c, { errors: { email: error.message }, values: body }, 409),
  );
});

organiserPages.post("/:id", requires("organisers.manage"), async (c) => {
  const body = textFields(await c.req.parseBody());
  const parsed = parseForm(
    z.object({ role: z.enum(ROLES).optional(), disabled: z.enum(["true", "false"]).optional() }),
    body,
  );
  if (!parsed.ok) return organisersPage(c, { notice: words(c).organisers.changeInvalid }, 422);
  return onServiceError(
    async () => {
      await updateOrganiser(c.var.services.db, c.var.actor, c.req.param("id"), {
        role: parsed.data.disabled ? undefined : parsed.data.role,
        disabled: parsed.data.disabled === undefined ? undefined : parsed.data.disabled === "true",
      });
      return c.redirect("/admin/organisers", 303);
    },
    (error) => organisersPage(c, { notice: error.message }, 409),
  );
});

async function tokensPage(
  c: Context<SignedInEnv>,
  created?: { name: string; token: string },
  error?: string,
) {
  const actor = c.var.actor;
  const all = can(actor.role, "tokens.all");
  const rows = await listApiTokens(c.var.services.db, actor, all);
  const view = adminPage(c);
  const { lang } = view;
  const a = adminDictionary(lang);
  const t = a.organisers;
  return c.html(
    <Page {...view} title={t.tokensTitle} path="/admin/tokens">
      <h1>{t.tokensTitle}</h1>
      {created ? (
        <Notice kind="ok">
          <p>
            <Fill text={t.tokenCreated} values={{ name: <bdi>{created.name}</bdi> }} />
          </p>
          <p>
            <code dir="ltr">{created.token}</code>
          </p>
        </Notice>
      ) : null}
      <p class="muted">
        <Fill
          text={t.tokenHint}
          values={{ header: <code dir="ltr">Authorization: Bearer …</code> }}
        />
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{a.common.name}</th>
              <th scope="col">{t.startsWith}</th>
              {all ? <th scope="col">{t.owner}</th> : null}
              <th scope="col">{t.lastUsed}</th>
              <th scope="col">{a.common.status}</th>
              <th scope="col">
                <span class="hint">{t.action}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <td>
                  <bdi>{row.name}</bdi>
                </td>
                <td class="mono" dir="ltr">
                  {row.hint}…
                </td>
                {all ? (
                  <td class="mono" dir="ltr">
                    {row.organiser?.email ?? t.adminToken}
                  </td>
                ) : null}
                <td>{row.lastUsedAt ? <bdi>{row.lastUsedAt.toISOString()}</bdi> : t.never}</td>
                <td>
                  {row.revokedAt ? (
                    <span class="badge danger">{t.revoked}</span>
                  ) : (
                    <span class="badge ok">{t.active}</span>
                  )}
                </td>
                <td>
                  {row.revokedAt ? null : (
                    <form method="post" action={`/admin/tokens/${row.id}/revoke`}>
                      <button type="submit" class="danger">
                        {t.revoke}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t.createHeading}</h2>
      <form method="post" action="/admin/tokens" class="stack">
        <Field
          name="name"
          label={a.common.name}
          hint={t.tokenNameHint}
          required
          error={error}
          dir="auto"
        />
        <div>
          <button type="submit">{t.create}</button>
        </div>
      </form>
      <h2 id="language">{t.yourLanguage}</h2>
      <form method="post" action="/admin/language" class="stack">
        <input type="hidden" name="back" value="/admin/tokens#language" />
        <p class="hint">{t.yourLanguageHint}</p>
        <SelectField
          name="lang"
          label={t.yourLanguage}
          value={lang}
          options={LANGUAGES.map((l) => ({ value: l.code, label: l.name }))}
        />
        <div>
          <button type="submit" class="secondary">
            {t.saveLanguage}
          </button>
        </div>
      </form>
    </Page>,
    error ? 422 : 200,
  );
}

tokenPages.get("/", requires("tokens.own"), (c) => tokensPage(c));

tokenPages.post("/", requires("tokens.own"), async (c) => {
  const parsed = parseForm(
    z.object({ name: z.string().trim().min(1, words(c).organisers.nameToken).max(100) }),
    await c.req.parseBody(),
    adminLang(c),
  );
  if (!parsed.ok) return tokensPage(c, undefined, parsed.errors.name);
  const created = await createApiToken(c.var.services.db, c.var.actor, parsed.data.name);
  // Shown in this response only: no redirect, so the secret never sits in a URL or history.
  return tokensPage(c, created);
});

tokenPages.post("/:id/revoke", requires("tokens.own"), async (c) => {
  const actor = c.var.actor;
  await revokeApiToken(c.var.services.db, actor, c.req.param("id"), can(actor.role, "tokens.all"));
  return c.redirect("/admin/tokens", 303);
});
