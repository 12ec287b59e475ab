-- The suppression list keeps only the SHA-256 of each normalised address from now on.
-- SQLite cannot compute SHA-256, so the addresses already on the list wait in
-- suppressions_unhashed until the minutely cron hashes them back into suppressions
-- (src/subscribers/suppression.ts, hashUnhashedSuppressions). A hash never holds an '@'.
INSERT OR IGNORE INTO `suppressions_unhashed` (`email`, `reason`, `created_at`)
SELECT lower(trim(`email_hash`)), `reason`, `created_at` FROM `suppressions`
WHERE instr(`email_hash`, '@') > 0;
--> statement-breakpoint
DELETE FROM `suppressions` WHERE instr(`email_hash`, '@') > 0;
