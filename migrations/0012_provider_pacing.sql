CREATE TABLE `provider_pacing` (
	`account` text PRIMARY KEY NOT NULL,
	`next_at` integer NOT NULL
);
