// Admin pages: organiser accounts (owners only) and API tokens.
import { z } from "@hono/zod-openapi";
import { type Context, Hono } from "hono";
import { can, ROLES } from "../access/roles";
import type { AppEnv, SignedInEnv } from "../http/context";
import { requires } from "../http/guard";
import { onServiceError } from "../lib/errors";
import { Field, Notice, parseForm, SelectField, textFields } from "../ui/forms";
import { Page } from "../ui/layout";
import { DataTable } from "../ui/table";
import { createOrganiser, listOrganisers, updateOrganiser } from "./service";
import { createApiToken, listApiTokens, revokeApiToken } from "./tokens";

export const organiserPages = new Hono<AppEnv>();
export const tokenPages = new Hono<AppEnv>();

const NewOrganiser = z.object({
  email: z.email("Enter an email address."),
  name: z.string().trim().min(1, "Enter a name.").max(200),
  role: z.enum(ROLES, "Pick a role."),
});

async function organisersPage(
  c: Context<SignedInEnv>,
  state: { errors?: Record<string, string>; values?: Record<string, string>; notice?: string } = {},
  status: 200 | 409 | 422 = 200,
) {
  const rows = await listOrganisers(c.var.services.db);
  const roleOptions = ROLES.map((r) => ({ value: r, label: r }));
  return c.html(
    <Page lang="en" title="Organisers" area="admin" actor={c.var.actor} path="/admin/organisers">
      <h1>Organisers</h1>
      {state.notice ? <Notice kind="error">{state.notice}</Notice> : null}
      <DataTable headers={["Name", "Email", "Role", "Status", "Change"]}>
        {rows.map((o) => (
          <tr>
            <td>
              <bdi>{o.name}</bdi>
            </td>
            <td class="mono">{o.email}</td>
            <td>{o.role}</td>
            <td>
              {o.disabledAt ? (
                <span class="badge danger">disabled</span>
              ) : (
                <span class="badge ok">active</span>
              )}
            </td>
            <td>
              <form method="post" action={`/admin/organisers/${o.id}`} class="row">
                <label class="hint" for={`role-${o.id}`}>
                  Role
                </label>
                <select id={`role-${o.id}`} name="role">
                  {ROLES.map((r) => (
                    <option value={r} selected={r === o.role}>
                      {r}
                    </option>
                  ))}
                </select>
                <button type="submit" class="secondary">
                  Save
                </button>
                <button
                  type="submit"
                  name="disabled"
                  value={o.disabledAt ? "false" : "true"}
                  class="secondary"
                >
                  {o.disabledAt ? "Enable" : "Disable"}
                </button>
              </form>
            </td>
          </tr>
        ))}
      </DataTable>
      <h2>Add an organiser</h2>
      <form method="post" action="/admin/organisers" class="stack">
        <Field
          name="name"
          label="Name"
          required
          value={state.values?.name}
          error={state.errors?.name}
          dir="auto"
        />
        <Field
          name="email"
          label="Email"
          type="email"
          required
          value={state.values?.email}
          error={state.errors?.email}
        />
        <SelectField
          name="role"
          label="Role"
          options={roleOptions}
          value={state.values?.role ?? "organiser"}
          error={state.errors?.role}
        />
        <p class="hint">
          Owners manage organisers and tokens. Organisers run workshops. Door staff only check
          people in.
        </p>
        <div>
          <button type="submit">Add organiser</button>
        </div>
      </form>
    </Page>,
    status,
  );
}

organiserPages.get("/", requires("organisers.manage"), (c) => organisersPage(c));

organiserPages.post("/", requires("organisers.manage"), async (c) => {
  const body = textFields(await c.req.parseBody());
  const parsed = parseForm(NewOrganiser, body);
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
  if (!parsed.ok) return organisersPage(c, { notice: "That change is not valid." }, 422);
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
  return c.html(
    <Page lang="en" title="API tokens" area="admin" actor={actor} path="/admin/tokens">
      <h1>API tokens</h1>
      {created ? (
        <Notice kind="ok">
          <p>
            Token “<bdi>{created.name}</bdi>” created. Copy it now: it will not be shown again.
          </p>
          <p>
            <code>{created.token}</code>
          </p>
        </Notice>
      ) : null}
      <p class="muted">
        Send a token as <code>Authorization: Bearer …</code>. It acts with its owner's role.
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              {all ? <th scope="col">Owner</th> : null}
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="hint">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr>
                <td>
                  <bdi>{t.name}</bdi>
                </td>
                <td class="mono">{t.hint}…</td>
                {all ? <td class="mono">{t.organiser?.email ?? "admin token"}</td> : null}
                <td>{t.lastUsedAt ? t.lastUsedAt.toISOString() : "never"}</td>
                <td>
                  {t.revokedAt ? (
                    <span class="badge danger">revoked</span>
                  ) : (
                    <span class="badge ok">active</span>
                  )}
                </td>
                <td>
                  {t.revokedAt ? null : (
                    <form method="post" action={`/admin/tokens/${t.id}/revoke`}>
                      <button type="submit" class="danger">
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Create a token</h2>
      <form method="post" action="/admin/tokens" class="stack">
        <Field
          name="name"
          label="Name"
          hint="What the token is for, e.g. “CRM sync”."
          required
          error={error}
          dir="auto"
        />
        <div>
          <button type="submit">Create token</button>
        </div>
      </form>
    </Page>,
    error ? 422 : 200,
  );
}

tokenPages.get("/", requires("tokens.own"), (c) => tokensPage(c));

tokenPages.post("/", requires("tokens.own"), async (c) => {
  const parsed = parseForm(
    z.object({ name: z.string().trim().min(1, "Give the token a name.").max(100) }),
    await c.req.parseBody(),
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
