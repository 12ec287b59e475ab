CREATE TABLE `suppression_lifts` (
	`id` text PRIMARY KEY NOT NULL,
	`email_hash` text NOT NULL,
	`reason` text NOT NULL,
	`listed_at` integer NOT NULL,
	`event_id` text,
	`distribution_id` text,
	`entry_note` text,
	`note` text,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`lifted_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `suppression_lifts_email_hash` ON `suppression_lifts` (`email_hash`,`lifted_at`);--> statement-breakpoint
ALTER TABLE `distribution_renders` ADD `consent` text;--> statement-breakpoint
ALTER TABLE `suppressions` ADD `event_id` text;--> statement-breakpoint
ALTER TABLE `suppressions` ADD `distribution_id` text;--> statement-breakpoint
ALTER TABLE `suppressions` ADD `note` text;--> statement-breakpoint
ALTER TABLE `suppressions` ADD `erased_at` integer;--> statement-breakpoint
CREATE INDEX `suppressions_created` ON `suppressions` (`created_at`,`email_hash`);