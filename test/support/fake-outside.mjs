// A fake Resend API, for tests (as an auxiliary worker that receives the app's outbound
// fetches) and for benchmarks (wrapped in a Node HTTP server by bench/fake-resend-server.mjs).
// Web-standard Request/Response only, so it runs in workerd and in Node alike.
//
// It behaves like Resend where our code depends on it: POST /emails and /emails/batch
// (≤ 100), Idempotency-Key (same key + same body → the first answer again, without sending;
// same key + other body → 409), a 422 for a recipient that is not an address, and faults
// injected on demand:
//   { status: 429, retryAfter: 2 }   refuse, with retry-after and ratelimit-* headers
//   { status: 500 }                  refuse with a server error
//   { sendThenStatus: 500 }          send, then answer an error (the answer is "lost")
//   { delayMs: 2000 }                send, then answer late (past the client's timeout)
// either queued in order (`faults`) or drawn at random per call (`randomFaults`), and a
// per-second rate limit (`rateLimitPerSecond`) like a provider's.
//
// State is kept per namespace, the first path segment of the base URL
// (`http://fake-resend.test/<ns>/emails`), so test files running at once do not collide.
// Host links.test stands for the web a report links to (see its routes in `fetch`).
// Control: POST /__control/<ns>/faults {faults?, randomFaults?, rateLimitPerSecond?}
// · GET /__control/<ns>/state[?summary=1] · POST /__control/<ns>/reset.
// `createFakeResend({ rateLimitPerSecond })` gives every namespace that limit from the start.

