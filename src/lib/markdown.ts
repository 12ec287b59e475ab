// Markdown from organisers, rendered safely: raw HTML is escaped (html: false), and
// markdown-it's link validation refuses javascript:, vbscript:, file: and data: URLs.
import MarkdownIt from "markdown-it";

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

export interface MarkdownOptions {
  /**
   * Rewrites the address of every link and image after validation: absolute for an email or
   * a feed, read elsewhere than the site; the organisers' copy of a file in a preview.
   */
  resolveUrl?: (url: string) => string;
}

// Links open normally but tell the target nothing about where they came from.
const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  token.attrSet("rel", "nofollow noopener noreferrer");
  const resolve = (env as MarkdownOptions | undefined)?.resolveUrl;
  if (resolve) token.attrSet("href", resolve(String(token.attrGet("href") ?? "")));
  return defaultLinkOpen(tokens, idx, options, env, self);
};

const defaultImage = md.renderer.rules.image!;
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const resolve = (env as MarkdownOptions | undefined)?.resolveUrl;
  if (resolve) token.attrSet("src", resolve(String(token.attrGet("src") ?? "")));
  return defaultImage(tokens, idx, options, env, self);
};

export function renderMarkdown(source: string, options: MarkdownOptions = {}): string {
  // markdown-it hands `env` to every rule; a fresh object per render, never shared.
  return md.render(source, { ...options });
}

/** Makes site-relative addresses (`/reports/…`) absolute under `base`; others stay. */
export function underBase(base: string): (url: string) => string {
  const root = base.replace(/\/$/, "");
  return (url) => (url.startsWith("/") && !url.startsWith("//") ? `${root}${url}` : url);
}
