ALTER TABLE `registrations` ADD `cancelled_by` text;--> statement-breakpoint
-- Registrations cancelled before the column: cancelled by the organisers when their last
-- status change in the audit log (organisers' changes are logged, participants' are not)
-- was to "cancelled"; the rest were the participants' own. The log is read once.
UPDATE `registrations` SET `cancelled_by` = 'organiser' WHERE `status` = 'cancelled' AND `id` IN (SELECT `target_id` FROM (SELECT `target_id`, json_extract(`detail`, '$.to') AS `to_status`, row_number() OVER (PARTITION BY `target_id` ORDER BY `created_at` DESC, `id` DESC) AS `n` FROM `audit_log` WHERE `action` = 'registration.status') WHERE `n` = 1 AND `to_status` = 'cancelled');--> statement-breakpoint
UPDATE `registrations` SET `cancelled_by` = 'participant' WHERE `status` = 'cancelled' AND `cancelled_by` IS NULL;
