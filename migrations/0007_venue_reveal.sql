ALTER TABLE `registrations` ADD `venue_sent_at` integer;--> statement-breakpoint
ALTER TABLE `workshops` ADD `venue_reveal_hours` integer;--> statement-breakpoint
ALTER TABLE `workshops` ADD `venue_revealed_at` integer;