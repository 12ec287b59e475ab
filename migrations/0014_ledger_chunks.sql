CREATE TABLE `distribution_chunks` (
	`distribution_id` text NOT NULL,
	`chunk` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`size` integer DEFAULT 0 NOT NULL,
	`provider_ids` text,
	`op` text,
	`forget` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`distribution_id`, `chunk`),
	FOREIGN KEY (`distribution_id`) REFERENCES `distributions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_deliveries` (
	`id` text NOT NULL,
	`distribution_id` text NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`language` text NOT NULL,
	`subscriber_id` text,
	`registration_id` text,
	`status` text NOT NULL,
	`skip_reason` text,
	`chunk` integer NOT NULL,
	`position` integer NOT NULL,
	`op` text,
	`provider_id` text,
	`outcome` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`forget` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`distribution_id`, `chunk`, `position`),
	FOREIGN KEY (`distribution_id`) REFERENCES `distributions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Hand-written data copy (the schema statements are drizzle-kit's): each numbered chunk
-- gets its state from its recipients' former statuses, then the recipients are copied with
-- a position in their chunk; those never numbered (skipped) go to chunk -1.
INSERT INTO `distribution_chunks` ("distribution_id", "chunk", "status", "attempts", "size", "op")
SELECT "distribution_id", "chunk",
  CASE WHEN sum("status" = 'sent') > 0 THEN 'sent' WHEN sum("status" = 'failed') > 0 THEN 'failed'
       WHEN sum("status" = 'sending') > 0 THEN 'sending'
       WHEN sum("status" = 'pending') > 0 THEN 'pending' ELSE 'skipped' END,
  max("attempts"), sum("status" IN ('sending', 'sent', 'failed')), 'migrated'
FROM `deliveries` WHERE "chunk" IS NOT NULL GROUP BY "distribution_id", "chunk";--> statement-breakpoint
INSERT INTO `__new_deliveries`("id", "distribution_id", "email", "name", "language", "subscriber_id", "registration_id", "status", "skip_reason", "chunk", "position", "op", "provider_id", "outcome", "attempts", "forget")
SELECT "id", "distribution_id", "email", "name", "language", "subscriber_id", "registration_id",
  CASE WHEN "status" = 'skipped' THEN 'skipped' ELSE 'pending' END, "skip_reason",
  COALESCE("chunk", -1),
  CASE WHEN "chunk" IS NULL THEN -ROW_NUMBER() OVER (PARTITION BY "distribution_id", "chunk" ORDER BY "id")
       ELSE ROW_NUMBER() OVER (PARTITION BY "distribution_id", "chunk" ORDER BY "id") - 1 END,
  "op", "provider_id", "outcome", "attempts", "forget"
FROM `deliveries` WHERE true;--> statement-breakpoint
DROP TABLE `deliveries`;--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_distribution_email` ON `deliveries` (`distribution_id`,`email`);--> statement-breakpoint
CREATE INDEX `deliveries_provider` ON `deliveries` (`provider_id`);