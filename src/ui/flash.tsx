// One-line messages after a form post: the handler redirects with ?notice=…&kind=…, and
// the page it lands on shows it. The text is ours and is escaped like any other text.
import type { Context } from "hono";
import type { AppEnv } from "../http/context";
import { Notice } from "./forms";

export function redirectWithNotice(
  c: Context<AppEnv>,
  path: string,
  message?: string,
  kind: "ok" | "error" = "ok",
) {
  const query = message
    ? `${path.includes("?") ? "&" : "?"}${new URLSearchParams({ notice: message, kind })}`
    : "";
  return c.redirect(`${path}${query}`, 303);
}

export function FlashNotice({ c }: { c: Context<AppEnv> }) {
  const text = c.req.query("notice");
  if (!text) return null;
  return <Notice kind={c.req.query("kind") === "error" ? "error" : "ok"}>{text}</Notice>;
}
