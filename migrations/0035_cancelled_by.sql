ALTER TABLE `registrations` ADD `cancelled_by` text;--> statement-breakpoint
-- Registrations cancelled before the column: an organiser's cancellation is in the audit
-- log (registration.status to "cancelled"); the rest were the participants' own. The log
-- is read once (the IN list), not once per registration.
UPDATE `registrations` SET `cancelled_by` = 'organiser' WHERE `status` = 'cancelled' AND `id` IN (SELECT `target_id` FROM `audit_log` WHERE `action` = 'registration.status' AND json_extract(`detail`, '$.to') = 'cancelled');--> statement-breakpoint
UPDATE `registrations` SET `cancelled_by` = 'participant' WHERE `status` = 'cancelled' AND `cancelled_by` IS NULL;
