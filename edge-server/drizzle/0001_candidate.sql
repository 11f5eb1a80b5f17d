CREATE TABLE `candidate_login_failures` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`window_started_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `candidate_sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`candidate_id` text NOT NULL,
	`session_id` text NOT NULL,
	`attempt_id` text NOT NULL,
	`seat_id` text NOT NULL,
	`device_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE INDEX `candidate_sessions_attempt` ON `candidate_sessions` (`attempt_id`);