// An admin page composed of sections owned by other features: a workshop's page shows the
// registrations, invitations, messages and team; a report's page shows its sending. The page
// knows only this shape and app.tsx hands it the sections, so a feature never imports the
// features built on top of it.
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { SignedInEnv } from "./context";

export interface LoadedSection {
  /** Attendee rows the section shows, counted into the page view's audit row. */
  rows: number;
  view: Child;
}

export interface Section<Subject> {
  load(c: Context<SignedInEnv>, subject: Subject): Promise<LoadedSection>;
}
