// Organisers' erasure pages: a subscriber, from the subscribers' list.
import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { requires } from "../http/guard";
import { onServiceError } from "../lib/errors";
import { eraseSubscriber } from "./service";

/** Mounted at /admin/subscribers, beside the subscribers' own pages. */
export const subscriberErasureAdminPages = new Hono<AppEnv>();

subscriberErasureAdminPages.post("/:id/erase", requires("attendees.read"), async (c) => {
  // An id that is already gone ends where erasing it would: nothing of it is left.
  await onServiceError(
    () => eraseSubscriber(c.var.services.db, c.var.actor, c.req.param("id")),
    () => undefined,
  );
  return c.redirect(
    `/admin/subscribers?${new URLSearchParams({ notice: "Erased; the address stays on the suppression list." })}`,
    303,
  );
});
