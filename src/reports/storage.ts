// Where a report's files live in R2: `reports/<report id>/<file id>`. Keys are made of ids
// only, never of an uploader's file name, and every file of a report shares its prefix, so
// deleting a report can find its objects in R2 itself, including any whose D1 row was
// never written or is already gone.

export function fileKey(reportId: string, fileId: string): string {
  return `reports/${reportId}/${fileId}`;
}

const reportPrefix = (reportId: string) => `reports/${reportId}/`;

/** Deletes every object under the report's prefix; returns how many there were. */
export async function removeReportObjects(bucket: R2Bucket, reportId: string): Promise<number> {
  let removed = 0;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: reportPrefix(reportId), cursor });
    if (page.objects.length > 0) {
      // R2 deletes up to 1,000 keys per call, the most a list page returns.
      await bucket.delete(page.objects.map((o) => o.key));
      removed += page.objects.length;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return removed;
}
