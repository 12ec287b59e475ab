DROP INDEX `deliveries_provider`;--> statement-breakpoint
ALTER TABLE `deliveries` DROP COLUMN `provider_id`;--> statement-breakpoint
ALTER TABLE `deliveries` DROP COLUMN `attempts`;