// JSON API for invitations, and the public RSVP answer.
import { createRoute, z } from "@hono/zod-openapi";
import { audit } from "../audit/service";
import { ATTENDANCE_MODES } from "../db/schema";
import { throttlePublicPosts } from "../http/abuse";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, problemResponses, publicSecurity } from "../http/openapi";
import { LANGS } from "../i18n";
import { invalid } from "../lib/errors";
import { NAME_MAX } from "../lib/text";
import { getWorkshop } from "../workshops/service";
import { inviteesFromCsv, validateInvitees } from "./import";
import {
  addInvitations,
  invitationJson,
  listInvitations,
  resendInvitation,
  respond,
  revokeInvitation,
} from "./service";

const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const InvitationSchema = z
  .object({ id: z.string(), email: z.string(), status: z.string() })
  .passthrough()
  .openapi("Invitation");

export const workshopInvitationApi = apiRouter();
export const invitationApi = apiRouter();
export const rsvpApi = apiRouter();

workshopInvitationApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createInvitations",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Invitations"],
    summary:
      "Invite people: JSON {invitees, send?}, or text/csv with header email,name,affiliation,role (and ?send=true). All rows are checked first; one invalid row imports nothing.",
    security: bearerSecurity,
    request: {
      params: IdParam,
      query: z.object({ send: z.enum(["true", "false"]).optional() }),
      // Not "required": with two content types the JSON validator would also judge CSV
      // bodies. A JSON body is still validated; an empty one fails below.
      body: {
        required: false,
        content: {
          "application/json": {
            schema: z
              .object({ invitees: z.array(z.unknown()).min(1), send: z.boolean().optional() })
              .strict(),
          },
          "text/csv": { schema: z.string() },
        },
      },
    },
    responses: {
      201: {
        description: "Counts",
        ...json(z.object({ created: z.number().int(), skipped: z.number().int() })),
      },
      ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const isCsv = (c.req.header("content-type") ?? "").startsWith("text/csv");
    let result: ReturnType<typeof validateInvitees>;
    let send: boolean;
    if (isCsv) {
      result = inviteesFromCsv(await c.req.text());
      send = c.req.valid("query").send === "true";
    } else {
      // Two content types: the JSON validator ran only when the body is JSON.
      const body = c.req.valid("json") as { invitees: unknown[]; send?: boolean };
      result = validateInvitees(body.invitees, "invitees");
      send = body.send ?? false;
    }
    if (result.errors.length)
      throw invalid("Some invitees are invalid; nothing was imported.", result.errors);
    if (result.invitees.length === 0)
      throw invalid("No invitees found.", [
        { path: isCsv ? "csv" : "invitees", message: "Add at least one row." },
      ]);
    const counts = await addInvitations(
      c.var.services,
      c.var.actor,
      c.req.valid("param").id,
      result.invitees,
      send,
    );
    return c.json(counts, 201);
  },
);

workshopInvitationApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listInvitations",
    middleware: [requires("workshops.manage", { workshop: "id" })] as const,
    tags: ["Invitations"],
    summary: "Invitations of a workshop with their status (logged in the audit log)",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: {
        description: "Invitations",
        ...json(z.object({ data: z.array(InvitationSchema), nextCursor: z.null() })),
      },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { db } = c.var.services;
    const { id } = c.req.valid("param");
    await getWorkshop(db, id);
    const rows = await listInvitations(c.var.services, id);
    // Who was invited to a closed room is as sensitive as who registered.
    await audit(db, c.var.actor, {
      action: "invitations.view",
      targetType: "workshop",
      targetId: id,
      detail: { rows: rows.length },
    });
    return c.json({ data: rows.map(invitationJson), nextCursor: null }, 200);
  },
);

invitationApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/send",
    operationId: "sendInvitation",
    middleware: [requires("workshops.manage", { invitation: "id" })] as const,
    tags: ["Invitations"],
    summary:
      "Send, or send again, the RSVP email (a new link; earlier links keep working until they expire)",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Sent", ...json(InvitationSchema) },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) =>
    c.json(
      invitationJson(await resendInvitation(c.var.services, c.var.actor, c.req.valid("param").id)),
      200,
    ),
);

invitationApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/revoke",
    operationId: "revokeInvitation",
    middleware: [requires("workshops.manage", { invitation: "id" })] as const,
    tags: ["Invitations"],
    summary: "Revoke: the RSVP link stops working",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Revoked", ...json(InvitationSchema) },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) =>
    c.json(
      invitationJson(await revokeInvitation(c.var.services, c.var.actor, c.req.valid("param").id)),
      200,
    ),
);

export const RsvpSchema = z
  .object({
    response: z.enum(["accept", "decline"]),
    name: z.string().trim().max(NAME_MAX, `Use at most ${NAME_MAX} characters.`).optional(),
    answers: z.record(z.string(), z.union([z.string().max(2000), z.boolean()])).optional(),
    language: z.enum(LANGS).optional(),
    acknowledged: z.boolean().optional().openapi({
      description:
        "`true` accepts the workshop's confidentiality rule; needed to accept when the workshop has `confidentialityRequired` (else 422 naming `acknowledged`).",
    }),
    listed: z.boolean().optional().openapi({
      description:
        "`true`: show the name and affiliation to the workshop's other confirmed participants. Default false.",
    }),
    mode: z.enum(ATTENDANCE_MODES).optional().openapi({
      description:
        "A hybrid workshop only, and required there to accept: `in_person` or `online` (else 422 naming `mode`).",
    }),
  })
  .strip()
  .openapi("Rsvp");

rsvpApi.openapi(
  createRoute({
    method: "post",
    path: "/{token}",
    operationId: "answerInvitation",
    security: publicSecurity,
    middleware: [throttlePublicPosts] as const,
    tags: ["Public"],
    summary:
      "Answer an invitation: accept → the registration's status (confirmed or waitlisted); decline → declined",
    request: {
      params: z.object({ token: z.string().openapi({ param: { name: "token", in: "path" } }) }),
      body: { required: true, content: { "application/json": { schema: RsvpSchema } } },
    },
    responses: {
      200: { description: "Answered", ...json(z.object({ status: z.string() })) },
      ...problemResponses(400, 404, 409, 415, 422, 429),
    },
  }),
  async (c) =>
    c.json(await respond(c.var.services, c.req.param("token"), c.req.valid("json")), 200),
);
