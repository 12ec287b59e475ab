// Sign-in and sign-out: by an emailed link (whose page POSTs, so mail scanners cannot spend
// it) or with the admin token.
import { z } from "@hono/zod-openapi";
import { type Context, Hono } from "hono";
import { SIGN_IN_RETRY_AFTER_SECONDS, signInAllowed } from "../http/abuse";
import type { AppEnv } from "../http/context";
import { Field, Notice, parseForm } from "../ui/forms";
import { Page } from "../ui/layout";
import { clearSessionCookie, setSessionCookie } from "./auth";
import {
  redeemSignInLink,
  requestSignInLink,
  signInLinkIsUsable,
  signInWithAdminToken,
  signOut,
} from "./sign-in";

export const sessionPages = new Hono<AppEnv>();

/** Only same-site relative paths, so `next` cannot send people elsewhere after sign-in. */
function safeNext(value: unknown): string {
  return typeof value === "string" && value.startsWith("/admin") && !value.startsWith("//")
    ? value
    : "/admin";
}

function SignInForms({ next, error, sent }: { next: string; error?: string; sent?: boolean }) {
  return (
    <>
      <h1>Sign in</h1>
      {sent ? (
        <Notice kind="ok">
          If an active organiser account uses that address, a sign-in link is on its way. It works
          once, for 15 minutes.
        </Notice>
      ) : null}
      <form method="post" action="/admin/sign-in" class="stack">
        <input type="hidden" name="next" value={next} />
        <Field
          name="email"
          label="Email"
          type="email"
          autocomplete="email"
          required
          error={error}
        />
        <div>
          <button type="submit">Email me a sign-in link</button>
        </div>
      </form>
      <h2>Or use the admin token</h2>
      <p class="muted">
        The owner-level ADMIN_TOKEN from the Worker's secrets (in development, from .dev.vars).
      </p>
      <form method="post" action="/admin/token-sign-in" class="stack">
        <input type="hidden" name="next" value={next} />
        <Field name="token" label="Admin token" type="password" autocomplete="off" required />
        <div>
          <button type="submit" class="secondary">
            Sign in with the token
          </button>
        </div>
      </form>
    </>
  );
}

sessionPages.get("/sign-in", (c) =>
  c.html(
    <Page lang="en" title="Sign in" area="admin">
      <SignInForms next={safeNext(c.req.query("next"))} sent={c.req.query("sent") === "1"} />
    </Page>,
  ),
);

/**
 * 429 for a sign-in attempt over the limit (src/http/abuse.ts). The same page whichever
 * key ran out and whether or not the address has an account.
 */
function tooManyAttempts(c: Context<AppEnv>, next: string) {
  c.header("Retry-After", String(SIGN_IN_RETRY_AFTER_SECONDS));
  return c.html(
    <Page lang="en" title="Too many sign-in attempts" area="admin">
      <Notice kind="error">
        Too many sign-in attempts from your network or for this address. Wait a minute, then try
        again.
      </Notice>
      <SignInForms next={next} />
    </Page>,
    429,
  );
}

sessionPages.post("/sign-in", async (c) => {
  const body = await c.req.parseBody();
  const parsed = parseForm(z.object({ email: z.email("Enter an email address.") }), body);
  const next = safeNext(body.next);
  if (!(await signInAllowed(c, parsed.ok ? parsed.data.email : undefined)))
    return tooManyAttempts(c, next);
  if (!parsed.ok) {
    return c.html(
      <Page lang="en" title="Sign in" area="admin">
        <SignInForms next={next} error={parsed.errors.email} />
      </Page>,
      422,
    );
  }
  // After the answer: looking the address up and writing the email take time only when it
  // has an account, and the answer must not say so by how long it took.
  c.executionCtx.waitUntil(
    requestSignInLink(c.var.services, parsed.data.email).catch((error) =>
      console.error("sign-in link request failed", error),
    ),
  );
  return c.redirect(`/admin/sign-in?sent=1&next=${encodeURIComponent(next)}`, 303);
});

sessionPages.post("/token-sign-in", async (c) => {
  const body = await c.req.parseBody();
  if (!(await signInAllowed(c))) return tooManyAttempts(c, safeNext(body.next));
  const token = await signInWithAdminToken(
    c.var.services.db,
    c.env.ADMIN_TOKEN,
    String(body.token ?? ""),
  );
  if (!token) {
    return c.html(
      <Page lang="en" title="Sign in" area="admin">
        <Notice kind="error">That is not the admin token.</Notice>
        <SignInForms next={safeNext(body.next)} />
      </Page>,
      401,
    );
  }
  setSessionCookie(c, token);
  return c.redirect(safeNext(body.next), 303);
});

// The link in the email opens this page; only its button (a POST) uses the link, so mail
// scanners that open links cannot spend it.
sessionPages.get("/sign-in/:token", async (c) => {
  const usable = await signInLinkIsUsable(c.var.services.db, c.req.param("token"));
  return c.html(
    <Page lang="en" title="Sign in" area="admin">
      <h1>Sign in</h1>
      {usable ? (
        <form method="post" class="stack">
          <p>Continue to the organisers' area.</p>
          <div>
            <button type="submit">Sign in</button>
          </div>
        </form>
      ) : (
        <>
          <Notice kind="error">This sign-in link has expired or was already used.</Notice>
          <p>
            <a href="/admin/sign-in">Ask for a new link</a>
          </p>
        </>
      )}
    </Page>,
    usable ? 200 : 410,
  );
});

sessionPages.post("/sign-in/:token", async (c) => {
  const result = await redeemSignInLink(c.var.services.db, c.req.param("token"));
  if (!result) {
    return c.html(
      <Page lang="en" title="Sign in" area="admin">
        <h1>Sign in</h1>
        <Notice kind="error">This sign-in link has expired or was already used.</Notice>
        <p>
          <a href="/admin/sign-in">Ask for a new link</a>
        </p>
      </Page>,
      410,
    );
  }
  setSessionCookie(c, result.sessionToken);
  return c.redirect("/admin", 303);
});

sessionPages.post("/sign-out", async (c) => {
  const actor = c.var.actor;
  if (actor) await signOut(c.var.services.db, actor);
  clearSessionCookie(c);
  return c.redirect("/admin/sign-in", 303);
});
