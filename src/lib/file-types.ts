// What a file is, read from its first bytes (its magic number), never from its name or the
// type its sender declared: both are whatever the sender chose, and a browser or mail
// client trusting them could be led to render an HTML page or a script as an "image".
// Only types that are safe to serve same-origin are known here: no SVG (it can carry
// scripts), no HTML.

export interface FileType {
  contentType: string;
  /** The usual file name extension, without the dot. */
  extension: string;
  /** How organisers read it in an error message. */
  label: string;
  kind: "pdf" | "image";
}

const ascii = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0));

/** Each type's signature: bytes at an offset, all of which must match. */
const SIGNATURES: { type: FileType; parts: { at: number; bytes: number[] }[] }[] = [
  {
    type: { contentType: "application/pdf", extension: "pdf", label: "a PDF", kind: "pdf" },
    parts: [{ at: 0, bytes: ascii("%PDF-") }],
  },
  {
    type: { contentType: "image/png", extension: "png", label: "a PNG image", kind: "image" },
    parts: [{ at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }],
  },
  {
    type: { contentType: "image/jpeg", extension: "jpg", label: "a JPEG image", kind: "image" },
    parts: [{ at: 0, bytes: [0xff, 0xd8, 0xff] }],
  },
  {
    // RIFF, four bytes of length, then the WEBP form type.
    type: { contentType: "image/webp", extension: "webp", label: "a WebP image", kind: "image" },
    parts: [
      { at: 0, bytes: ascii("RIFF") },
      { at: 8, bytes: ascii("WEBP") },
    ],
  },
  {
    type: { contentType: "image/gif", extension: "gif", label: "a GIF image", kind: "image" },
    parts: [{ at: 0, bytes: ascii("GIF87a") }],
  },
  {
    type: { contentType: "image/gif", extension: "gif", label: "a GIF image", kind: "image" },
    parts: [{ at: 0, bytes: ascii("GIF89a") }],
  },
];

/** The type the bytes start with, or null for anything else. */
export function sniffFileType(bytes: Uint8Array): FileType | null {
  for (const { type, parts } of SIGNATURES) {
    const matches = parts.every(({ at, bytes: expected }) =>
      expected.every((byte, i) => bytes[at + i] === byte),
    );
    if (matches) return type;
  }
  return null;
}

/** The content types `sniffFileType` recognises, for documentation and accepted bodies. */
export const KNOWN_CONTENT_TYPES = [...new Set(SIGNATURES.map((s) => s.type.contentType))];

/**
 * `Content-Disposition: attachment` with a file name no browser can misread: no path, no
 * quotes or controls, the extension the type calls for, an ASCII `filename` and the full
 * name (Arabic, say) in `filename*` (RFC 6266, RFC 8187). `fallback` (plain ASCII) stands in
 * when nothing of the name survives in ASCII.
 */
export function attachmentDisposition(name: string, extension: string, fallback: string): string {
  const base = safeBaseName(name).replace(new RegExp(`\\.${extension}$`, "i"), "");
  const full = `${base || fallback}.${extension}`;
  const asciiBase = base
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9 ._-]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^[_ .]+|[_ .]+$/g, "");
  const asciiName = `${/[A-Za-z0-9]/.test(asciiBase) ? asciiBase : fallback}.${extension}`;
  const encoded = encodeURIComponent(full).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encoded}`;
}

/** The last part of a path, without controls, quotes or separators; at most 200 characters. */
export function safeBaseName(name: string): string {
  return (
    name
      .split(/[/\\]/)
      .pop()!
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping controls is the point
      .replace(/[\u0000-\u001F\u007F"<>|:*?]+/g, "")
      .trim()
      .slice(0, 200)
  );
}
