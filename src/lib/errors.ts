// Errors that services throw. They carry a kind, never an HTTP status: the app maps kinds
// to RFC 9457 problems (API) or explained pages (HTML) in one place (src/http/errors.tsx).

export type AppErrorKind =
  | "invalid" // 422: fields that do not pass the rules
  | "not_found" // 404: absent, or not visible to the caller
  | "conflict" // 409: the state does not allow it
  | "unauthenticated" // 401
  | "forbidden" // 403
  | "rate_limited"; // 429

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly kind: AppErrorKind,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what = "Not found") => new AppError("not_found", what);
export const conflict = (why: string, errors?: FieldError[]) =>
  new AppError("conflict", why, errors);
export const invalid = (why: string, errors?: FieldError[]) => new AppError("invalid", why, errors);

/**
 * Runs `action`; a service error (an AppError, of one of `kinds` when given) becomes what
 * `fallback` makes of it, such as the form again with the error explained. Anything else
 * propagates, to the error page or problem answer.
 */
export async function onServiceError<R>(
  action: () => Promise<R>,
  fallback: (error: AppError) => R | Promise<R>,
  kinds?: readonly AppErrorKind[],
): Promise<R> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof AppError && (!kinds || kinds.includes(error.kind))) return fallback(error);
    throw error;
  }
}
