// Access rules, declared on each route: `requires("attendees.read", { workshop: "id" })`
// reads "needs attendees.read on the workshop whose id is the path parameter `id`".
// Mounted per route (OpenAPI `middleware`, or a page route's second argument), never by
// path prefix, so a rule cannot leak onto a neighbour's routes.
import type { MiddlewareHandler } from "hono";
import { type Actor, can, type Permission } from "../access/roles";
import { NOT_FOUND, roleOn, type Scope, scopedWorkshopId, scopeKind } from "../access/team";
import type { SignedInEnv } from "./context";
import { errorResponse } from "./errors";

/**
 * 401 when nobody is signed in (pages redirect to the sign-in form), 403 when the account's
 * role does not allow it. With a scope, someone not on that workshop's team gets the same
 * 404 as for an id that does not exist, so the workshop's existence is not confirmed; a
 * team member whose team role does not allow it gets 403. After it, handlers read a
 * non-null `c.var.actor`.
 */
export function requires(permission: Permission, scope?: Scope): MiddlewareHandler<SignedInEnv> {
  return async (c, next) => {
    // Typed non-null for the handlers after this one; this is where that becomes true.
    const actor = c.var.actor as Actor | null;
    if (!actor) {
      if (c.req.method === "GET" && c.req.path.startsWith("/admin")) {
        return c.redirect(`/admin/sign-in?next=${encodeURIComponent(c.req.path)}`, 303);
      }
      return errorResponse(c, 401, "Sign in, or send an Authorization: Bearer token.");
    }
    if (!can(actor.role, permission)) {
      return errorResponse(c, 403, `Your role (${actor.role}) does not allow this.`);
    }
    if (scope && actor.role !== "owner") {
      const { db } = c.var.services;
      const workshopId = await scopedWorkshopId(db, scope, (name) => c.req.param(name));
      const role = workshopId ? await roleOn(db, actor, workshopId) : null;
      if (!role) return errorResponse(c, 404, NOT_FOUND[scopeKind(scope)]);
      if (!can(role, permission)) {
        return errorResponse(c, 403, "Your role in this workshop's team does not allow this.");
      }
    }
    await next();
  };
}
