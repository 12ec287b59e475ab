// The fake Resend (test/support/fake-outside.mjs) as a real HTTP server on loopback, for
// benchmarks. Bodies are not kept (100,000 emails), only who got what. With
// `rateLimitPerSecond` it refuses calls beyond that many a second (per one-second window
// from the first call in it), with a 429, `retry-after` and `ratelimit-*` headers, as Resend
// does; `control(ns).limit(n)` sets it for one namespace.
import { createServer } from "node:http";
import { createFakeResend } from "../test/support/fake-outside.mjs";

export async function startFakeResend({ rateLimitPerSecond = 0 } = {}) {
  const fake = createFakeResend({ keepBodies: false, rateLimitPerSecond });
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers,
      body: req.method === "GET" ? undefined : body,
    });
    const response = await fake.fetch(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    control: (ns) => ({
      faults: (body) =>
        fetch(`${url}/__control/${ns}/faults`, { method: "POST", body: JSON.stringify(body) }),
      limit: (rateLimitPerSecond) =>
        fetch(`${url}/__control/${ns}/faults`, {
          method: "POST",
          body: JSON.stringify({ rateLimitPerSecond }),
        }),
      summary: async () => (await fetch(`${url}/__control/${ns}/state?summary=1`)).json(),
    }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
