// A distribution's stored renders: each language version rendered once when the
// distribution is created (src/reports/email.ts), then personalised per chunk. Storing them
// keeps a retried chunk's payload byte-identical, which its idempotency key requires.
import type { Db } from "../db/client";
import { distributionRenders } from "../db/schema";
import type { Lang } from "../i18n";

export function renderRows(
  db: Db,
  distributionId: string,
  renders: { language: Lang; subject: string; html: string; text: string }[],
) {
  return renders.map((r) =>
    db
      .insert(distributionRenders)
      .values({ distributionId, ...r })
      .onConflictDoNothing(),
  );
}
