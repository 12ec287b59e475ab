import type { AppContext } from "../http/context";
import { type AppError, type AppErrorKind, onServiceError } from "../lib/errors";
import { Notice } from "../ui/forms";
import { serviceMessage } from "../ui/service-messages";
import { adminLang } from "./admin-lang";

export function redirectWithNotice(
  c: AppContext,
  path: string,
  message?: string,
  kind: "ok" | "error" = "ok",
) {
  if (!message) return c.redirect(path, 303);
  // The notice goes in the query, before any #fragment: after it, the server never sees it.
  const [where, fragment] = path.split("#", 2) as [string, string | undefined];
  const query = `${where.includes("?") ? "&" : "?"}${new URLSearchParams({ notice: message, kind })}`;
  return c.redirect(`${where}${query}${fragment === undefined ? "" : `#${fragment}`}`, 303);
}

/**
 * Runs a page's action; a service error (of one of `kinds` when given) becomes a 303 to
 * `back` with the error's message as the notice, so the page the form came from explains
 * it. `back` is a path, or finds one from the error.
 */
export function noticeOnError(
  c: AppContext,
  back: string | ((error: AppError) => string | Promise<string>),
  action: () => Promise<Response>,
  kinds?: readonly AppErrorKind[],
): Promise<Response> {
  return onServiceError(
    action,
    async (error) =>
      redirectWithNotice(
        c,
        typeof back === "string" ? back : await back(error),
        serviceMessage(error.message, adminLang(c)),
        "error",
      ),
    kinds,
  );
}

export function FlashNotice({ c }: { c: AppContext }) {
  const text = c.req.query("notice");
  if (!text) return null;
  return <Notice kind={c.req.query("kind") === "error" ? "error" : "ok"}>{text}</Notice>;
}
