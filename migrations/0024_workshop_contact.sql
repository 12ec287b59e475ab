ALTER TABLE `workshops` ADD `contact_name` text;--> statement-breakpoint
ALTER TABLE `workshops` ADD `contact_email` text;