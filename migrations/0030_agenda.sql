CREATE TABLE `session_people` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`workshop_id` text NOT NULL,
	`role` text NOT NULL,
	`registration_id` text,
	`name` text,
	`affiliation` text,
	`public_consent` integer DEFAULT false NOT NULL,
	`consent_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `workshop_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`registration_id`) REFERENCES `registrations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_people_session` ON `session_people` (`session_id`);--> statement-breakpoint
CREATE INDEX `session_people_workshop` ON `session_people` (`workshop_id`);--> statement-breakpoint
CREATE INDEX `session_people_registration` ON `session_people` (`registration_id`) WHERE "session_people"."registration_id" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `workshop_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`workshop_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`room` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `workshop_sessions_workshop` ON `workshop_sessions` (`workshop_id`,`starts_at`);