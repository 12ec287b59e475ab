// The links of a report's body, and whether they answer: a pre-send check (src/distributions/
// presend.ts), so a broken link is caught before it reaches thousands of inboxes. Only
// absolute http(s) links are checked; the report's own files and pages are the app's.

/** Absolute http(s) links in Markdown: `[text](url)`, `<url>` and bare URLs, once each. */
export function linksIn(markdown: string): string[] {
  const found = new Set<string>();
  for (const m of markdown.matchAll(
    /\]\((https?:\/\/[^\s)]+)\)|<(https?:\/\/[^\s>]+)>|(https?:\/\/[^\s)<>\]"']+)/g,
  )) {
    const url = (m[1] ?? m[2] ?? m[3])!.replace(/[.,;:!?]+$/, "");
    try {
      found.add(new URL(url).toString());
    } catch {
      // Not a URL after all: nothing to check.
    }
  }
  return [...found];
}

export interface LinkProblem {
  url: string;
  problem: string;
}

/**
 * Asks each link (HEAD, then GET where HEAD is not allowed), all at once, each within
 * `timeoutMs`: the check never holds a request longer than that. Returns those that do not
 * answer with a success or a redirect followed to one.
 */
export async function brokenLinks(
  urls: string[],
  { timeoutMs = 4000, fetcher = fetch }: { timeoutMs?: number; fetcher?: typeof fetch } = {},
): Promise<LinkProblem[]> {
  const ask = async (url: string, method: "HEAD" | "GET") =>
    fetcher(url, { method, redirect: "follow", signal: AbortSignal.timeout(timeoutMs) });
  const results = await Promise.all(
    urls.map(async (url): Promise<LinkProblem | null> => {
      try {
        let res = await ask(url, "HEAD");
        if (res.status === 405 || res.status === 501) res = await ask(url, "GET");
        return res.ok ? null : { url, problem: `answers ${res.status}` };
      } catch (error) {
        const timedOut = error instanceof Error && error.name === "TimeoutError";
        return {
          url,
          problem: timedOut
            ? `did not answer within ${timeoutMs / 1000} s`
            : "could not be reached",
        };
      }
    }),
  );
  return results.filter((r): r is LinkProblem => r !== null);
}
