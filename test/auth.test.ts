import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiTokens, auditLog, emails, sessions, signInLinks } from "../src/db/schema";
import worker from "../src/index";
import { DAILY } from "../src/jobs/scheduled";
import { sha256Hex } from "../src/lib/tokens";
import type { MailQueueMessage } from "../src/mail/messages";
import { createApiToken } from "../src/organisers/tokens";
import { app } from "./support/app";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  delivered,
  eventually,
  form,
  json,
  ORIGIN,
  organiserWithRole,
  ownerCookie,
  sessionCookieFrom,
  uniqueEmail,
} from "./support/helpers";
import { postWebhook } from "./support/svix";
import { createWorkshop } from "./support/workshops";

/** Asks for a sign-in link through the form and returns the URL the email carries. */
async function requestLink(email: string): Promise<string> {
  const res = await form("/admin/sign-in", { email });
  expect(res.status).toBe(303);
  // Recorded after the answer (so its timing says nothing about the address).
  const recorded = await eventually(() =>
    db().query.emails.findFirst({
      where: and(eq(emails.to, email), eq(emails.kind, "sign-in")),
    }),
  );
  const sent = await delivered(recorded);
  // The link's path, requested on the test origin (APP_URL is a local address in tests).
  const url = sent.text.match(/\/admin\/sign-in\/[A-Za-z0-9_-]+/)?.[0];
  expect(url).toBeDefined();
  return url!;
}

describe("sign-in links", () => {
  it("are emailed, survive a GET, and work exactly once", async () => {
    const organiser = await organiserWithRole("organiser");
    const url = await requestLink(organiser.email);
    const path = new URL(url, ORIGIN).pathname;

    // A mail scanner opening the link sees a page with a button and spends nothing.
    for (let i = 0; i < 3; i++) {
      const page = await call(path);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<form method="post"');
    }
    const token = path.split("/").pop()!;
    const link = await db().query.signInLinks.findFirst({
      where: eq(signInLinks.tokenHash, await sha256Hex(token)),
    });
    expect(link?.usedAt).toBeNull();

    const first = await form(path, {});
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/admin");
    const cookie = sessionCookieFrom(first);
    expect((await call("/admin", { headers: { Cookie: cookie } })).status).toBe(200);

    const second = await form(path, {});
    expect(second.status).toBe(410);
    expect(second.headers.getSetCookie()).toEqual([]);
  });

  it("are stored only as a hash", async () => {
    const organiser = await organiserWithRole("organiser");
    const token = new URL(await requestLink(organiser.email), ORIGIN).pathname.split("/").pop()!;
    const rows = await db()
      .select()
      .from(signInLinks)
      .where(eq(signInLinks.organiserId, organiser.id));
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.tokenHash).toBe(await sha256Hex(token));
  });

  it("expire after 15 minutes", async () => {
    const organiser = await organiserWithRole("organiser");
    const path = new URL(await requestLink(organiser.email), ORIGIN).pathname;
    const link = await db().query.signInLinks.findFirst({
      where: eq(signInLinks.organiserId, organiser.id),
    });
    expect(link!.expiresAt.getTime() - link!.createdAt.getTime()).toBeLessThanOrEqual(
      15 * 60 * 1000 + 1000,
    );
    await db()
      .update(signInLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(signInLinks.id, link!.id));

    expect((await call(path)).status).toBe(410);
    const res = await form(path, {});
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("expired or was already used");
  });

  it("give nothing away about unknown addresses", async () => {
    const res = await form("/admin/sign-in", { email: "nobody@example.org" });
    expect(res.status).toBe(303);
    expect(
      await db().query.emails.findFirst({ where: eq(emails.to, "nobody@example.org") }),
    ).toBeUndefined();
  });

  it("cannot be redeemed twice by simultaneous posts", async () => {
    const organiser = await organiserWithRole("organiser");
    const path = new URL(await requestLink(organiser.email), ORIGIN).pathname;
    const results = await Promise.all(Array.from({ length: 5 }, () => form(path, {})));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(results.filter((r) => r.status === 410)).toHaveLength(4);
  });
});

