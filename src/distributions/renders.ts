// A distribution's stored renders: each language version rendered once when the
// distribution is created (src/reports/email.ts), with its footer's wording for each
// consent, then personalised per chunk. Storing them keeps a retried chunk's payload
// byte-identical, which its idempotency key requires.
import type { Db } from "../db/client";
import { distributionRenders } from "../db/schema";

export function renderRows(
  db: Db,
  distributionId: string,
  renders: Omit<typeof distributionRenders.$inferInsert, "distributionId">[],
) {
  return renders.map((r) =>
    db
      .insert(distributionRenders)
      .values({ distributionId, ...r })
      .onConflictDoNothing(),
  );
}
