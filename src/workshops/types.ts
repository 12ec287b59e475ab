// The workshop row as every feature sees it. Its own module, so features that only need the
// type (notices, registrations) do not import the workshops service.
import type { workshops } from "../db/schema";

export type Workshop = typeof workshops.$inferSelect;
