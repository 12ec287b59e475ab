-- Workshops created before teams existed: their creator (from the audit log) becomes an
-- organiser member, so nobody loses sight of a workshop they made. Owners see every
-- workshop anyway. A session records the organiser's id as actor_id, an API token its own.
INSERT OR IGNORE INTO `workshop_members` (`workshop_id`, `organiser_id`, `role`)
SELECT `a`.`target_id`, COALESCE(`t`.`organiser_id`, `a`.`actor_id`), 'organiser'
FROM `audit_log` `a`
JOIN `workshops` `w` ON `w`.`id` = `a`.`target_id`
LEFT JOIN `api_tokens` `t` ON `a`.`actor_type` = 'api_token' AND `t`.`id` = `a`.`actor_id`
JOIN `organisers` `o` ON `o`.`id` = COALESCE(`t`.`organiser_id`, `a`.`actor_id`)
WHERE `a`.`action` = 'workshop.create'
  AND `a`.`actor_type` IN ('organiser', 'api_token');
