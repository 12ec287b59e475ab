// One place that turns failures into answers: problem JSON under /api/, an explained HTML
// page elsewhere. Unexpected errors are logged and never shown to the client.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { adminDictionary, DEFAULT_LANG, dictionary } from "../i18n";
import { AppError, type AppErrorKind, type FieldError } from "../lib/errors";
import { Page } from "../ui/layout";
import { serviceMessage } from "../ui/service-messages";
import { VaultError } from "../vault/master";
import { adminLang, herePath } from "./admin-lang";
import type { AppContext, AppEnv } from "./context";
import { problem, titleFor } from "./problem";

const STATUS_OF: Record<AppErrorKind, ContentfulStatusCode> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
};

export function isApiRequest(c: Context): boolean {
  return c.req.path.startsWith("/api/");
}

export function errorResponse(
  c: AppContext,
  status: ContentfulStatusCode,
  detail?: string,
  errors?: FieldError[],
): Response | Promise<Response> {
  if (isApiRequest(c)) return problem(c, status, detail, errors);
  const admin = c.req.path.startsWith("/admin");
  const lang = admin ? adminLang(c) : (c.var.lang ?? DEFAULT_LANG);
  const a = adminDictionary(lang);
  const t = admin
    ? { ...dictionary(lang).ui, notFoundText: a.errors.notFoundText, errorText: a.errors.errorText }
    : dictionary(lang).ui;
  const adminTitle = (a.errors as Record<string, string>)[`s${status}`] ?? a.errors.other;
  const title = admin
    ? adminTitle
    : status === 404
      ? t.notFoundTitle
      : status >= 500
        ? t.errorTitle
        : titleFor(status);
  // A 503's detail names a setting to fix (DATA_KEY): organisers read it, visitors do not.
  const text =
    status === 404
      ? t.notFoundText
      : status >= 500
        ? status === 503 && admin && detail
          ? detail
          : t.errorText
        : detail
          ? admin
            ? serviceMessage(detail, lang)
            : detail
          : t.errorText;
  return c.html(
    <Page
      lang={lang}
      title={title}
      area={admin ? "admin" : "public"}
      actor={c.var.actor}
      here={admin ? herePath(c) : undefined}
    >
      <h1>{title}</h1>
      <p>{text}</p>
      {status === 401 && admin ? (
        <p>
          <a href="/admin/sign-in">{a.common.signIn}</a>
        </p>
      ) : (
        <p>
          <a href={admin ? "/admin" : "/"}>{admin ? a.common.backToDashboard : t.backHome}</a>
        </p>
      )}
    </Page>,
    status,
  );
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof AppError)
    return errorResponse(c, STATUS_OF[error.kind], error.message, error.errors);
  if (error instanceof VaultError) {
    // Never garbage: nothing personal is shown until DATA_KEY opens the data keys again.
    // The route's pattern, not its path: a path may hold a private link's token.
    console.error("vault refused", c.req.method, c.req.routePath, error.message);
    // Which setting to fix is for organisers; anyone else learns only that it failed.
    return errorResponse(c, 503, c.var.actor ? error.message : undefined);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return errorResponse(c, status, error.message || undefined);
  }
  console.error("unhandled error", c.req.method, c.req.routePath, error);
  return errorResponse(c, 500);
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, 404, isApiRequest(c) ? `No route for ${c.req.method} ${c.req.path}` : undefined);
