// Registration input that organisers send, shared by the JSON API and the admin forms.
import { z } from "@hono/zod-openapi";
import { ATTENDANCE_MODES, PARTICIPANT_ROLES, REGISTRATION_STATUSES } from "../db/schema";
import { LANGS } from "../i18n";
import { EMAIL_MAX, NAME_MAX } from "../lib/text";
import { needsFields } from "./needs";

export const nameField = z
  .string()
  .trim()
  .min(1, "Enter your name.")
  .max(NAME_MAX, `Use at most ${NAME_MAX} characters.`);

/** An address someone types: checked, and never longer than an address can be. */
export const emailField = z.email("Enter a valid email address.").max(EMAIL_MAX);

/** Add a person directly (no verification or approval). */
export const AddRegistrationSchema = z
  .object({
    name: nameField,
    email: z.email(),
    affiliation: z.string().trim().max(200).optional(),
    ...needsFields,
    role: z.enum(PARTICIPANT_ROLES).optional(),
    language: z.enum(LANGS).optional(),
    mode: z.enum(ATTENDANCE_MODES).optional().openapi({
      description: "A hybrid workshop's pool for the person; required there.",
    }),
    notify: z.boolean().optional(),
  })
  .strict();

/** An organiser's decision on one registration: status, role, private notes. */
export const ChangeRegistrationSchema = z
  .object({
    status: z.enum(REGISTRATION_STATUSES).optional(),
    role: z.enum(PARTICIPANT_ROLES).optional(),
    notes: z.string().max(5000).nullable().optional(),
    mode: z.enum(ATTENDANCE_MODES).optional().openapi({
      description:
        "A hybrid workshop only: move the person to the other pool. A seat holder needs a free seat there (else 409); a waitlisted person goes to the end of that waitlist. The seat left behind goes to the first in line.",
    }),
  })
  .strict();
