CREATE TABLE `access_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`subject_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `access_tokens_subject` ON `access_tokens` (`subject_id`);--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`workshop_id` text NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`affiliation` text,
	`role` text DEFAULT 'participant' NOT NULL,
	`status` text NOT NULL,
	`sent_at` integer,
	`responded_at` integer,
	`reminders_sent` integer DEFAULT 0 NOT NULL,
	`registration_id` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_workshop_email` ON `invitations` (`workshop_id`,`email`);--> statement-breakpoint
CREATE INDEX `invitations_status_sent` ON `invitations` (`status`,`sent_at`);--> statement-breakpoint
CREATE TABLE `registrations` (
	`id` text PRIMARY KEY NOT NULL,
	`workshop_id` text NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`affiliation` text,
	`answers` text NOT NULL,
	`language` text NOT NULL,
	`receive_report` integer DEFAULT true NOT NULL,
	`status` text NOT NULL,
	`previous_status` text,
	`seat_op` text,
	`role` text DEFAULT 'participant' NOT NULL,
	`notes` text,
	`source` text NOT NULL,
	`waitlist_position` integer,
	`verified_at` integer,
	`promoted_at` integer,
	`checked_in_at` integer,
	`reminder_sent_at` integer,
	`link_resent_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_workshop_email` ON `registrations` (`workshop_id`,`email`);--> statement-breakpoint
CREATE INDEX `registrations_workshop_status_position` ON `registrations` (`workshop_id`,`status`,`waitlist_position`);--> statement-breakpoint
CREATE INDEX `registrations_seat_op` ON `registrations` (`seat_op`);--> statement-breakpoint
CREATE TABLE `workshops` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`timezone` text NOT NULL,
	`venue_name` text,
	`venue_address` text,
	`venue_city` text,
	`online_url` text,
	`location_private` integer DEFAULT false NOT NULL,
	`capacity` integer,
	`waitlist` integer DEFAULT true NOT NULL,
	`registration_mode` text NOT NULL,
	`require_verification` integer DEFAULT true NOT NULL,
	`registration_opens_at` integer,
	`registration_closes_at` integer,
	`language` text DEFAULT 'en' NOT NULL,
	`questions` text NOT NULL,
	`retention_days` integer DEFAULT 365 NOT NULL,
	`reminder_hours` integer DEFAULT 24,
	`invitation_reminder_days` text NOT NULL,
	`status` text NOT NULL,
	`confirmed_count` integer DEFAULT 0 NOT NULL,
	`waitlist_seq` integer DEFAULT 0 NOT NULL,
	`calendar_sequence` integer DEFAULT 0 NOT NULL,
	`purged_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workshops_slug_unique` ON `workshops` (`slug`);--> statement-breakpoint
CREATE INDEX `workshops_status_starts` ON `workshops` (`status`,`starts_at`);