function newNamespace(rateLimitPerSecond = 0) {
  return {
    faults: [],
    randomFaults: null,
    injected: [],
    rateLimitPerSecond,
    windowStart: 0,
    windowCount: 0,
    calls: [],
    delivered: [],
    idempotency: new Map(),
    nextId: 1,
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function json(body, status = 200, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export function createFakeResend(options = {}) {
  const keepBodies = options.keepBodies ?? true;
  const namespaces = new Map();
  const ns = (name) => {
    if (!namespaces.has(name)) namespaces.set(name, newNamespace(options.rateLimitPerSecond));
    return namespaces.get(name);
  };

  function deliver(state, emails, key) {
    const ids = [];
    for (const email of emails) {
      const id = `fake_${state.nextId++}`;
      const recipients = Array.isArray(email.to) ? email.to : [email.to];
      for (const to of recipients) {
        state.delivered.push(
          keepBodies
            ? {
                id,
                to,
                subject: email.subject,
                idempotencyKey: key,
                html: email.html,
                text: email.text,
                headers: email.headers ?? {},
                attachments: (email.attachments ?? []).map((a) => a.filename),
                // As Resend's webhook events carry them: `data.tags`, an object.
                tags: Object.fromEntries((email.tags ?? []).map((t) => [t.name, t.value])),
              }
            : { id, to },
        );
      }
      ids.push({ id });
    }
    return ids;
  }

  function drawFault(state) {
    const queued = state.faults.shift();
    if (queued) return queued;
    if (state.randomFaults && Math.random() < state.randomFaults.probability) {
      const kinds = state.randomFaults.faults;
      const fault = kinds[Math.floor(Math.random() * kinds.length)];
      state.injected.push(fault);
      return fault;
    }
    return undefined;
  }

  async function api(state, path, request) {
    if (!(request.headers.get("authorization") ?? "").startsWith("Bearer ")) {
      return json({ name: "missing_api_key", message: "Missing API key", statusCode: 401 }, 401);
    }
    const raw = await request.text();
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return json({ name: "validation_error", message: "Invalid JSON", statusCode: 422 }, 422);
    }
    const batch = path === "/emails/batch";
    const emails = batch ? body : [body];
    const key = request.headers.get("idempotency-key");
    const recipients = emails.flatMap((e) => (Array.isArray(e.to) ? e.to : [e.to]));
    const call = {
      path,
      idempotencyKey: key,
      recipients: keepBodies ? recipients : recipients.length,
      status: 0,
      replay: false,
      at: Date.now(),
    };
    state.calls.push(call);

    if (batch && (!Array.isArray(body) || body.length === 0 || body.length > 100)) {
      call.status = 422;
      return json(
        { name: "validation_error", message: "A batch holds 1 to 100 emails", statusCode: 422 },
        422,
      );
    }

    // Like Resend, a tag name or value outside ASCII letters, digits, `_` and `-` refuses it.
    const badTag = emails
      .flatMap((e) => e.tags ?? [])
      .find(
        (t) =>
          !/^[A-Za-z0-9_-]{1,256}$/.test(`${t.name}`) ||
          !/^[A-Za-z0-9_-]{1,256}$/.test(`${t.value}`),
      );
    if (badTag !== undefined) {
      call.status = 422;
      return json({ name: "validation_error", message: "Invalid tag", statusCode: 422 }, 422);
    }

    // Like Resend, an address that is not one refuses the whole call (a batch included).
    const notAnAddress = recipients.find(
      (to) => !/^[^\s@<>]+@[^\s@<>]+$/.test(String(to).replace(/^.*<([^>]*)>$/, "$1")),
    );
    if (notAnAddress !== undefined) {
      call.status = 422;
      return json(
        {
          name: "validation_error",
          message:
            "Invalid `to` field. The email address needs to follow the `email@example.com` format.",
          statusCode: 422,
        },
        422,
      );
    }

    if (state.rateLimitPerSecond > 0) {
      const now = Date.now();
      if (now - state.windowStart >= 1000) {
        state.windowStart = now;
        state.windowCount = 0;
      }
      if (state.windowCount >= state.rateLimitPerSecond) {
        call.status = 429;
        const wait = Math.max(1, Math.ceil((state.windowStart + 1000 - now) / 1000));
        return json(
          { name: "rate_limit_exceeded", message: "Too many requests", statusCode: 429 },
          429,
          {
            "retry-after": String(wait),
            "ratelimit-limit": String(state.rateLimitPerSecond),
            "ratelimit-remaining": "0",
            "ratelimit-reset": String(wait),
          },
        );
      }
      state.windowCount++;
    }

    const fault = drawFault(state);
    if (fault?.status) {
      call.status = fault.status;
      const headers =
        fault.retryAfter !== undefined
          ? { "retry-after": String(fault.retryAfter), "ratelimit-remaining": "0" }
          : {};
      const name =
        fault.status === 429
          ? "rate_limit_exceeded"
          : fault.status >= 500
            ? "internal_server_error"
            : "validation_error";
      return json(
        { name, message: `injected ${fault.status}`, statusCode: fault.status },
        fault.status,
        headers,
      );
    }

    if (key) {
      const previous = state.idempotency.get(key);
      if (previous) {
        if (previous.body !== raw) {
          call.status = 409;
          return json(
            {
              name: "invalid_idempotent_request",
              message: "Same key, different payload",
              statusCode: 409,
            },
            409,
          );
        }
        call.status = 200;
        call.replay = true;
        return json(previous.response, 200);
      }
    }

    const ids = deliver(state, emails, key);
    const response = batch ? { data: ids } : ids[0];
    if (key) state.idempotency.set(key, { body: raw, response });

    if (fault?.sendThenStatus) {
      call.status = fault.sendThenStatus;
      return json(
        { name: "internal_server_error", message: "answer lost", statusCode: fault.sendThenStatus },
        fault.sendThenStatus,
      );
    }
    if (fault?.delayMs) await sleep(fault.delayMs);
    call.status = 200;
    return json(response, 200);
  }

  function summary(state) {
    const perRecipient = new Map();
    for (const d of state.delivered) perRecipient.set(d.to, (perRecipient.get(d.to) ?? 0) + 1);
    return {
      calls: state.calls.length,
      acceptedCalls: state.calls.filter((c) => c.status === 200 && !c.replay).length,
      rateLimited: state.calls.filter((c) => c.status === 429).length,
      firstCallAt: state.calls[0]?.at ?? null,
      // Where a paced send lost time: the widest gaps between successive calls, in ms.
      largestGapsMs: state.calls
        .slice(1)
        .map((c, i) => c.at - state.calls[i].at)
        .sort((a, b) => b - a)
        .slice(0, 10),
      lastCallAt: state.calls.at(-1)?.at ?? null,
      replays: state.calls.filter((c) => c.replay).length,
      delivered: state.delivered.length,
      recipients: perRecipient.size,
      duplicates: [...perRecipient.values()].filter((n) => n > 1).length,
      injected: state.injected.length,
      addresses: [...perRecipient.keys()],
    };
  }

  async function fetch(request) {
    const url = new URL(request.url);
    // Links in reports' bodies, for the pre-send link check: /ok answers, /missing is a
    // 404, /slow never answers in time, /no-head refuses HEAD but answers GET.
    if (url.hostname === "links.test") {
      if (url.pathname === "/slow") await sleep(30_000);
      if (url.pathname === "/no-head" && request.method === "HEAD")
        return new Response(null, { status: 405 });
      const ok = url.pathname === "/ok" || url.pathname === "/no-head";
      return new Response(ok ? "ok" : "not here", { status: ok ? 200 : 404 });
    }
    const parts = url.pathname.split("/").filter(Boolean);
    if (parts[0] === "__control" && parts[1]) {
      const state = ns(parts[1]);
      if (parts[2] === "faults" && request.method === "POST") {
        const body = await request.json();
        state.faults.push(...(body.faults ?? []));
        if (body.rateLimitPerSecond !== undefined)
          state.rateLimitPerSecond = body.rateLimitPerSecond;
        if (body.randomFaults !== undefined) state.randomFaults = body.randomFaults;
        return json({ ok: true });
      }
      if (parts[2] === "reset") {
        namespaces.delete(parts[1]);
        return json({ ok: true });
      }
      if (parts[2] === "state") {
        if (url.searchParams.get("summary") === "1") return json(summary(state));
        return json({
          calls: state.calls,
          delivered: state.delivered,
          pendingFaults: state.faults.length,
        });
      }
    }
    if (request.method === "POST" && parts.length >= 2) {
      const path = `/${parts.slice(1).join("/")}`;
      if (path === "/emails" || path === "/emails/batch") return api(ns(parts[0]), path, request);
    }
    return json(
      {
        name: "not_found",
        message: `fake resend: no route ${request.method} ${url.pathname}`,
        statusCode: 404,
      },
      404,
    );
  }

  return { fetch };
}

const instance = createFakeResend();

/** As an auxiliary worker: every outbound fetch of the app under test lands here. */
export default {
  fetch: (request) => instance.fetch(request),
};
