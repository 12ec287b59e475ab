// The second baseline: a bare Hono Worker doing a registration's minimum, one D1 batch that
// writes a registration row and an outbox row, and one queue send. It runs on the app's own
// tables (the bench applies the app's migrations to its database), so the rows it writes
// carry the same indexes as the app's. The app's POST registration and POST verify are
// compared with it: what they cost beyond this is the app's own work.
import { Hono } from "hono";

interface Env {
  DB: D1Database;
  MAIL_QUEUE: Queue<{ kind: "email"; emailId: string }>;
}

const app = new Hono<{ Bindings: Env }>();

app.get("/", (c) => c.text("hello"));

app.post("/workshops/:id/registrations", async (c) => {
  const { name, email } = await c.req.json<{ name: string; email: string }>();
  const registrationId = `reg_${crypto.randomUUID()}`;
  const emailId = `eml_${crypto.randomUUID()}`;
  const now = Date.now();
  await c.env.DB.batch([
    c.env.DB.prepare(
      `INSERT INTO registrations (id, workshop_id, email, name, answers, language, status, source, created_at)
       VALUES (?, ?, ?, ?, '{}', 'en', 'pending_verification', 'public', ?) ON CONFLICT DO NOTHING`,
    ).bind(registrationId, c.req.param("id"), email, name, now),
    c.env.DB.prepare(
      `INSERT INTO emails (id, to_address, subject, html, text, headers, attachments, kind, status, next_attempt_at, created_at)
       VALUES (?, ?, 'Confirm your registration', '', '', '{}', '[]', 'workshop:verify', 'queued', ?, ?)`,
    ).bind(emailId, email, now, now),
  ]);
  await c.env.MAIL_QUEUE.send({ kind: "email", emailId });
  return c.json({ status: "pending_verification" }, 202);
});

export default app;
