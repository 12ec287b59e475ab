// Organisers' message form: a workshop's page offers it; the post queues one email per
// participant of the chosen statuses.
import { Hono } from "hono";
import { adminLang } from "../http/admin-lang";
import type { AppEnv } from "../http/context";
import { redirectWithNotice } from "../http/flash";
import { requires } from "../http/guard";
import type { Section } from "../http/sections";
import { type AdminWords, adminDictionary, fill, formatNumber } from "../i18n";
import { Field, parseForm } from "../ui/forms";
import type { Workshop } from "../workshops/types";
import { messageParticipants } from "./messages";
import { MessageSchema } from "./schemas";

/** Mounted at /admin/workshops/:id/messages. */
export const messageAdminPages = new Hono<AppEnv>();

/** The message section of a workshop's admin page. */
/** The message form of a workshop's admin page, as the page composes it. */
export const messageSection: Section<Workshop> = {
  // Nobody of an erased workshop can be reached: no form to write to them.
  load: async (c, workshop) => ({
    rows: 0,
    view: workshop.purgedAt ? null : (
      <MessageSection a={adminDictionary(adminLang(c))} workshopId={workshop.id} />
    ),
  }),
};

export function MessageSection({ a, workshopId }: { a: AdminWords; workshopId: string }) {
  const base = `/admin/workshops/${workshopId}`;
  const t = a.messages;
  return (
    <>
      <h2 id="message">{t.heading}</h2>
      <form method="post" action={`${base}/messages`} class="stack">
        <Field name="subject" label={t.subject} required dir="auto" />
        <div>
          <label for="f-body">{t.message}</label>
          <textarea id="f-body" name="body" rows={6} required dir="auto" />
        </div>
        <fieldset>
          <legend>{t.sendTo}</legend>
          {(["confirmed", "waitlisted", "pending_approval", "attended"] as const).map((s) => (
            <label class="check">
              <input type="checkbox" name="statuses" value={s} checked={s === "confirmed"} />{" "}
              {a.statuses.registration[s]}
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit">{t.send}</button>
        </div>
      </form>
    </>
  );
}

messageAdminPages.post("/", requires("workshops.manage", { workshop: "id" }), async (c) => {
  const id = c.req.param("id") ?? "";
  const body = await c.req.parseBody({ all: true });
  // No box ticked is an empty list, not the API's default of "confirmed".
  const parsed = parseForm(MessageSchema, {
    subject: body.subject,
    body: body.body,
    statuses: ([] as unknown[]).concat(body.statuses ?? []),
  });
  if (!parsed.ok)
    return redirectWithNotice(
      c,
      `/admin/workshops/${id}#message`,
      adminDictionary(adminLang(c)).messages.invalid,
      "error",
    );
  const n = await messageParticipants(c.var.services, c.var.actor, id, parsed.data);
  return redirectWithNotice(
    c,
    `/admin/workshops/${id}`,
    n === 1
      ? adminDictionary(adminLang(c)).messages.queuedOne
      : fill(adminDictionary(adminLang(c)).messages.queued, {
          n: formatNumber(n, adminLang(c)),
        }),
  );
});
