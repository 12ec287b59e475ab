// A report's file as an HTTP answer, for the public route and the organisers' preview alike.
import { attachmentDisposition } from "../lib/file-types";
import type { FoundFile } from "./files";

/**
 * How long browsers may keep a public file before asking again (with its ETag, answered
 * 304 when unchanged). Short, because an organiser who deletes an image (a photo that shows
 * someone who must not be seen, say) needs it gone from readers soon, not in a day.
 */
const PUBLIC_MAX_AGE = 300;

/**
 * The stored type (read from the bytes when uploaded) with `nosniff`, so nothing is ever
 * rendered as something else; images inline, a PDF as a download with a safe name. The
 * public's copy may be cached and embedded by other sites (webmail shows the report's images
 * from its own origin); the organisers' preview of a report not yet public is never stored.
 */
export function fileResponse(
  found: FoundFile,
  object: R2Object | R2ObjectBody,
  audience: "public" | "organisers",
): Response {
  const { file, slug } = found;
  const headers = new Headers({
    "Content-Type": file.contentType,
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition":
      file.kind === "pdf"
        ? attachmentDisposition(file.name, "pdf", `${slug}-${file.language ?? "report"}`)
        : "inline",
    ETag: object.httpEtag,
    "Last-Modified": object.uploaded.toUTCString(),
    "Cache-Control":
      audience === "public" ? `public, max-age=${PUBLIC_MAX_AGE}` : "private, no-store",
  });
  if (audience === "public") headers.set("Cross-Origin-Resource-Policy", "cross-origin");
  // R2 answered a conditional request with the object's metadata only: not modified.
  if (!("body" in object)) return new Response(null, { status: 304, headers });
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { status: 200, headers });
}
