// RFC 9457 problem details, the error body of every API failure.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FieldError } from "../lib/errors";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: "Malformed request",
  401: "Not authenticated",
  403: "Not allowed",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Body too large",
  415: "Unsupported content type",
  422: "Invalid fields",
  429: "Too many requests",
  500: "Internal error",
  503: "Service unavailable",
};

export function titleFor(status: number): string {
  return TITLES[status] ?? "Error";
}

export function problemBody(status: number, detail?: string, errors?: FieldError[]): Problem {
  // "about:blank": the status says what kind of problem it is; `detail` and `errors` say more.
  return {
    type: "about:blank",
    title: titleFor(status),
    status,
    ...(detail ? { detail } : {}),
    ...(errors?.length ? { errors } : {}),
  };
}

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  detail?: string,
  errors?: FieldError[],
): Response {
  return c.body(JSON.stringify(problemBody(status, detail, errors)), status, {
    "Content-Type": "application/problem+json",
  });
}
