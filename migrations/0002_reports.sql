CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`distribution_id` text NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`language` text NOT NULL,
	`subscriber_id` text,
	`registration_id` text,
	`status` text NOT NULL,
	`skip_reason` text,
	`chunk` integer,
	`op` text,
	`provider_id` text,
	`outcome` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`distribution_id`) REFERENCES `distributions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_distribution_email` ON `deliveries` (`distribution_id`,`email`);--> statement-breakpoint
CREATE INDEX `deliveries_distribution_chunk` ON `deliveries` (`distribution_id`,`chunk`);--> statement-breakpoint
CREATE INDEX `deliveries_distribution_status` ON `deliveries` (`distribution_id`,`status`,`chunk`);--> statement-breakpoint
CREATE INDEX `deliveries_provider` ON `deliveries` (`provider_id`);--> statement-breakpoint
CREATE INDEX `deliveries_op` ON `deliveries` (`op`);--> statement-breakpoint
CREATE TABLE `distribution_renders` (
	`distribution_id` text NOT NULL,
	`language` text NOT NULL,
	`subject` text NOT NULL,
	`html` text NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`distribution_id`, `language`),
	FOREIGN KEY (`distribution_id`) REFERENCES `distributions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `distributions` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`status` text NOT NULL,
	`audience` text NOT NULL,
	`scheduled_at` integer,
	`stage` text DEFAULT 'audience' NOT NULL,
	`cursor` text,
	`chunk_count` integer DEFAULT 0 NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`sent` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`delivered` integer DEFAULT 0 NOT NULL,
	`bounced` integer DEFAULT 0 NOT NULL,
	`complained` integer DEFAULT 0 NOT NULL,
	`started_at` integer,
	`completed_at` integer,
	`progress_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `distributions_status_scheduled` ON `distributions` (`status`,`scheduled_at`);--> statement-breakpoint
CREATE TABLE `report_versions` (
	`report_id` text NOT NULL,
	`language` text NOT NULL,
	`title` text NOT NULL,
	`summary` text,
	`body` text NOT NULL,
	PRIMARY KEY(`report_id`, `language`),
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`workshop_id` text,
	`slug` text NOT NULL,
	`default_language` text NOT NULL,
	`status` text NOT NULL,
	`published_at` integer,
	`embargo_until` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_slug_unique` ON `reports` (`slug`);--> statement-breakpoint
CREATE INDEX `reports_status_published` ON `reports` (`status`,`published_at`);--> statement-breakpoint
CREATE TABLE `subscriber_topics` (
	`subscriber_id` text NOT NULL,
	`topic_id` text NOT NULL,
	PRIMARY KEY(`subscriber_id`, `topic_id`),
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscribers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`topic_id`) REFERENCES `topics`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `subscriber_topics_topic` ON `subscriber_topics` (`topic_id`,`subscriber_id`);--> statement-breakpoint
CREATE TABLE `subscribers` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`language` text NOT NULL,
	`status` text NOT NULL,
	`consent_source` text NOT NULL,
	`consent_at` integer,
	`confirmed_at` integer,
	`unsubscribed_at` integer,
	`last_prompt_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_email_unique` ON `subscribers` (`email`);--> statement-breakpoint
CREATE INDEX `subscribers_status` ON `subscribers` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `suppressions` (
	`email` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `topics` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`name_ar` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `topics_slug_unique` ON `topics` (`slug`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `emails_provider` ON `emails` (`provider_id`);