// A readable API reference, rendered on the server from the OpenAPI document itself, so
// it needs no script or stylesheet from outside and never disagrees with the API.
import type { Context } from "hono";
import { adminDictionary } from "../i18n";
import { Page } from "../ui/layout";
import { Fill } from "../ui/words";
import { adminPage } from "./admin-lang";
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
  const view = adminPage(c);
  const t = adminDictionary(view.lang).apiDocs;
  // The document's own words (titles, summaries, descriptions) are English, as the API's.
  const en = view.lang === "en" ? undefined : "en";
  return (
    <Page {...view} title={t.title} path="/api/v1/docs">
      <h1 lang={en}>{doc.info.title}</h1>
      <p>
        <Fill
          text={t.version}
          values={{
            version: <bdi>{doc.info.version}</bdi>,
            link: (
              <a href="/api/v1/openapi.json" dir="ltr">
                /api/v1/openapi.json
              </a>
            ),
          }}
        />
      </p>
      {doc.info.description ? (
        <p class="muted" lang={en} dir={en ? "ltr" : undefined}>
          {doc.info.description}
        </p>
      ) : null}
      <nav aria-label={t.sections} lang={en}>
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
          <h2 id={tag.toLowerCase().replace(/\W+/g, "-")} lang={en}>
            {tag}
          </h2>
          {operations
            .filter((o) => (o.op.tags?.[0] ?? "Other") === tag)
            .map(({ path, method, op }) => (
              <article class="api-op">
                <h3 dir="ltr">
                  <span class="method">{method}</span>
                  <code>{path}</code>
                </h3>
                {op.summary ? (
                  <p lang={en} dir={en ? "ltr" : undefined}>
                    {op.summary}
                  </p>
                ) : null}
                {(op.security ?? doc.security)?.length ? <p class="muted">{t.needsToken}</p> : null}
                {op.parameters?.length ? (
                  <p>
                    {t.parameters}{" "}
                    {op.parameters.map((p) => (
                      <code dir="ltr">
                        {p.name} ({p.in}
                        {p.required ? t.required : ""}){" "}
                      </code>
                    ))}
                  </p>
                ) : null}
                {op.requestBody?.content
                  ? Object.entries(op.requestBody.content).map(([type, body]) => (
                      <details>
                        <summary>
                          <Fill text={t.body} values={{ type: <bdi>{type}</bdi> }} />
                        </summary>
                        <pre class="text" dir="ltr">
                          {JSON.stringify(body.schema, null, 2)}
                        </pre>
                      </details>
                    ))
                  : null}
                <p>
                  {t.answers}{" "}
                  {Object.entries(op.responses ?? {}).map(([status, r]) => (
                    <span>
                      <code>{status}</code> <span lang={en}>{r.description}</span>.{" "}
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
