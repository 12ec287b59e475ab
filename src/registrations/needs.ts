// What a person needs to take part: accessibility needs and dietary requirements. Built-in,
// optional fields of every registration (the public form and API, an organiser adding a
// person), sealed with the rest of the person (sealed.ts). Health and religion can be read
// from them, so they reach the workshop's organisers only: on the registration's row in the
// admin page, in the API's registration JSON (organisers only), and in the CSV export only
// when asked for (`?needs=true`, audited as its own action). Never on a participant list,
// the door, a printout or any public page.
import { z } from "@hono/zod-openapi";
import { cleanText } from "../lib/text";

/** Room for a sentence or two; the organiser follows up by email for more. */
export const NEEDS_MAX = 500;

export const NEEDS = ["accessibility", "dietary"] as const;
export type Need = (typeof NEEDS)[number];

const needField = z.string().trim().max(NEEDS_MAX).optional();

/** The needs fields of a registration's input schema. */
export const needsFields = { accessibility: needField, dietary: needField };

export type Needs = Partial<Record<Need, string | null>>;

/** The needs as stored: trimmed, bidi controls removed (as names are), empty as null. */
export function cleanNeeds(input: Partial<Record<Need, string | null | undefined>>): {
  accessibility: string | null;
  dietary: string | null;
} {
  const clean = (v: string | null | undefined) => (v ? cleanText(v) || null : null);
  return { accessibility: clean(input.accessibility), dietary: clean(input.dietary) };
}

/** Whether a registration told the organisers of any need. */
export const hasNeeds = (r: Needs) => Boolean(r.accessibility || r.dietary);
