ALTER TABLE `registrations` ADD `acknowledged_at` integer;--> statement-breakpoint
ALTER TABLE `registrations` ADD `acknowledged_hash` text;--> statement-breakpoint
ALTER TABLE `registrations` ADD `listed` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `workshops` ADD `confidentiality` text;--> statement-breakpoint
ALTER TABLE `workshops` ADD `confidentiality_required` integer DEFAULT false NOT NULL;