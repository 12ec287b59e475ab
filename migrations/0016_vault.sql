CREATE TABLE `data_keys` (
	`name` text PRIMARY KEY NOT NULL,
	`wrapped` text,
	`master_fingerprint` text,
	`destroyed_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
DROP INDEX `deliveries_distribution_email`;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `email_index` text;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_distribution_email_index` ON `deliveries` (`distribution_id`,`email_index`);--> statement-breakpoint
DROP INDEX `invitations_workshop_email`;--> statement-breakpoint
ALTER TABLE `invitations` ADD `email_index` text;--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_workshop_email_index` ON `invitations` (`workshop_id`,`email_index`);--> statement-breakpoint
DROP INDEX `registrations_workshop_email`;--> statement-breakpoint
ALTER TABLE `registrations` ADD `email_index` text;--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_workshop_email_index` ON `registrations` (`workshop_id`,`email_index`);--> statement-breakpoint
DROP INDEX `subscribers_email_unique`;--> statement-breakpoint
ALTER TABLE `subscribers` ADD `email_index` text;--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_email_index_unique` ON `subscribers` (`email_index`);--> statement-breakpoint
ALTER TABLE `emails` ADD `key_name` text;--> statement-breakpoint
ALTER TABLE `emails` ADD `to_index` text;--> statement-breakpoint
CREATE INDEX `emails_key` ON `emails` (`key_name`);