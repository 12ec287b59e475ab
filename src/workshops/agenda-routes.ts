// JSON API for a workshop's agenda (organisers of the workshop): sessions, and the speakers
// and moderators of each. Mounted at /api/v1/workshops/{id}/sessions.
import { createRoute, z } from "@hono/zod-openapi";
import { SESSION_ROLES } from "../db/schema";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, problemResponses } from "../http/openapi";
import {
  addSessionPerson,
  createSession,
  deleteSession,
  loadAgenda,
  readSession,
  removeSessionPerson,
  sessionJson,
  updateSession,
  updateSessionPerson,
} from "./agenda";
import {
  CreateSessionSchema,
  SessionPersonSchema,
  SessionPersonUpdateSchema,
  UpdateSessionSchema,
} from "./agenda-schemas";
import { getWorkshop } from "./service";

const Localized = z.record(z.string(), z.string());
const SessionSchema = z
  .object({
    id: z.string(),
    workshopId: z.string(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    title: Localized,
    description: Localized.nullable(),
    room: z.string().nullable(),
    people: z.array(
      z.object({
        id: z.string(),
        role: z.enum(SESSION_ROLES),
        registrationId: z.string().nullable(),
        name: z.string(),
        affiliation: z.string().nullable(),
        publicConsent: z.boolean(),
        consentAt: z.iso.datetime().nullable(),
      }),
    ),
  })
  .openapi("Session");

const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const SessionParams = IdParam.extend({
  sessionId: z.string().openapi({ param: { name: "sessionId", in: "path" } }),
});
const PersonParams = SessionParams.extend({
  personId: z.string().openapi({ param: { name: "personId", in: "path" } }),
});
const manage = requires("workshops.manage", { workshop: "id" });

export const agendaApi = apiRouter();

agendaApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listSessions",
    middleware: [manage] as const,
    tags: ["Agenda"],
    summary: "The workshop's sessions by start, with every speaker and moderator",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Sessions", ...json(z.object({ data: z.array(SessionSchema) })) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { db, vault } = c.var.services;
    await getWorkshop(db, id);
    return c.json({ data: (await loadAgenda(db, vault, id, "all")).map(sessionJson) }, 200);
  },
);

agendaApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createSession",
    middleware: [manage] as const,
    tags: ["Agenda"],
    summary:
      "Add a session (within the workshop's start and end), optionally with its speakers and moderators",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: { required: true, content: { "application/json": { schema: CreateSessionSchema } } },
    },
    responses: {
      201: { description: "Created", ...json(SessionSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) =>
    c.json(
      sessionJson(
        await createSession(
          c.var.services,
          c.var.actor,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
      201,
    ),
);

agendaApi.openapi(
  createRoute({
    method: "get",
    path: "/{sessionId}",
    operationId: "getSession",
    middleware: [manage] as const,
    tags: ["Agenda"],
    summary: "Read a session",
    security: bearerSecurity,
    request: { params: SessionParams },
    responses: {
      200: { description: "Session", ...json(SessionSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { id, sessionId } = c.req.valid("param");
    return c.json(sessionJson(await readSession(c.var.services, id, sessionId)), 200);
  },
);

agendaApi.openapi(
  createRoute({
    method: "patch",
    path: "/{sessionId}",
    operationId: "updateSession",
    middleware: [manage] as const,
    tags: ["Agenda"],
    summary: "Change a session's times, texts or room",
    security: bearerSecurity,
    request: {
      params: SessionParams,
      body: { required: true, content: { "application/json": { schema: UpdateSessionSchema } } },
    },
    responses: {
      200: { description: "Updated", ...json(SessionSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) => {
    const { id, sessionId } = c.req.valid("param");
    const updated = await updateSession(
      c.var.services,
      c.var.actor,
      id,
      sessionId,
      c.req.valid("json"),
    );
    return c.json(sessionJson(updated), 200);
  },
);

agendaApi.openapi(
  createRoute({
    method: "delete",
    path: "/{sessionId}",
    operationId: "deleteSession",
    middleware: [manage] as const,
    tags: ["Agenda"],
    summary: "Delete a session and its speakers and moderators",
    security: bearerSecurity,
    request: { params: SessionParams },
    responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    const { id, sessionId } = c.req.valid("param");
    await deleteSession(c.var.services, c.var.actor, id, sessionId);
    return c.body(null, 204);
  },
);

agendaApi.openapi(
  createRoute({
    method: "post",
    path: "/{sessionId}/people",
    operationId: "addSessionPerson",
    middleware: [manage] as const,
    tags: ["Agenda"],
    summary: "Add a speaker or moderator: a confirmed participant, or a name typed by hand",
    security: bearerSecurity,
    request: {
      params: SessionParams,
      body: { required: true, content: { "application/json": { schema: SessionPersonSchema } } },
    },
    responses: {
      201: { description: "The session with the person", ...json(SessionSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) => {
    const { id, sessionId } = c.req.valid("param");
    const session = await addSessionPerson(
      c.var.services,
      c.var.actor,
      id,
      sessionId,
      c.req.valid("json"),
    );
    return c.json(sessionJson(session), 201);
  },
);

agendaApi.openapi(
  createRoute({
    method: "patch",
    path: "/{sessionId}/people/{personId}",
    operationId: "updateSessionPerson",
    middleware: [manage] as const,
    tags: ["Agenda"],
    summary: "Change a speaker's or moderator's role or public consent",
    security: bearerSecurity,
    request: {
      params: PersonParams,
      body: {
        required: true,
        content: { "application/json": { schema: SessionPersonUpdateSchema } },
      },
    },
    responses: {
      200: { description: "The session", ...json(SessionSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) => {
    const { id, sessionId, personId } = c.req.valid("param");
    const session = await updateSessionPerson(
      c.var.services,
      c.var.actor,
      id,
      sessionId,
      personId,
      c.req.valid("json"),
    );
    return c.json(sessionJson(session), 200);
  },
);

agendaApi.openapi(
  createRoute({
    method: "delete",
    path: "/{sessionId}/people/{personId}",
    operationId: "removeSessionPerson",
    middleware: [manage] as const,
    tags: ["Agenda"],
    summary: "Take a speaker or moderator off the session",
    security: bearerSecurity,
    request: { params: PersonParams },
    responses: { 204: { description: "Removed" }, ...problemResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    const { id, sessionId, personId } = c.req.valid("param");
    await removeSessionPerson(c.var.services, c.var.actor, id, sessionId, personId);
    return c.body(null, 204);
  },
);
