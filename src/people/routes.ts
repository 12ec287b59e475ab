// JSON API of people: an owner's person search, export and erasure; a subscriber's erasure
// (organisers).
import { createRoute, z } from "@hono/zod-openapi";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, problemResponses } from "../http/openapi";
import { erasePerson, eraseSubscriber, searchPerson } from "./service";

/** Mounted at /api/v1/subscribers, beside the subscribers' own routes. */
export const subscriberErasureApi = apiRouter();

subscriberErasureApi.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    operationId: "eraseSubscriber",
    middleware: [requires("attendees.read")] as const,
    tags: ["Subscribers"],
    summary: "Erase a subscriber: only a suppression entry for the address remains",
    security: bearerSecurity,
    request: {
      params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) }),
    },
    responses: { 204: { description: "Erased" }, ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    await eraseSubscriber(c.var.services, c.var.actor, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

/** Mounted at /api/v1/people: an owner's person search, export and erasure. */
export const peopleApi = apiRouter();

const EmailQuery = z.object({
  email: z.email("Enter a valid email address.").openapi({ param: { name: "email", in: "query" } }),
});

const Records = z.array(z.record(z.string(), z.unknown()));
const PersonSchema = z
  .object({
    email: z.string(),
    subscriber: z.record(z.string(), z.unknown()).nullable(),
    registrations: Records,
    invitations: Records,
    deliveries: Records,
    emails: Records,
    mailboxMessages: Records,
    suppression: z
      .object({ reason: z.string(), createdAt: z.string().nullable(), note: z.string().nullable() })
      .nullable(),
  })
  .openapi("Person");
const Counts = z
  .object({
    subscriber: z.number().int(),
    registrations: z.number().int(),
    invitations: z.number().int(),
    deliveries: z.number().int(),
    emails: z.number().int(),
    mailboxMessages: z.number().int(),
    suppressed: z.number().int(),
  })
  .openapi("PersonCounts");

peopleApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listPersonRecords",
    middleware: [requires("people.manage")] as const,
    tags: ["People"],
    summary:
      "Every record that holds an address: subscriber, registrations and invitations at every workshop, report deliveries, stored emails, dev-mailbox messages, suppression (owners; audited with counts only)",
    security: bearerSecurity,
    request: { query: EmailQuery },
    responses: {
      200: { description: "The records", ...json(PersonSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    return c.json(
      await searchPerson(c.var.services, c.var.actor, c.req.valid("query").email, "view"),
      200,
    );
  },
);

peopleApi.openapi(
  createRoute({
    method: "get",
    path: "/export",
    operationId: "exportPersonRecords",
    middleware: [requires("people.manage")] as const,
    tags: ["People"],
    summary: "The same records as a JSON download (owners; audited with counts only)",
    security: bearerSecurity,
    request: { query: EmailQuery },
    responses: {
      200: { description: "The records, as an attachment", ...json(PersonSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const person = await searchPerson(
      c.var.services,
      c.var.actor,
      c.req.valid("query").email,
      "export",
    );
    return c.json(person, 200, { "Content-Disposition": 'attachment; filename="person.json"' });
  },
);

peopleApi.openapi(
  createRoute({
    method: "delete",
    path: "/",
    operationId: "erasePerson",
    middleware: [requires("people.manage")] as const,
    tags: ["People"],
    summary:
      "Erase an address everywhere: seats are given up (the waitlist moves up), registrations and invitations keep their status but lose the person, deliveries, emails and the subscriber go; only a hashed suppression entry stays (owners; audited with counts only)",
    security: bearerSecurity,
    request: { query: EmailQuery },
    responses: {
      200: { description: "What was erased", ...json(z.object({ erased: Counts })) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const erased = await erasePerson(c.var.services, c.var.actor, c.req.valid("query").email);
    return c.json({ erased }, 200);
  },
);
