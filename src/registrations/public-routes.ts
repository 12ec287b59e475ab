// Public JSON API for registrations: register for a workshop, and a participant's own
// registration by the token from its email (read, verify, cancel).
import { createRoute, z } from "@hono/zod-openapi";
import { ATTENDANCE_MODES, REGISTRATION_STATUSES } from "../db/schema";
import { requireHuman, TURNSTILE_FIELD, throttlePublicPosts } from "../http/abuse";
import { afterAnswer } from "../http/after-answer";
import { apiRouter, json, problemResponses, publicSecurity } from "../http/openapi";
import { LANGS } from "../i18n";
import { notFound } from "../lib/errors";
import type { Workshop } from "../workshops/types";
import { locationText } from "../workshops/types";
import { placeFor, showsLocation, venueRevealAt } from "../workshops/venue";
import { needsFields } from "./needs";
import { emailField, nameField } from "./schemas";
import { cancelByToken, findByToken, registerBySlug, verify } from "./service";
import { SEAT_HOLDING } from "./status";

const TokenParam = z.object({
  token: z.string().openapi({ param: { name: "token", in: "path" } }),
});

export const publicRegistrationApi = apiRouter();
export const participantApi = apiRouter();

/**
 * What a participant may see of the workshop: the place only when they may (a private venue
 * for seated people, from its reveal time), when a private place will be revealed, and the
 * organiser contact.
 */
export function publicWorkshopJson(w: Workshop, showLocation: boolean) {
  const revealAt = venueRevealAt(w);
  return {
    title: w.title,
    slug: w.slug,
    startsAt: w.startsAt.toISOString(),
    endsAt: w.endsAt.toISOString(),
    timezone: w.timezone,
    status: w.status,
    venue:
      showLocation && w.venueName
        ? { name: w.venueName, address: w.venueAddress, city: w.venueCity }
        : null,
    location: showLocation ? locationText(w) : null,
    onlineUrl: showLocation ? w.onlineUrl : null,
    venueRevealAt: revealAt ? revealAt.toISOString() : null,
    // Whom to write to with questions: a registered participant's to know, as on their page.
    contact: w.contactEmail ? { name: w.contactName, email: w.contactEmail } : null,
  };
}

export const PublicRegistrationSchema = z
  .object({
    name: nameField,
    email: emailField,
    affiliation: z.string().trim().max(200).optional(),
    ...needsFields,
    answers: z.record(z.string(), z.union([z.string().max(2000), z.boolean()])).optional(),
    language: z.enum(LANGS).optional(),
    receiveReport: z.boolean().optional(),
    subscribe: z.boolean().optional(),
    acknowledged: z.boolean().optional().openapi({
      description:
        "`true`: the registrant accepts the workshop's confidentiality rule (its `confidentiality` wording). Required when the workshop has `confidentialityRequired`: without it, 422 with an error on `acknowledged`. Stored with its time and which wording.",
    }),
    listed: z.boolean().optional().openapi({
      description:
        "`true`: show this registrant's name and affiliation to the workshop's other confirmed participants (on their own pages, never publicly). Default false; changeable later on the participant's page.",
    }),
    mode: z.enum(ATTENDANCE_MODES).optional().openapi({
      description:
        "A hybrid workshop only (`attendance: hybrid`), and required there: `in_person` or `online`, each with its own seats and waitlist. Without it, 422 with an error on `mode`; a full pool without a waitlist answers 409. Ignored for other workshops.",
    }),
    [TURNSTILE_FIELD]: z.string().max(4096).optional(),
  })
  // Unknown fields (status, role, …) are dropped, never applied: no mass assignment.
  .strip()
  .openapi("PublicRegistration");

publicRegistrationApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createRegistration",
    security: publicSecurity,
    middleware: [throttlePublicPosts] as const,
    tags: ["Public"],
    summary: "Register for a workshop",
    description: [
      "The answer never depends on whether the address is already registered: a public answer never reveals another registration.",
      "",
      "- With verification (the default): `202 {status: pending_verification}` whoever the address belongs to; the email tells the rest.",
      "- Without verification: `201 {status}` with the status a new registration gets at that moment (`confirmed`, `waitlisted` or, in approval mode, `pending_approval`). An address that is already registered gets that same answer: its registration does not change, and its owner is emailed the link to it (at most once every 10 minutes), where the real status is. So a `201` tells the caller what a newcomer would have, never what another person has.",
    ].join("\n"),
    request: {
      params: z.object({ slug: z.string().openapi({ param: { name: "slug", in: "path" } }) }),
      body: {
        required: true,
        content: { "application/json": { schema: PublicRegistrationSchema } },
      },
    },
    responses: {
      201: {
        description: "Registered",
        ...json(z.object({ status: z.enum(REGISTRATION_STATUSES) })),
      },
      202: {
        description: "Check your email",
        ...json(z.object({ status: z.literal("pending_verification") })),
      },
      ...problemResponses(400, 404, 409, 415, 422, 429),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    await requireHuman(c, body[TURNSTILE_FIELD] ?? c.req.header(TURNSTILE_FIELD));
    const outcome = await registerBySlug(c.var.services, c.req.valid("param").slug, body, {
      after: afterAnswer(c, "registration follow-up"),
    });
    if (outcome.verification) return c.json({ status: "pending_verification" as const }, 202);
    return c.json({ status: outcome.status }, 201);
  },
);

participantApi.openapi(
  createRoute({
    method: "get",
    path: "/{token}",
    operationId: "getRegistrationByToken",
    security: publicSecurity,
    tags: ["Public"],
    summary: "A registration, by the token from its email",
    description:
      "`workshop.venue`, `workshop.location` and `workshop.onlineUrl` are null when this participant may not see the place: in a hybrid workshop (`mode` says which pool the person is in) the online link only to confirmed online participants, a private venue only to confirmed in-person ones; otherwise a private venue shows only to confirmed and attended participants, and, when the workshop has a `venueRevealAt`, only from then on (before it, the place is emailed to them at that time). `workshop.contact` (`{name, email}` or null) is whom to write to with questions.",
    request: { params: TokenParam },
    responses: {
      200: {
        description: "Registration",
        ...json(
          z.object({ status: z.string(), name: z.string(), workshop: z.object({}).passthrough() }),
        ),
      },
      ...problemResponses(404),
    },
  }),
  async (c) => {
    const found = await findByToken(c.var.services, c.req.valid("param").token);
    if (!found) throw notFound("This link is not valid, or has expired.");
    const { registration, workshop } = found;
    const seated = SEAT_HOLDING.includes(registration.status);
    // A hybrid workshop's place as this person's pool sees it: the room or the link.
    const theirs = placeFor(workshop, { seated, mode: registration.mode });
    return c.json(
      {
        status: registration.status,
        name: registration.name,
        mode: registration.mode,
        workshop: publicWorkshopJson(theirs, showsLocation(theirs, seated, c.var.services.now())),
      },
      200,
    );
  },
);

participantApi.openapi(
  createRoute({
    method: "post",
    path: "/{token}/verify",
    operationId: "verifyRegistration",
    security: publicSecurity,
    middleware: [throttlePublicPosts] as const,
    tags: ["Public"],
    summary:
      "Confirm the email address: the registration becomes confirmed, waitlisted, pending_approval, or rejected (full, no waitlist)",
    request: { params: TokenParam },
    responses: {
      200: {
        description: "Verified",
        ...json(z.object({ status: z.enum(REGISTRATION_STATUSES) })),
      },
      ...problemResponses(404, 409, 429),
    },
  }),
  async (c) => {
    const after = afterAnswer(c, "seat decision email");
    return c.json(
      { status: await verify(c.var.services, c.req.valid("param").token, { after }) },
      200,
    );
  },
);

participantApi.openapi(
  createRoute({
    method: "post",
    path: "/{token}/cancel",
    operationId: "cancelRegistration",
    security: publicSecurity,
    middleware: [throttlePublicPosts] as const,
    tags: ["Public"],
    summary: "Cancel, or leave the waitlist; the seat passes to the first on the waitlist",
    request: { params: TokenParam },
    responses: {
      200: { description: "Cancelled", ...json(z.object({ status: z.literal("cancelled") })) },
      ...problemResponses(404, 409, 429),
    },
  }),
  async (c) =>
    c.json(
      {
        status: (await cancelByToken(c.var.services, c.req.valid("param").token)) as "cancelled",
      },
      200,
    ),
);
