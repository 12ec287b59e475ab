ALTER TABLE `suppressions` RENAME COLUMN "email" TO "email_hash";--> statement-breakpoint
CREATE TABLE `suppressions_unhashed` (
	`email` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `deliveries` ADD `forget` integer DEFAULT false NOT NULL;