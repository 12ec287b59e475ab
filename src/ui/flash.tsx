import type { AppContext } from "../http/context";
import { Notice } from "./forms";

export function redirectWithNotice(
  c: AppContext,
  path: string,
  message?: string,
  kind: "ok" | "error" = "ok",
) {
  const query = message
    ? `${path.includes("?") ? "&" : "?"}${new URLSearchParams({ notice: message, kind })}`
    : "";
  return c.redirect(`${path}${query}`, 303);
}

export function FlashNotice({ c }: { c: AppContext }) {
  const text = c.req.query("notice");
  if (!text) return null;
  return <Notice kind={c.req.query("kind") === "error" ? "error" : "ok"}>{text}</Notice>;
}
