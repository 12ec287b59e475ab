// A readable API reference, rendered on the server from the OpenAPI document itself, so
// it needs no script or stylesheet from outside and never disagrees with the API.
import type { Context } from "hono";
import { Page } from "../ui/layout";
import type { AppEnv } from "./context";

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

type Document = {
  info: { title: string; version: string; description?: string };
  /** The default of operations that declare none. */
  security?: unknown[];
  paths?: Record<string, Record<string, Operation>>;
};

export function ApiReference({ c, doc }: { c: Context<AppEnv>; doc: Document }) {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const tags = [...new Set(operations.map((o) => o.op.tags?.[0] ?? "Other"))];
  return (
    <Page lang="en" title="API reference" area="admin" actor={c.var.actor} path="/api/v1/docs">
      <h1>{doc.info.title}</h1>
      <p>
        Version {doc.info.version}. Machine-readable:{" "}
        <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
      </p>
      {doc.info.description ? <p class="muted">{doc.info.description}</p> : null}
      <nav aria-label="Sections">
        <ul>
          {tags.map((tag) => (
            <li>
              <a href={`#${tag.toLowerCase().replace(/\W+/g, "-")}`}>{tag}</a>
            </li>
          ))}
        </ul>
      </nav>
      {tags.map((tag) => (
        <section aria-labelledby={tag.toLowerCase().replace(/\W+/g, "-")}>
          <h2 id={tag.toLowerCase().replace(/\W+/g, "-")}>{tag}</h2>
          {operations
            .filter((o) => (o.op.tags?.[0] ?? "Other") === tag)
            .map(({ path, method, op }) => (
              <article class="api-op">
                <h3>
                  <span class="method">{method}</span>
                  <code>{path}</code>
                </h3>
                {op.summary ? <p>{op.summary}</p> : null}
                {(op.security ?? doc.security)?.length ? (
                  <p class="muted">Needs an organiser's bearer token or session.</p>
                ) : null}
                {op.parameters?.length ? (
                  <p>
                    Parameters:{" "}
                    {op.parameters.map((p) => (
                      <code>
                        {p.name} ({p.in}
                        {p.required ? ", required" : ""}){" "}
                      </code>
                    ))}
                  </p>
                ) : null}
                {op.requestBody?.content
                  ? Object.entries(op.requestBody.content).map(([type, body]) => (
                      <details>
                        <summary>Body: {type}</summary>
                        <pre class="text">{JSON.stringify(body.schema, null, 2)}</pre>
                      </details>
                    ))
                  : null}
                <p>
                  Answers:{" "}
                  {Object.entries(op.responses ?? {}).map(([status, r]) => (
                    <span>
                      <code>{status}</code> {r.description}.{" "}
                    </span>
                  ))}
                </p>
              </article>
            ))}
        </section>
      ))}
    </Page>
  );
}
