// Organisers' message form: a workshop's page offers it; the post queues one email per
// participant of the chosen statuses.
import { Hono } from "hono";
import { REGISTRATION_STATUSES } from "../db/schema";
import type { AppEnv } from "../http/context";
import { requires } from "../organisers/auth";
import { redirectWithNotice } from "../ui/flash";
import { Field } from "../ui/forms";
import { messageParticipants, type RegistrationStatus } from "./messages";

/** Mounted at /admin/workshops/:id/messages. */
export const messageAdminPages = new Hono<AppEnv>();

/** The message section of a workshop's admin page. */
export function MessageSection({ workshopId }: { workshopId: string }) {
  const base = `/admin/workshops/${workshopId}`;
  return (
    <>
      <h2 id="message">Message participants</h2>
      <form method="post" action={`${base}/messages`} class="stack">
        <Field name="subject" label="Subject" required dir="auto" />
        <div>
          <label for="f-body">Message</label>
          <textarea id="f-body" name="body" rows={6} required dir="auto" />
        </div>
        <fieldset>
          <legend>Send to</legend>
          {(["confirmed", "waitlisted", "pending_approval", "attended"] as const).map((s) => (
            <label class="check">
              <input type="checkbox" name="statuses" value={s} checked={s === "confirmed"} />{" "}
              {s.replace("_", " ")}
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit">Send message</button>
        </div>
      </form>
    </>
  );
}

messageAdminPages.post("/", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const id = c.req.param("id") ?? "";
  const body = await c.req.parseBody({ all: true });
  const statuses = ([] as unknown[])
    .concat(body.statuses ?? [])
    .filter((s): s is RegistrationStatus =>
      REGISTRATION_STATUSES.includes(s as RegistrationStatus),
    );
  const subject = String(body.subject ?? "").trim();
  const text = String(body.body ?? "").trim();
  if (!subject || !text || statuses.length === 0)
    return redirectWithNotice(
      c,
      `/admin/workshops/${id}#message`,
      "Write a subject and a message, and pick who receives it.",
      "error",
    );
  const n = await messageParticipants(c.var.services, c.var.actor, id, {
    subject,
    body: text,
    statuses,
  });
  return redirectWithNotice(
    c,
    `/admin/workshops/${id}`,
    `Message queued for ${n} ${n === 1 ? "person" : "people"}.`,
  );
});
