// Text that people type: NFC-normalised, without the bidi embedding/override/isolate
// controls that can reorder surrounding text (U+202A–U+202E, U+2066–U+2069). The
// directional marks real Arabic text relies on (LRM U+200E, RLM U+200F, ALM U+061C) stay.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** The longest name a person may type anywhere public (registration, RSVP, subscription). */
export const NAME_MAX = 200;
/** The longest email address (RFC 5321's 256-octet path, less its angle brackets). */
export const EMAIL_MAX = 254;

export function cleanText(value: string): string {
  return value.normalize("NFC").replace(BIDI_CONTROLS, "").trim();
}

/** For values that end up in a mail header: no CR/LF (header injection), no controls. */
export function headerSafe(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping controls is the point
  return cleanText(value).replace(/[\r\n\u0000-\u001F\u007F]+/g, " ");
}

export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** For text placed into HTML that no template engine escapes (email substitutions). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A SQL LIKE pattern matching `q` anywhere, with LIKE's wildcards escaped (ESCAPE '\\'). */
export function likeContaining(q: string): string {
  return `%${q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
}

/**
 * A short plain-text summary of Markdown, for a meta description or a link preview: links
 * keep their text, markup goes, whitespace collapses, cut at a word near `max` characters.
 */
export function plainSummary(markdown: string, max = 200): string {
  const text = markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]*>/g, "")
    .replace(/[#*_>`~|]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
