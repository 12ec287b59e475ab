ALTER TABLE `emails` ADD `template` text;--> statement-breakpoint
ALTER TABLE `emails` ADD `props` text;