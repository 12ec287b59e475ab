import type { Context } from "hono";
import type { AppEnv } from "./context";

/** What services that send mail need from a request: the mailer and the base URL for links. */
export function mailOf(c: Context<AppEnv>) {
  return { mailer: c.get("mailer"), appUrl: c.env.APP_URL };
}
