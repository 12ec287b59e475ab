// Workshop input, shared by the JSON API and the admin forms.
import { z } from "@hono/zod-openapi";
import { ATTENDANCE } from "../db/schema";
import { LANGS } from "../i18n";
import { isTimeZone } from "../lib/time";
import { ConfidentialitySchema } from "./confidentiality";
import { EmailTextsSchema } from "./email-texts";

const text = (max: number) => z.string().trim().max(max);

export const QuestionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]{1,40}$/, "Use 1–40 lowercase letters, digits, - or _."),
    label: text(300).min(1),
    type: z.enum(["text", "choice", "checkbox"]),
    required: z.boolean().default(false),
    options: z.array(text(200).min(1)).max(30).optional(),
  })
  .refine((q) => q.type !== "choice" || (q.options?.length ?? 0) >= 2, {
    message: "A choice needs at least two options.",
    path: ["options"],
  })
  .openapi("WorkshopQuestion");

const instant = z.iso.datetime({
  offset: true,
  message: "Use ISO 8601 with an offset, e.g. 2027-05-03T10:00:00+03:00.",
});

const fields = {
  title: text(200).min(1, "Give the workshop a title."),
  slug: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Lowercase letters, digits and single dashes.")
    .max(80)
    .optional(),
  description: text(20_000).optional(),
  startsAt: instant,
  endsAt: instant,
  timezone: z.string().refine(isTimeZone, "Use an IANA time zone such as Europe/Istanbul."),
  venue: z
    .object({ name: text(200).min(1), address: text(300).optional(), city: text(100).optional() })
    .nullable()
    .optional(),
  onlineUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable()
    .optional(),
  contact: z
    .object({
      name: text(200).optional(),
      email: z.email("Enter the contact's email address.").max(254),
    })
    .nullable()
    .optional()
    .openapi({
      description:
        "Whom participants write to with questions (the organiser's contact): shown to registered participants on their page and in their emails, never on the public workshop page. null: none.",
    }),
  locationPrivate: z.boolean().optional(),
  venueRevealHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .nullable()
    .optional()
    .openapi({
      description:
        "With a private venue (locationPrivate): how many hours before the start confirmed participants learn the venue and the online link. Until then their page, emails and calendar file say when it will be sent; at that time each of them gets one email with it and an updated calendar file. null (the default): with their confirmation.",
    }),
  attendance: z.enum(ATTENDANCE).optional().openapi({
    description:
      "How people take part: `in_person`, `online`, or `hybrid` (both, each with its own seats and waitlist: `capacity` in person, `onlineCapacity` online). A hybrid workshop's registrants choose a `mode`; its online link goes only to confirmed online participants and its venue, when private, only to confirmed in-person ones. Default on creation: `online` when there is an online link and no venue, else `in_person`.",
  }),
  capacity: z.number().int().min(1).max(100_000).nullable(),
  onlineCapacity: z.number().int().min(1).max(100_000).nullable().optional().openapi({
    description: "A hybrid workshop's online seats; null: unlimited. Ignored unless hybrid.",
  }),
  registrationMode: z.enum(["open", "approval", "invitation"]),
  waitlist: z.boolean().optional(),
  requireVerification: z.boolean().optional(),
  registrationOpensAt: instant.nullable().optional(),
  registrationClosesAt: instant.nullable().optional(),
  language: z.enum(LANGS).optional(),
  questions: z.array(QuestionSchema).max(20).optional(),
  retentionDays: z.number().int().min(1).max(3650).optional(),
  reminderHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .nullable()
    .optional(),
  invitationReminderDays: z.array(z.number().int().min(1).max(60)).max(5).optional(),
  emailTexts: EmailTextsSchema,
  confidentiality: ConfidentialitySchema,
  confidentialityRequired: z.boolean().optional().openapi({
    description:
      "Registering needs a ticked acknowledgement of `confidentiality` (page, API `acknowledged: true`, invitation). Has no effect without wording.",
  }),
};

const ordered = <T extends { startsAt?: string; endsAt?: string }>(w: T) =>
  !w.startsAt || !w.endsAt || Date.parse(w.endsAt) > Date.parse(w.startsAt);

/** Why a venue revealed later must be private; the service checks the same of changes. */
export const REVEAL_NEEDS_PRIVATE =
  "A venue revealed before the start must be private: set locationPrivate too.";

export const CreateWorkshopSchema = z
  .object(fields)
  .strict()
  .refine(ordered, { message: "The end must come after the start.", path: ["endsAt"] })
  .refine((w) => w.venueRevealHours == null || w.locationPrivate === true, {
    message: REVEAL_NEEDS_PRIVATE,
    path: ["venueRevealHours"],
  })
  .openapi("CreateWorkshop");

export const UpdateWorkshopSchema = z
  .object({
    ...fields,
    capacity: fields.capacity.optional(),
    registrationMode: fields.registrationMode.optional(),
  })
  .partial()
  .strict()
  .refine(ordered, { message: "The end must come after the start.", path: ["endsAt"] })
  .openapi("UpdateWorkshop");

export type CreateWorkshopInput = z.infer<typeof CreateWorkshopSchema>;
export type UpdateWorkshopInput = z.infer<typeof UpdateWorkshopSchema>;
