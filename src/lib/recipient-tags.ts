// Tags on a report email: Resend echoes them in every webhook event about the email, so an
// event finds its recipient (distribution, chunk, position: the ledger's key) without a
// provider id stored per recipient. Tag values are ASCII letters, digits, `_` and `-`.

export interface RecipientTag {
  distributionId: string;
  chunk: number;
  position: number;
}

const NAMES = { distribution: "distribution", chunk: "chunk", position: "position" } as const;

export function recipientTags(r: RecipientTag): { name: string; value: string }[] {
  return [
    { name: NAMES.distribution, value: r.distributionId },
    { name: NAMES.chunk, value: String(r.chunk) },
    { name: NAMES.position, value: String(r.position) },
  ];
}

/** The recipient named by an event's tags (an object, or a list as sent), or null. */
export function recipientFromTags(
  raw: Record<string, string> | { name: string; value: string }[] | undefined,
): RecipientTag | null {
  const tags: Record<string, string> = Array.isArray(raw)
    ? Object.fromEntries(raw.map((t) => [t.name, t.value]))
    : (raw ?? {});
  const distributionId = tags[NAMES.distribution];
  const [chunk, position] = [tags[NAMES.chunk], tags[NAMES.position]];
  if (!distributionId || !chunk || !position) return null;
  if (!/^-?\d+$/.test(chunk) || !/^-?\d+$/.test(position)) return null;
  return { distributionId, chunk: Number(chunk), position: Number(position) };
}
