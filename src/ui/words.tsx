// Dictionary sentences with markup in them: a name in <bdi>, a code in <code>, a link.
import type { Child } from "hono/jsx";

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * `fill` (src/i18n) for pages: a dictionary string whose placeholders become elements, so
 * "Signed in as {name}" can put the name in <bdi> in every language's word order.
 */
export function Fill({ text, values }: { text: string; values: Record<string, Child> }) {
  const parts: Child[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, m.index));
    parts.push(values[m[1]!] ?? "");
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}
