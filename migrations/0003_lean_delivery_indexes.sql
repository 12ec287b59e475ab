DROP INDEX `deliveries_distribution_status`;--> statement-breakpoint
DROP INDEX `deliveries_op`;