-- The ledger keyed by its primary key alone (WITHOUT ROWID): each recipient's row is then
-- written to two b-trees (the table and the address index) instead of three (the rowid
-- table, the key's index, the address index). D1 bills every row written to each. Nothing
-- references deliveries, so the table is rebuilt without turning foreign keys off. It copies
-- the whole ledger in one statement (each row billed as written twice): on a database with
-- millions of deliveries, apply it at a quiet time, after old distributions are purged.
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
	`outcome` text,
	`forget` integer DEFAULT false NOT NULL,
	`email_index` text,
	PRIMARY KEY(`distribution_id`, `chunk`, `position`),
	FOREIGN KEY (`distribution_id`) REFERENCES `distributions`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `__new_deliveries` (`id`, `distribution_id`, `email`, `name`, `language`, `subscriber_id`, `registration_id`, `status`, `skip_reason`, `chunk`, `position`, `op`, `outcome`, `forget`, `email_index`)
SELECT `id`, `distribution_id`, `email`, `name`, `language`, `subscriber_id`, `registration_id`, `status`, `skip_reason`, `chunk`, `position`, `op`, `outcome`, `forget`, `email_index` FROM `deliveries`;--> statement-breakpoint
DROP TABLE `deliveries`;--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_distribution_email_index` ON `deliveries` (`distribution_id`,`email_index`);
