// Agenda input (sessions and the people who speak at or moderate them), shared by the JSON API
// and the admin forms (src/workshops/agenda-form.ts maps the form's fields onto it).
import { z } from "@hono/zod-openapi";
import { SESSION_ROLES } from "../db/schema";
import { LANGS } from "../i18n";

export const SESSION_TITLE_MAX = 200;
export const SESSION_DESCRIPTION_MAX = 2_000;
export const ROOM_MAX = 200;
export const SPEAKER_NAME_MAX = 200;
/** People on one session: a panel, not an attendee list. */
export const PEOPLE_PER_SESSION = 20;

const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `Keep the ${what} under ${max.toLocaleString("en")} characters.`);

const perLanguage = (max: number, what: string) => z.partialRecord(z.enum(LANGS), text(max, what));

const instant = z.iso.datetime({
  offset: true,
  message: "Use ISO 8601 with an offset, e.g. 2027-05-03T10:00:00+03:00.",
});

export const TITLE_NEEDED = "Give the session a title in at least one language.";

export const SessionPersonSchema = z
  .object({
    role: z.enum(SESSION_ROLES),
    registrationId: z.string().min(1).optional().openapi({
      description: "One of the workshop's confirmed (or checked-in) registrations.",
    }),
    name: text(SPEAKER_NAME_MAX, "name").optional().openapi({
      description: "A name typed by hand (someone not registered), when no registrationId.",
    }),
    affiliation: text(SPEAKER_NAME_MAX, "affiliation").nullable().optional(),
    publicConsent: z.boolean().default(false).openapi({
      description:
        "The person agreed to their name and affiliation being shown publicly (the public page). Without it they appear as “Speaker” or “Moderator” everywhere but the organisers' pages.",
    }),
  })
  .superRefine((p, ctx) => {
    const byHand = Boolean(p.name?.trim());
    if (p.registrationId && byHand)
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        message: "Choose a participant or type a name, not both.",
      });
    if (!p.registrationId && !byHand)
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        message: "Choose a participant or type a name.",
      });
  })
  .openapi("SessionPersonInput");

export const SessionPersonUpdateSchema = z
  .object({
    role: z.enum(SESSION_ROLES).optional(),
    publicConsent: z.boolean().optional(),
  })
  .openapi("SessionPersonUpdate");

const sessionFields = {
  title: perLanguage(SESSION_TITLE_MAX, "title").openapi({
    description: 'The title per language: `{ "en": "…", "ar": "…" }`; at least one.',
  }),
  description: perLanguage(SESSION_DESCRIPTION_MAX, "description").nullable().optional(),
  room: text(ROOM_MAX, "room").nullable().optional().openapi({
    description:
      "Shown only where the workshop's venue may be shown: to everyone for a public venue, to seated participants (once revealed) for a private one.",
  }),
  startsAt: instant,
  endsAt: instant,
};

const hasTitle = (title: Partial<Record<string, string>> | undefined) =>
  Object.values(title ?? {}).some((t) => t?.trim());

export const CreateSessionSchema = z
  .object({
    ...sessionFields,
    people: z.array(SessionPersonSchema).max(PEOPLE_PER_SESSION).optional(),
  })
  .superRefine((s, ctx) => {
    if (!hasTitle(s.title))
      ctx.addIssue({ code: "custom", path: ["title"], message: TITLE_NEEDED });
  })
  .openapi("SessionInput");

export const UpdateSessionSchema = z
  .object(sessionFields)
  .partial()
  .superRefine((s, ctx) => {
    if (s.title !== undefined && !hasTitle(s.title))
      ctx.addIssue({ code: "custom", path: ["title"], message: TITLE_NEEDED });
  })
  .openapi("SessionUpdate");

export type SessionPersonInput = z.infer<typeof SessionPersonSchema>;
export type CreateSessionInput = z.infer<typeof CreateSessionSchema>;
export type UpdateSessionInput = z.infer<typeof UpdateSessionSchema>;
export type SessionPersonUpdate = z.infer<typeof SessionPersonUpdateSchema>;
