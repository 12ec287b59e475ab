// Every API router is an OpenAPIHono built here, so they share one validation hook
// (422 problem with per-field errors) and all feed the one OpenAPI document.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { FieldError } from "../lib/errors";
import type { AppEnv } from "./context";
import { problem } from "./problem";

export function zodIssuesToFieldErrors(
  issues: readonly { path: PropertyKey[]; message: string }[],
): FieldError[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

export function apiRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return problem(
          c,
          422,
          "Some fields are invalid.",
          zodIssuesToFieldErrors(result.error.issues),
        );
      }
    },
  });
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

/** Standard error answers, for the OpenAPI description of each route. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: PROBLEM_DESCRIPTIONS[status] ?? "Error",
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  );
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed body",
  401: "Not authenticated",
  403: "Role not allowed",
  404: "Not found, or not visible to the caller",
  409: "State conflict",
  413: "Body too large",
  415: "Wrong content type",
  422: "Invalid fields",
  429: "Rate limited",
  503: "DATA_KEY is missing, malformed or not the key the data keys were wrapped with",
};

/**
 * An organiser's credentials: a bearer token (ADMIN_TOKEN or an API token) or the session
 * cookie (src/organisers/auth.ts). Also the document's default, so a route that declares
 * nothing is described as needing them: forgetting `publicSecurity` errs on the safe side.
 */
export const bearerSecurity: Record<string, string[]>[] = [
  { bearerAuth: [] },
  { sessionCookie: [] },
];

/**
 * Routes for callers who never sign in (/api/v1/public/…, webhooks): no credentials are
 * read there. Declared on each such route, since it overrides the document's default.
 */
export const publicSecurity: Record<string, string[]>[] = [];

/** `?limit=&cursor=` of every list (limit 1–100, default 50). */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().optional(),
});

/** A JSON response body, for route definitions: `200: { description, ...json(Schema) }`. */
export const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
