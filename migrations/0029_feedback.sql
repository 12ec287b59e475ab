CREATE TABLE `feedback_answers` (
	`id` text PRIMARY KEY NOT NULL,
	`workshop_id` text NOT NULL,
	`ratings` text NOT NULL,
	`comments` text,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `feedback_answers_workshop` ON `feedback_answers` (`workshop_id`);--> statement-breakpoint
CREATE TABLE `feedback_recipients` (
	`registration_id` text PRIMARY KEY NOT NULL,
	`workshop_id` text NOT NULL,
	`sent_at` integer NOT NULL,
	`answered` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`registration_id`) REFERENCES `registrations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `feedback_recipients_workshop` ON `feedback_recipients` (`workshop_id`);--> statement-breakpoint
CREATE TABLE `feedback_surveys` (
	`workshop_id` text PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`questions` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade
);
