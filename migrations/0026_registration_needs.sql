ALTER TABLE `registrations` ADD `accessibility` text;--> statement-breakpoint
ALTER TABLE `registrations` ADD `dietary` text;