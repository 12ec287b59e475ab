ALTER TABLE `api_tokens` ADD `admin_token_fingerprint` text;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `workshop_id` text;--> statement-breakpoint
CREATE INDEX `audit_log_workshop` ON `audit_log` (`workshop_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_actor` ON `audit_log` (`actor_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `admin_token_fingerprint` text;