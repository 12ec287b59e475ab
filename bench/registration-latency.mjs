// Single-request latency of a public registration in a workshop without verification (the
// seat, the confirmation email with its QR code and calendar file recorded in the outbox):
// N sequential requests, one at a time, against the real bundle in Miniflare. The queue
// consumer is off, so the figure is the request's own cost, not the delivery's.
//   node bench/registration-latency.mjs        (BENCH_REQUESTS=50 by default)
import { APP_BINDINGS, startApp } from "../test/support/local-worker.mjs";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const ADMIN = {
  Authorization: `Bearer ${APP_BINDINGS.ADMIN_TOKEN}`,
  "Content-Type": "application/json",
};

const app = await startApp({ queueConsumer: process.env.BENCH_CONSUMER === "on" });
try {
  const start = new Date(Date.now() + 20 * 86_400_000);
  const workshop = await (
    await fetch(`${app.url}/api/v1/workshops`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({
        title: "Latency probe",
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 4 * 3600_000).toISOString(),
        timezone: "Europe/Istanbul",
        venue: { name: "Hall", city: "Istanbul" },
        capacity: null,
        registrationMode: "open",
        requireVerification: false,
      }),
    })
  ).json();
  await fetch(`${app.url}/api/v1/workshops/${workshop.id}/publish`, {
    method: "POST",
    headers: ADMIN,
  });
  const register = async (i) => {
    const t0 = performance.now();
    const res = await fetch(`${app.url}/api/v1/public/workshops/${workshop.slug}/registrations`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: `Probe ${i}`, email: `probe${i}@bench.example` }),
    });
    const body = await res.json();
    const ms = performance.now() - t0;
    if (res.status !== 201 || body.status !== "confirmed")
      throw new Error(`registration answered ${res.status} ${JSON.stringify(body)}`);
    return ms;
  };
  for (let i = 0; i < 5; i++) await register(`warm${i}`);
  const times = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await register(i));
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  console.log(
    `POST registration (no verification), ${REQUESTS} sequential requests: median ${at(0.5)} ms, p90 ${at(0.9)} ms, min ${times[0].toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms`,
  );
} finally {
  await app.mf.dispose();
}