describe("sessions", () => {
  it("set a HttpOnly, Secure, SameSite=Lax cookie that expires", async () => {
    const res = await form("/admin/token-sign-in", { token: env.ADMIN_TOKEN });
    expect(res.status).toBe(303);
    const setCookie = res.headers.getSetCookie()[0]!;
    expect(setCookie).toMatch(/^__Host-session=/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("Secure");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).toMatch(/Max-Age=\d+/);
  });

  it("refuse a wrong admin token", async () => {
    const res = await form("/admin/token-sign-in", { token: "guess" });
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("stop working when they expire", async () => {
    const cookie = await ownerCookie();
    expect((await call("/admin", { headers: { Cookie: cookie } })).status).toBe(200);
    const hash = await sha256Hex(cookie.split("=")[1]!);
    await db()
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1) })
      .where(eq(sessions.tokenHash, hash));
    const res = await call("/admin", { headers: { Cookie: cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/admin\/sign-in/);
    expect((await call("/api/v1/me", { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it("end on sign-out, server-side", async () => {
    const cookie = await ownerCookie();
    const out = await form("/admin/sign-out", {}, cookie);
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
    // The old cookie is dead even if a browser (or an attacker) kept it.
    expect((await call("/api/v1/me", { headers: { Cookie: cookie } })).status).toBe(401);
  });
});

describe("API tokens", () => {
  it("authenticate until revoked, record last use, and are stored hashed", async () => {
    const created = await json("/api/v1/tokens", "POST", { name: "CRM sync" }, ADMIN);
    expect(created.status).toBe(201);
    const { id, token } = (await created.json()) as { id: string; token: string };
    expect(token).toMatch(/^wk_[A-Za-z0-9_-]{43}$/);

    const row = await db().query.apiTokens.findFirst({ where: eq(apiTokens.id, id) });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row!.lastUsedAt).toBeNull();

    const me = await call("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: "owner", via: "api_token" });
    expect(
      (await db().query.apiTokens.findFirst({ where: eq(apiTokens.id, id) }))!.lastUsedAt,
    ).not.toBeNull();

    const list = (await (await call("/api/v1/tokens", { headers: ADMIN })).json()) as {
      data: { id: string }[];
    };
    expect(JSON.stringify(list)).not.toContain(token);

    expect((await call(`/api/v1/tokens/${id}`, { method: "DELETE", headers: ADMIN })).status).toBe(
      204,
    );
    const after = await call("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    expect(after.headers.get("content-type")).toContain("application/problem+json");
  });

  it("act with their organiser's role, and stop when the organiser is disabled", async () => {
    const door = await organiserWithRole("door");
    const { token } = await createApiToken(
      db(),
      { via: "session", role: "door", organiserId: door.id, name: door.name, email: door.email },
      "scanner",
    );
    const headers = { Authorization: `Bearer ${token}` };
    expect(await (await call("/api/v1/me", { headers })).json()).toMatchObject({ role: "door" });
    expect((await call("/api/v1/organisers", { headers })).status).toBe(403);

    expect(
      (await json(`/api/v1/organisers/${door.id}`, "PATCH", { disabled: true }, ADMIN)).status,
    ).toBe(200);
    expect((await call("/api/v1/me", { headers })).status).toBe(401);
  });

  it("reject a wrong bearer", async () => {
    expect(
      (await call("/api/v1/me", { headers: { Authorization: "Bearer wk_nope" } })).status,
    ).toBe(401);
    expect(
      (await call("/api/v1/me", { headers: { Authorization: "Bearer not-the-admin-token" } }))
        .status,
    ).toBe(401);
    expect((await call("/api/v1/me")).status).toBe(401);
  });
});

describe("roles", () => {
  it("keep door staff out of organiser management, in the API and the pages", async () => {
    const door = await organiserWithRole("door");
    const cookie = await cookieFor(door.id);

    expect((await call("/api/v1/organisers", { headers: { Cookie: cookie } })).status).toBe(403);
    const post = await form(
      "/admin/organisers",
      { email: "new@example.org", name: "New", role: "owner" },
      cookie,
    );
    expect(post.status).toBe(403);
    expect((await call("/admin/organisers", { headers: { Cookie: cookie } })).status).toBe(403);
    expect((await call("/admin/mailbox", { headers: { Cookie: cookie } })).status).toBe(403);
    // What door staff may do still works.
    expect((await call("/admin", { headers: { Cookie: cookie } })).status).toBe(200);
  });

  it("let owners add organisers and change roles, with an audit trail", async () => {
    const cookie = await ownerCookie();
    const add = await form(
      "/admin/organisers",
      { email: "Rana@Example.org", name: "Rana", role: "organiser" },
      cookie,
    );
    expect(add.status).toBe(303);
    const list = (await (await call("/api/v1/organisers", { headers: ADMIN })).json()) as {
      data: { id: string; email: string; role: string }[];
    };
    const rana = list.data.find((o) => o.email === "rana@example.org")!;
    expect(rana.role).toBe("organiser");

    const change = await json(`/api/v1/organisers/${rana.id}`, "PATCH", { role: "door" }, ADMIN);
    expect(await change.json()).toMatchObject({ role: "door" });

    const entries = await db().select().from(auditLog).where(eq(auditLog.targetId, rana.id));
    expect(entries.map((e) => e.action).sort()).toEqual([
      "organiser.create",
      "organiser.role_change",
    ]);
    expect(entries.find((e) => e.action === "organiser.role_change")!.detail).toEqual({
      from: "organiser",
      to: "door",
    });
    expect(JSON.stringify(entries)).not.toContain("rana@example.org");

    const duplicate = await json(
      "/api/v1/organisers",
      "POST",
      { email: "rana@example.org", name: "Again", role: "owner" },
      ADMIN,
    );
    expect(duplicate.status).toBe(409);
  });

  it("records sign-ins and token creation in the audit log", async () => {
    const before = await db().select().from(auditLog);
    await ownerCookie();
    await json("/api/v1/tokens", "POST", { name: "audited" }, ADMIN);
    const after = await db().select().from(auditLog);
    const added = after.filter((a) => !before.some((b) => b.id === a.id)).map((a) => a.action);
    expect(added).toEqual(expect.arrayContaining(["session.sign_in", "api_token.create"]));
  });
});

describe("cross-site requests", () => {
  it("refuse a form post from another origin, even with a valid session", async () => {
    const cookie = await ownerCookie();
    const res = await call("/admin/organisers", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://evil.example",
        "Sec-Fetch-Site": "cross-site",
        Cookie: cookie,
      },
      body: new URLSearchParams({
        email: "mallory@example.org",
        name: "Mallory",
        role: "owner",
      }).toString(),
    });
    expect(res.status).toBe(403);
    const list = (await (await call("/api/v1/organisers", { headers: ADMIN })).json()) as {
      data: { email: string }[];
    };
    expect(list.data.map((o) => o.email)).not.toContain("mallory@example.org");
  });

  it("accept the same post from our own origin", async () => {
    const res = await form(
      "/admin/organisers",
      { email: "ok@example.org", name: "Ok", role: "door" },
      await ownerCookie(),
    );
    expect(res.status).toBe(303);
  });
});

describe("cross-site API requests", () => {
  const SIBLING = "https://events.workshops.test";

  it("refuse a cookie-authenticated change from another origin, even a sibling subdomain", async () => {
    const cookie = await ownerCookie();
    const w = await createWorkshop();
    // A bodiless POST is a "simple" request: no CORS preflight, and SameSite=Lax sends the
    // cookie from a sibling subdomain, which is the same site.
    const attempts: Record<string, string>[] = [
      { Origin: SIBLING, "Sec-Fetch-Site": "same-site" },
      { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
      {}, // no proof of origin at all
    ];
    for (const headers of attempts) {
      const res = await call(`/api/v1/workshops/${w.id}/cancel`, {
        method: "POST",
        headers: { Cookie: cookie, ...headers },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(((await res.json()) as { detail: string }).detail).toContain("Cross-origin");
    }
    const after = (await (await call(`/api/v1/workshops/${w.id}`, { headers: ADMIN })).json()) as {
      status: string;
    };
    expect(after.status).toBe("published");
    expect(
      await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "workshop.cancel"), eq(auditLog.targetId, w.id))),
    ).toEqual([]);

    // Reading stays possible (the browser keeps the answer from another origin anyway).
    expect(
      (
        await call(`/api/v1/workshops/${w.id}`, {
          headers: { Cookie: cookie, Origin: SIBLING, "Sec-Fetch-Site": "same-site" },
        })
      ).status,
    ).toBe(200);
    // From our own pages it works.
    const ours = await call(`/api/v1/workshops/${w.id}/cancel`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" },
    });
    expect(ours.status).toBe(200);
  });

  it("leave bearer tokens, the public API and the webhook alone", async () => {
    const cookie = await ownerCookie();
    const w = await createWorkshop();
    const crossSite = { Origin: "https://centre.example", "Sec-Fetch-Site": "cross-site" };
    // A script with a token, whatever Origin it sends.
    const scripted = await call(`/api/v1/workshops/${w.id}/cancel`, {
      method: "POST",
      headers: { ...ADMIN, ...crossSite },
    });
    expect(scripted.status).toBe(200);

    // A participant's browser that also holds an organiser's cookie, posting from elsewhere.
    const other = await createWorkshop();
    const registered = await json(
      `/api/v1/public/workshops/${other.slug}/registrations`,
      "POST",
      { name: "From Elsewhere", email: uniqueEmail("elsewhere") },
      { Cookie: cookie, ...crossSite },
    );
    expect(registered.status).toBe(202);
    const hook = await postWebhook(
      { type: "email.delivered", created_at: new Date().toISOString(), data: { email_id: "x" } },
      { headers: { Cookie: cookie, ...crossSite } },
    );
    expect(hook.status).toBe(200);
  });
});

describe("sign-in throttling", () => {
  const on = { ...env, THROTTLE: "on" };
  let ip = 0;
  const client = () => `198.51.100.${++ip}`;

  function post(path: string, fields: Record<string, string>, from: string) {
    return app.request(
      `${ORIGIN}${path}`,
      {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Origin: ORIGIN,
          "CF-Connecting-IP": from,
        },
        body: new URLSearchParams(fields).toString(),
      },
      on,
      createExecutionContext(),
    );
  }

  // The limiter counts per fixed 60 s window: 11 attempts put at least 6 in one window.
  const ATTEMPTS = 11;

  it("limits one client asking for links to many addresses", async () => {
    const from = client();
    const statuses: number[] = [];
    for (let i = 0; i < ATTEMPTS; i++)
      statuses.push((await post("/admin/sign-in", { email: uniqueEmail("spray") }, from)).status);
    expect(statuses).toContain(303);
    expect(statuses).toContain(429);
    // Another client is not affected.
    expect((await post("/admin/sign-in", { email: uniqueEmail("x") }, client())).status).toBe(303);
  });

  it("limits one address asked for from many clients, and emails it no more than that", async () => {
    const organiser = await organiserWithRole("organiser");
    const statuses: number[] = [];
    for (let i = 0; i < ATTEMPTS; i++)
      statuses.push((await post("/admin/sign-in", { email: organiser.email }, client())).status);
    expect(statuses).toContain(429);
    const accepted = statuses.filter((s) => s === 303).length;
    expect(accepted).toBeLessThanOrEqual(10);
    await eventually(async () => {
      const sent = await db().query.emails.findMany({
        where: and(eq(emails.to, organiser.email), eq(emails.kind, "sign-in")),
      });
      return sent.length === accepted;
    });
  });

  it("answers 429 with Retry-After and the same page whether the address has an account", async () => {
    const organiser = await organiserWithRole("organiser");
    const unknown = uniqueEmail("nobody");
    const refusal = async (email: string) => {
      for (let i = 0; i < ATTEMPTS; i++) {
        const res = await post("/admin/sign-in", { email }, client());
        if (res.status === 429) return res;
      }
      throw new Error("never throttled");
    };
    const [known, stranger] = [await refusal(organiser.email), await refusal(unknown)];
    for (const res of [known, stranger]) {
      expect(res.headers.get("retry-after")).toBe("60");
      expect(res.headers.get("content-type")).toContain("text/html");
    }
    const [a, b] = [await known.text(), await stranger.text()];
    expect(a).toContain("Too many sign-in attempts");
    expect(a).toBe(b);
  });

  it("limits guesses at the admin token per client", async () => {
    const from = client();
    const statuses: number[] = [];
    for (let i = 0; i < ATTEMPTS; i++)
      statuses.push((await post("/admin/token-sign-in", { token: `guess-${i}` }, from)).status);
    expect(statuses).toContain(401);
    expect(statuses).toContain(429);
    // While refused, even the right token opens nothing from that client.
    const blocked = await post("/admin/token-sign-in", { token: env.ADMIN_TOKEN }, from);
    if (blocked.status === 429) expect(blocked.headers.getSetCookie()).toEqual([]);
    else expect(blocked.status).toBe(303); // the window turned over meanwhile
  });
});

describe("secrets too short to trust", () => {
  const SHORT = "short-secret-do-not-show";

  it("make every request, /healthz included, answer 503 naming the setting but never its value", async () => {
    for (const [name, broken] of [
      ["ADMIN_TOKEN", { ...env, ADMIN_TOKEN: SHORT }],
      ["TOKEN_SECRET", { ...env, TOKEN_SECRET: SHORT }],
      ["TOKEN_SECRET", { ...env, TOKEN_SECRET: "" }],
    ] as const) {
      const request = (path: string, init: RequestInit = {}) =>
        app.request(`${ORIGIN}${path}`, init, broken, createExecutionContext());
      const health = await request("/healthz");
      expect(health.status).toBe(503);
      const body = (await health.json()) as { status: string; detail: string };
      expect(body.status).toBe("misconfigured");
      expect(body.detail).toContain(name);
      expect(body.detail).toContain("32 characters");

      const api = await request("/api/v1/me", { headers: { Authorization: `Bearer ${SHORT}` } });
      expect(api.status).toBe(503);
      expect(api.headers.get("content-type")).toContain("application/problem+json");
      expect(((await api.json()) as { detail: string }).detail).toContain(name);

      const page = await request("/");
      expect(page.status).toBe(503);
      expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
      const html = await page.text();
      expect(html).toContain(name);
      for (const text of [JSON.stringify(body), html]) expect(text).not.toContain(SHORT);
    }
    // 32 characters are enough.
    const enough = { ...env, ADMIN_TOKEN: "a".repeat(32), TOKEN_SECRET: "b".repeat(32) };
    expect((await app.request("/healthz", {}, enough, createExecutionContext())).status).toBe(200);
  });

  it("stop cron and leave queue messages waiting", async () => {
    const broken = { ...env, ADMIN_TOKEN: SHORT };
    const ctx = createExecutionContext();
    await expect(
      worker.scheduled(createScheduledController({ cron: DAILY }), broken, ctx),
    ).rejects.toThrow(/ADMIN_TOKEN is shorter than 32 characters/);
    const batch = createMessageBatch<MailQueueMessage>("workshops-mail", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { kind: "email", emailId: "none" } },
    ]);
    const queueCtx = createExecutionContext();
    await worker.queue(batch, broken, queueCtx);
    const result = await getQueueResult(batch, queueCtx);
    expect(result.retryBatch.retry).toBe(true);
    expect(result.explicitAcks).toEqual([]);
  });
});

describe("rotating ADMIN_TOKEN", () => {
  const ROTATED = "rotated-admin-token-0123456789abcdefghij";

  it("ends the sessions and API tokens made with the old one, and no organiser's", async () => {
    const signedIn = await form("/admin/token-sign-in", { token: env.ADMIN_TOKEN });
    const ownerSession = sessionCookieFrom(signedIn);
    const made = (await (await json("/api/v1/tokens", "POST", { name: "old" }, ADMIN)).json()) as {
      id: string;
      token: string;
    };
    const organiser = await organiserWithRole("organiser");
    const organiserSession = await cookieFor(organiser.id);
    const { token: organiserToken } = await createApiToken(
      db(),
      { via: "session", role: "organiser", organiserId: organiser.id, name: "O", email: null },
      "theirs",
    );
    // What is stored is neither the admin token nor reversible to it.
    const row = await db().query.apiTokens.findFirst({ where: eq(apiTokens.id, made.id) });
    expect(row!.adminTokenFingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(row)).not.toContain(env.ADMIN_TOKEN);
    const session = await db().query.sessions.findFirst({
      where: eq(sessions.tokenHash, await sha256Hex(ownerSession.split("=")[1]!)),
    });
    expect(session!.adminTokenFingerprint).toBe(row!.adminTokenFingerprint);

    const me = (headers: Record<string, string>, environment = env) =>
      app.request(`${ORIGIN}/api/v1/me`, { headers }, environment, createExecutionContext());
    const rotated = { ...env, ADMIN_TOKEN: ROTATED };
    for (const environment of [env, rotated]) {
      const stillValid = environment === env;
      expect((await me({ Cookie: ownerSession }, environment)).status).toBe(stillValid ? 200 : 401);
      expect((await me({ Authorization: `Bearer ${made.token}` }, environment)).status).toBe(
        stillValid ? 200 : 401,
      );
      expect((await me(ADMIN, environment)).status).toBe(stillValid ? 200 : 401);
      expect((await me({ Cookie: organiserSession }, environment)).status).toBe(200);
      expect((await me({ Authorization: `Bearer ${organiserToken}` }, environment)).status).toBe(
        200,
      );
    }
    expect((await me({ Authorization: `Bearer ${ROTATED}` }, rotated)).status).toBe(200);
  });
});
