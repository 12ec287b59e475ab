ALTER TABLE `distributions` ADD `content` text;--> statement-breakpoint
ALTER TABLE `distributions` ADD `error` text;