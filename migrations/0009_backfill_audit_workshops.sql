-- Audit rows written before workshop_id existed get it as src/audit/service.ts (workshopOf) gives
-- it to new ones: from a workshop, registration, invitation, report or distribution target.
-- Sessions and API tokens of the built-in owner made before this migration have no
-- fingerprint of ADMIN_TOKEN and stop working: sign in again with the token.
UPDATE `audit_log` SET `workshop_id` = `target_id`
WHERE `workshop_id` IS NULL AND `target_type` = 'workshop';--> statement-breakpoint
UPDATE `audit_log` SET `workshop_id` =
  (SELECT `workshop_id` FROM `registrations` WHERE `registrations`.`id` = `audit_log`.`target_id`)
WHERE `workshop_id` IS NULL AND `target_type` = 'registration';--> statement-breakpoint
UPDATE `audit_log` SET `workshop_id` =
  (SELECT `workshop_id` FROM `invitations` WHERE `invitations`.`id` = `audit_log`.`target_id`)
WHERE `workshop_id` IS NULL AND `target_type` = 'invitation';--> statement-breakpoint
UPDATE `audit_log` SET `workshop_id` =
  (SELECT `workshop_id` FROM `reports` WHERE `reports`.`id` = `audit_log`.`target_id`)
WHERE `workshop_id` IS NULL AND `target_type` = 'report';--> statement-breakpoint
UPDATE `audit_log` SET `workshop_id` =
  (SELECT COALESCE(json_extract(`d`.`audience`, '$.attendeesOf.workshopId'), `r`.`workshop_id`)
   FROM `distributions` `d` JOIN `reports` `r` ON `r`.`id` = `d`.`report_id`
   WHERE `d`.`id` = `audit_log`.`target_id`)
WHERE `workshop_id` IS NULL AND `target_type` = 'distribution';
