ALTER TABLE `registrations` ADD `mode` text;--> statement-breakpoint
ALTER TABLE `registrations` ADD `previous_mode` text;--> statement-breakpoint
ALTER TABLE `workshops` ADD `attendance` text DEFAULT 'in_person' NOT NULL;--> statement-breakpoint
ALTER TABLE `workshops` ADD `online_capacity` integer;--> statement-breakpoint
ALTER TABLE `workshops` ADD `online_confirmed_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `workshops` ADD `online_waitlist_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- A workshop with only an online link was always attended online: say so.
UPDATE `workshops` SET `attendance` = 'online' WHERE `venue_name` IS NULL AND `online_url` IS NOT NULL;
