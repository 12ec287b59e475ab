// The served OpenAPI document names every operation and says truthfully which need
// credentials: generated clients take their method names from operationIds, and their
// auth handling from `security`. (Redocly lints the same document in `npm run api:lint`.)
import { describe, expect, it } from "vitest";
import { SIGNED_OUT_API } from "../src/app";
import { call } from "./support/helpers";

type Security = Record<string, string[]>[];
interface OpenApiDocument {
  security?: Security;
  paths: Record<string, Record<string, Operation>>;
}
interface Operation {
  operationId?: string;
  security?: Security;
  requestBody?: { content?: Record<string, unknown> };
}

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

async function servedDocument(): Promise<OpenApiDocument> {
  const res = await call("/api/v1/openapi.json");
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDocument;
}

function operationsOf(doc: OpenApiDocument) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, op]) => ({
        path,
        method,
        name: `${method.toUpperCase()} ${path}`,
        operationId: op.operationId,
        // An operation without its own `security` gets the document's.
        security: op.security ?? doc.security,
        bodyType: Object.keys(op.requestBody?.content ?? {})[0],
      })),
  );
}

/** The API paths where no credentials are read (the app's SIGNED_OUT_API, as prefixes). */
const isSignedOutPath = (path: string) =>
  SIGNED_OUT_API.some((pattern) => path.startsWith(pattern.replace(/\*$/, "")));

describe("OpenAPI document", () => {
  it("gives every operation a unique camelCase operationId", async () => {
    const operations = operationsOf(await servedDocument());
    expect(operations.length).toBeGreaterThan(50);
    const missing = operations.filter((op) => !op.operationId).map((op) => op.name);
    expect(missing).toEqual([]);
    const ids = operations.map((op) => op.operationId);
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(repeated).toEqual([]);
    const notCamelCase = ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id ?? ""));
    expect(notCamelCase).toEqual([]);
  });

  it("declares security: [] on the public API and the webhook, credentials elsewhere", async () => {
    const doc = await servedDocument();
    // The default for operations that declare nothing: an organiser's bearer token or session.
    expect(doc.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    const operations = operationsOf(doc);
    const publicOps = operations.filter((op) => isSignedOutPath(op.path));
    expect(publicOps.length).toBeGreaterThan(0);
    const publicWithCredentials = publicOps
      .filter((op) => op.security?.length !== 0)
      .map((op) => op.name);
    expect(publicWithCredentials).toEqual([]);
    const guardedWithout = operations
      .filter((op) => !isSignedOutPath(op.path) && !op.security?.length)
      .map((op) => op.name);
    expect(guardedWithout).toEqual([]);
  });

  it("describes no operation as needing credentials that answers without them", async () => {
    const operations = operationsOf(await servedDocument()).filter((op) => op.security?.length);
    const answered: string[] = [];
    for (const op of operations) {
      const path = op.path.replace(/\{[^}]+\}/g, "x");
      // A body of the declared type, so the content-type check lets it reach the guard.
      const res = await call(path, {
        method: op.method.toUpperCase(),
        ...(op.bodyType
          ? {
              headers: { "Content-Type": op.bodyType },
              body: op.bodyType.endsWith("json") ? "{}" : "",
            }
          : {}),
      });
      if (res.status !== 401) answered.push(`${op.name} → ${res.status}`);
    }
    expect(answered).toEqual([]);
  });
});
