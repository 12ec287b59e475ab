// Refusing to serve with secrets too short to protect anything (ADMIN_TOKEN, TOKEN_SECRET:
// src/env.ts). Workers have no start-up hook, so the check runs on every request; it only
// compares two lengths. Every request, /healthz included, gets a 503 that names the
// settings (never their values), so the operator sees why in the browser, in a script and
// in a health check alike.
import type { MiddlewareHandler } from "hono";
import { configurationProblems } from "../env";
import { Page } from "../ui/layout";
import type { AppEnv } from "./context";
import { isApiRequest } from "./errors";
import { problem } from "./problem";

let logged = false;

export const refuseWhenMisconfigured: MiddlewareHandler<AppEnv> = async (c, next) => {
  const problems = configurationProblems(c.env);
  if (problems.length === 0) return next();
  if (!logged) {
    logged = true;
    console.error("refusing to serve:", problems.join(" "));
  }
  const detail = `The Worker refuses to serve until this is fixed. ${problems.join(" ")}`;
  if (c.req.path === "/healthz") return c.json({ status: "misconfigured", detail }, 503);
  if (isApiRequest(c)) return problem(c, 503, detail);
  return c.html(
    <Page lang="en" title="Not configured">
      <h1>This site is not configured yet</h1>
      <p>The Worker refuses to serve until its operator fixes this:</p>
      <ul>
        {problems.map((p) => (
          <li>{p}</li>
        ))}
      </ul>
    </Page>,
    503,
  );
};
