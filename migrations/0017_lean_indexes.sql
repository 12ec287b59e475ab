DROP INDEX `emails_key`;--> statement-breakpoint
DROP INDEX `emails_provider`;--> statement-breakpoint
CREATE INDEX `emails_provider` ON `emails` (`provider_id`) WHERE "emails"."provider_id" IS NOT NULL;--> statement-breakpoint
DROP INDEX `registrations_seat_op`;--> statement-breakpoint
CREATE INDEX `registrations_seat_op` ON `registrations` (`seat_op`) WHERE "registrations"."seat_op" IS NOT NULL;