// Report files in R2: upload (API and the admin form), the type read from the bytes, the
// limits, serving to the public only once the report is public, the PDF offered on the page
// and linked from the email, and deletion with the report. The R2 bucket is real (Miniflare).
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { reportFiles } from "../src/db/schema";
import { attachmentDisposition, sniffFileType } from "../src/lib/file-types";
import { renderReport } from "../src/reports/email";
import { getReport } from "../src/reports/service";
import { seedSubscribers, topic } from "./support/distribution";
import {
  ADMIN,
  call,
  cookieFor,
  db,
  json,
  ORIGIN,
  organiserWithRole,
  ownerCookie,
  uniqueEmail,
} from "./support/helpers";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === "string" ? Array.from(p, (ch) => ch.charCodeAt(0)) : p)),
  );
const PDF = bytes("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj <<>> endobj\n%%EOF\n");
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "\0\0\0\rIHDR rest");
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0], "JFIF");
const WEBP = bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 ");
const GIF = bytes("GIF89a", [1, 0, 1, 0]);
const HTML = bytes("<html><script>alert(1)</script></html>");

/** Bytes of a kind padded to `size`: the signature first, then zeros. */
function padded(signature: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(signature);
  return out;
}

async function draft(slug?: string) {
  const res = await json(
    "/api/v1/reports",
    "POST",
    {
      defaultLanguage: "en",
      ...(slug ? { slug } : {}),
      versions: [
        { language: "en", title: `Findings ${Math.random()}`, body: "English text." },
        { language: "ar", title: "الخلاصات", body: "نص عربي." },
      ],
    },
    ADMIN,
  );
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

const publish = (id: string, embargoUntil?: Date) =>
  json(
    `/api/v1/reports/${id}/publish`,
    "POST",
    embargoUntil ? { embargoUntil: embargoUntil.toISOString() } : {},
    ADMIN,
  );

interface StoredFile {
  id: string;
  kind: "pdf" | "image";
  language: string | null;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

function upload(
  reportId: string,
  file: Uint8Array,
  fields: Record<string, string>,
  headers: Record<string, string> = ADMIN,
) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  body.set("file", new File([file], fields.filename ?? "upload.bin"));
  body.delete("filename");
  return call(`/api/v1/reports/${reportId}/files`, { method: "POST", headers, body });
}

async function uploaded(reportId: string, file: Uint8Array, fields: Record<string, string>) {
  const res = await upload(reportId, file, fields);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as StoredFile;
}

async function objectsOf(reportId: string) {
  return (await env.FILES.list({ prefix: `reports/${reportId}/` })).objects.map((o) => o.key);
}

describe("file types", () => {
  it("are read from the first bytes only", () => {
    expect(sniffFileType(PDF)?.contentType).toBe("application/pdf");
    expect(sniffFileType(PNG)?.contentType).toBe("image/png");
    expect(sniffFileType(JPEG)?.contentType).toBe("image/jpeg");
    expect(sniffFileType(WEBP)?.contentType).toBe("image/webp");
    expect(sniffFileType(GIF)?.contentType).toBe("image/gif");
    expect(sniffFileType(bytes("GIF87a"))?.contentType).toBe("image/gif");
    expect(sniffFileType(HTML)).toBeNull();
    expect(sniffFileType(bytes("RIFF", [0, 0, 0, 0], "WAVE"))).toBeNull();
    expect(sniffFileType(bytes("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBeNull();
    expect(sniffFileType(new Uint8Array())).toBeNull();
  });

  it("give downloads a file name that cannot escape its header", () => {
    expect(attachmentDisposition('../../etc/"pass"\r\nX: y.pdf', "pdf", "r-en")).toBe(
      `attachment; filename="passX y.pdf"; filename*=UTF-8''passX%20y.pdf`,
    );
    expect(attachmentDisposition("تقرير الورشة.pdf", "pdf", "report-ar")).toBe(
      `attachment; filename="report-ar.pdf"; filename*=UTF-8''${encodeURIComponent("تقرير الورشة.pdf")}`,
    );
    expect(attachmentDisposition("Summary (final)", "pdf", "x")).toBe(
      `attachment; filename="Summary _final.pdf"; filename*=UTF-8''Summary%20%28final%29.pdf`,
    );
  });
});

describe("report files", () => {
  it("store a PDF edition in R2 under ids and its metadata in D1", async () => {
    const r = await draft();
    const f = await uploaded(r.id, PDF, {
      kind: "pdf",
      language: "en",
      filename: "Final report.pdf",
    });
    expect(f).toMatchObject({
      kind: "pdf",
      language: "en",
      name: "Final report.pdf",
      contentType: "application/pdf",
      size: PDF.byteLength,
      url: `/reports/${r.slug}/files/${f.id}`,
    });
    // The key is made of ids; the uploader's name is nowhere in it.
    expect(await objectsOf(r.id)).toEqual([`reports/${r.id}/${f.id}`]);
    const stored = await env.FILES.get(`reports/${r.id}/${f.id}`);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(PDF);
    const list = await call(`/api/v1/reports/${r.id}/files`, { headers: ADMIN });
    expect(((await list.json()) as { data: StoredFile[] }).data.map((x) => x.id)).toEqual([f.id]);
  });

  it("take raw bodies, whatever type they declare: the bytes decide", async () => {
    const r = await draft();
    const res = await call(`/api/v1/reports/${r.id}/files?kind=image&name=chart.png`, {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/pdf" },
      body: PNG,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ kind: "image", contentType: "image/png" });
    const missing = await call(`/api/v1/reports/${r.id}/files`, {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/octet-stream" },
      body: PNG,
    });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(await missing.json())).toContain("kind");
  });

  it("refuse a file named .pdf that is a PNG, and HTML dressed as an image", async () => {
    const r = await draft();
    const res = await upload(r.id, PNG, { kind: "pdf", language: "en", filename: "report.pdf" });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as { detail: string; errors: { path: string }[] };
    expect(problem.detail).toContain("is a PNG image, not a PDF");
    expect(problem.errors[0]!.path).toBe("file");
    const html = await upload(r.id, HTML, { kind: "image", filename: "photo.png" });
    expect(html.status).toBe(422);
    expect(((await html.json()) as { detail: string }).detail).toContain(
      "is not a PDF, PNG, JPEG, WebP or GIF",
    );
    // A PDF needs its language; an image has none.
    expect((await upload(r.id, PDF, { kind: "pdf" })).status).toBe(422);
    expect((await upload(r.id, PNG, { kind: "image", language: "en" })).status).toBe(422);
    expect(await objectsOf(r.id)).toEqual([]);
    expect(await db().select().from(reportFiles).where(eq(reportFiles.reportId, r.id))).toEqual([]);
  });

  it("refuse files over their limit: 5 MiB for an image, 20 MiB for a PDF", async () => {
    const r = await draft();
    const image = await upload(r.id, padded(JPEG, 5 * 2 ** 20 + 1), { kind: "image" });
    expect(image.status).toBe(422);
    expect(((await image.json()) as { detail: string }).detail).toContain(
      "at most 5 MiB; this one is 5.1 MiB",
    );
    // Just over 20 MiB passes the body limit (it leaves room for the envelope) but not the PDF's.
    const pdf = await upload(r.id, padded(PDF, 20 * 2 ** 20 + 1), { kind: "pdf", language: "en" });
    expect(pdf.status).toBe(422);
    expect(((await pdf.json()) as { detail: string }).detail).toContain(
      "at most 20 MiB; this one is 20.1 MiB",
    );
    // Well over it, the body is refused before it is read.
    const huge = await call(`/api/v1/reports/${r.id}/files?kind=pdf&language=en`, {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/pdf" },
      body: padded(PDF, 21 * 2 ** 20),
    });
    expect(huge.status).toBe(413);
    // Elsewhere the 1 MiB limit stands.
    const other = await call("/api/v1/reports", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/json" },
      body: "x".repeat(2 * 2 ** 20),
    });
    expect(other.status).toBe(413);
    expect(await objectsOf(r.id)).toEqual([]);
  });

  it("serve an image of a published report with its type, inline, nosniff and cached", async () => {
    const r = await draft();
    const f = await uploaded(r.id, PNG, { kind: "image", filename: "chart.png" });
    await publish(r.id);
    const res = await call(f.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toBe("inline");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    // Webmail shows the email's copy of the image from its own origin.
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    const again = await call(f.url, { headers: { "If-None-Match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);
    // An unknown id, or a file under another report's slug, is a 404 / moves.
    expect((await call(`/reports/${r.slug}/files/fil_nothing`)).status).toBe(404);
  });

  it("follow a report's new slug", async () => {
    const r = await draft();
    const f = await uploaded(r.id, GIF, { kind: "image" });
    await publish(r.id);
    const slug = `renamed-${Date.now()}`;
    expect((await json(`/api/v1/reports/${r.id}`, "PATCH", { slug }, ADMIN)).status).toBe(200);
    const moved = await call(f.url);
    expect(moved.status).toBe(301);
    expect(moved.headers.get("location")).toBe(`/reports/${slug}/files/${f.id}`);
  });

  it("answer 404 for a draft's and an embargoed report's files; organisers preview them", async () => {
    const r = await draft();
    const image = await uploaded(r.id, WEBP, { kind: "image" });
    await uploaded(r.id, PDF, { kind: "pdf", language: "en" });
    expect((await call(image.url)).status).toBe(404);
    expect((await call(`/reports/${r.slug}/pdf/en`)).status).toBe(404);
    await publish(r.id, new Date(Date.now() + 3600_000));
    expect((await call(image.url)).status).toBe(404);
    expect((await call(`/reports/${r.slug}/pdf/en`)).status).toBe(404);
    // The organisers' copy answers at any time, never cached.
    const cookie = await ownerCookie();
    const preview = await call(`/admin/reports/${r.id}/files/${image.id}`, {
      headers: { Cookie: cookie },
    });
    expect(preview.status).toBe(200);
    expect(preview.headers.get("content-type")).toBe("image/webp");
    expect(preview.headers.get("cache-control")).toBe("private, no-store");
    // The preview page points the body's images at that copy.
    await json(
      `/api/v1/reports/${r.id}`,
      "PATCH",
      {
        versions: [
          {
            language: "en",
            title: "Embargoed",
            body: `![A chart](/reports/${r.slug}/files/${image.id})`,
          },
        ],
      },
      ADMIN,
    );
    const page = await (
      await call(`/admin/reports/${r.id}/preview`, { headers: { Cookie: cookie } })
    ).text();
    expect(page).toContain(`src="/admin/reports/${r.id}/files/${image.id}"`);
    // Once the embargo is over, the public gets them.
    await publish(r.id);
    expect((await call(image.url)).status).toBe(200);
    expect((await call(`/reports/${r.slug}/pdf/en`)).status).toBe(200);
  });

  it("offer the page's PDF for download, else the default language's, and replace it", async () => {
    const r = await draft();
    const first = await uploaded(r.id, PDF, {
      kind: "pdf",
      language: "en",
      filename: "Workshop report.pdf",
    });
    await publish(r.id);
    const en = await (await call(`/reports/${r.slug}?lang=en`)).text();
    expect(en).toContain(`href="/reports/${r.slug}/pdf/en"`);
    // No Arabic edition: the Arabic page offers the English one, and says so.
    const ar = await (await call(`/reports/${r.slug}?lang=ar`)).text();
    expect(ar).toContain(`href="/reports/${r.slug}/pdf/en"`);
    expect(ar).toContain('<span lang="en">English</span>');
    const pdf = await call(`/reports/${r.slug}/pdf/ar`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toBe(
      `attachment; filename="Workshop report.pdf"; filename*=UTF-8''Workshop%20report.pdf`,
    );
    expect(new Uint8Array(await pdf.arrayBuffer())).toEqual(PDF);
    // An Arabic edition: the Arabic page offers it, and the page's cached copy was purged.
    const arabic = bytes("%PDF-1.4 arabic edition");
    await uploaded(r.id, arabic, { kind: "pdf", language: "ar", filename: "تقرير.pdf" });
    expect(await (await call(`/reports/${r.slug}?lang=ar`)).text()).toContain(
      `href="/reports/${r.slug}/pdf/ar"`,
    );
    // A corrected English edition replaces the first, in D1 and in R2; the link stays.
    const corrected = bytes("%PDF-1.7 corrected");
    const second = await uploaded(r.id, corrected, { kind: "pdf", language: "en" });
    expect((await call(first.url)).status).toBe(404);
    expect(await env.FILES.head(`reports/${r.id}/${first.id}`)).toBeNull();
    const now = await call(`/reports/${r.slug}/pdf/en`);
    expect(new Uint8Array(await now.arrayBuffer())).toEqual(corrected);
    const files = await db().select().from(reportFiles).where(eq(reportFiles.reportId, r.id));
    expect(files.map((f) => f.id).sort()).toEqual(
      [second.id, files.find((f) => f.language === "ar")!.id].sort(),
    );
  });

  it("link the email to the PDF on the site, with absolute image addresses, never attached", async () => {
    const r = await draft();
    const image = await uploaded(r.id, PNG, { kind: "image" });
    await uploaded(r.id, PDF, { kind: "pdf", language: "ar" });
    await json(
      `/api/v1/reports/${r.id}`,
      "PATCH",
      {
        defaultLanguage: "ar",
        versions: [
          { language: "en", title: "Findings", body: `![Chart](${image.url})` },
          { language: "ar", title: "الخلاصات", body: "نص." },
        ],
      },
      ADMIN,
    );
    await publish(r.id);
    const renders = await renderReport(await getReport(db(), r.id), { appUrl: env.APP_URL });
    const en = renders.find((x) => x.language === "en")!;
    expect(en.html).toContain(`href="http://localhost:8787/reports/${r.slug}/pdf/ar"`);
    expect(en.html).toContain("(العربية)");
    expect(en.html).toContain(`src="http://localhost:8787${image.url}"`);
    expect(en.text).toContain(`http://localhost:8787/reports/${r.slug}/pdf/ar`);
    // While an embargo lasts the site answers 404: the email links to neither page nor PDF.
    await publish(r.id, new Date(Date.now() + 3600_000));
    const embargoed = await renderReport(await getReport(db(), r.id), { appUrl: env.APP_URL });
    expect(embargoed.find((x) => x.language === "en")!.html).not.toContain("/pdf/");
  });

  it("go with their report: R2 objects and rows, refused while a send is scheduled", async () => {
    const r = await draft();
    const image = await uploaded(r.id, PNG, { kind: "image" });
    await uploaded(r.id, PDF, { kind: "pdf", language: "en" });
    await publish(r.id);
    expect(await objectsOf(r.id)).toHaveLength(2);
    // An audience of nobody is refused before anything is scheduled (test/presend.test.ts).
    const t = await topic(`files-${Date.now()}`);
    await seedSubscribers([{ email: uniqueEmail("files"), topicIds: [t.id] }]);
    const scheduled = await json(
      `/api/v1/reports/${r.id}/distributions`,
      "POST",
      { topics: [t.slug], scheduledAt: new Date(Date.now() + 86_400_000).toISOString() },
      ADMIN,
    );
    expect(scheduled.status).toBe(201);
    const refused = await call(`/api/v1/reports/${r.id}`, { method: "DELETE", headers: ADMIN });
    expect(refused.status).toBe(409);
    expect(await objectsOf(r.id)).toHaveLength(2);
    const { id: distributionId } = (await scheduled.json()) as { id: string };
    await json(`/api/v1/distributions/${distributionId}/cancel`, "POST", {}, ADMIN);
    const deleted = await call(`/api/v1/reports/${r.id}`, { method: "DELETE", headers: ADMIN });
    expect(deleted.status, await deleted.clone().text()).toBe(204);
    expect(await objectsOf(r.id)).toEqual([]);
    expect(await db().select().from(reportFiles).where(eq(reportFiles.reportId, r.id))).toEqual([]);
    expect((await call(image.url)).status).toBe(404);
    expect((await call(`/reports/${r.slug}`)).status).toBe(404);
    expect((await call(`/api/v1/reports/${r.id}`, { headers: ADMIN })).status).toBe(404);
  });

  it("delete one file from R2 and D1", async () => {
    const r = await draft();
    const f = await uploaded(r.id, JPEG, { kind: "image" });
    const res = await call(`/api/v1/reports/${r.id}/files/${f.id}`, {
      method: "DELETE",
      headers: ADMIN,
    });
    expect(res.status).toBe(204);
    expect(await objectsOf(r.id)).toEqual([]);
    const again = await call(`/api/v1/reports/${r.id}/files/${f.id}`, {
      method: "DELETE",
      headers: ADMIN,
    });
    expect(again.status).toBe(404);
  });

  it("are the organisers' to change: door staff are refused", async () => {
    const r = await draft();
    const door = await organiserWithRole("door");
    const cookie = await cookieFor(door.id);
    const sameOrigin = { Cookie: cookie, Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" };
    expect((await upload(r.id, PDF, { kind: "pdf", language: "en" }, sameOrigin)).status).toBe(403);
    expect((await call(`/api/v1/reports/${r.id}/files`, { headers: sameOrigin })).status).toBe(403);
    const form = new FormData();
    form.set("kind", "image");
    form.set("file", new File([PNG], "x.png"));
    const page = await call(`/admin/reports/${r.id}/files`, {
      method: "POST",
      headers: sameOrigin,
      body: form,
    });
    expect(page.status).toBe(403);
    expect(
      (await call(`/api/v1/reports/${r.id}`, { method: "DELETE", headers: sameOrigin })).status,
    ).toBe(403);
    expect(await objectsOf(r.id)).toEqual([]);
  });

  it("upload from the report's admin page, which lists them with the Markdown to paste", async () => {
    const r = await draft();
    const cookie = await ownerCookie();
    const headers = { Cookie: cookie, Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" };
    const post = (kind: string, file: File, language = "en") => {
      const form = new FormData();
      form.set("kind", kind);
      form.set("language", language);
      form.set("name", "");
      form.set("file", file);
      return call(`/admin/reports/${r.id}/files`, { method: "POST", headers, body: form });
    };
    const ok = await post("image", new File([PNG], "Group photo.png"));
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toContain("Uploaded+Group+photo.png");
    const wrong = await post("pdf", new File([PNG], "report.pdf"));
    expect(wrong.status).toBe(303);
    expect(decodeURIComponent(wrong.headers.get("location")!.replaceAll("+", " "))).toContain(
      "is a PNG image, not a PDF",
    );
    const [file] = await db().select().from(reportFiles).where(eq(reportFiles.reportId, r.id));
    expect(file).toMatchObject({ kind: "image", language: null, name: "Group photo.png" });
    const page = await (
      await call(`/admin/reports/${r.id}`, { headers: { Cookie: cookie } })
    ).text();
    expect(page).toContain(`value="![Group photo](/reports/${r.slug}/files/${file!.id})"`);
    expect(page).toContain('enctype="multipart/form-data"');
    const del = await call(`/admin/reports/${r.id}/files/${file!.id}/delete`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(del.status).toBe(303);
    expect(await objectsOf(r.id)).toEqual([]);
    // Deleting the report from its page needs the box ticked.
    const unticked = await call(`/admin/reports/${r.id}/delete`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(unticked.headers.get("location")).toContain("kind=error");
    const gone = await call(`/admin/reports/${r.id}/delete`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
      body: "confirm=yes",
    });
    expect(gone.headers.get("location")).toContain("/admin/reports?notice=Report+deleted.");
  });

  it("are described in the OpenAPI document", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const files = doc.paths["/api/v1/reports/{id}/files"]!;
    expect(Object.keys(files).sort()).toEqual(["get", "post"]);
    expect(JSON.stringify(files.post)).toContain("multipart/form-data");
    expect(doc.paths["/api/v1/reports/{id}/files/{fileId}"]).toHaveProperty("delete");
    expect(doc.paths["/api/v1/reports/{id}"]).toHaveProperty("delete");
    // The reference page, rendered on the server from the same document, shows them too.
    const page = await call("/api/v1/docs", { headers: ADMIN });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/api/v1/reports/{id}/files");
  });
});
