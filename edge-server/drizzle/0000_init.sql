CREATE TABLE `venue_config` (
	`id` integer PRIMARY KEY NOT NULL,
	`venue_id` text NOT NULL,
	`public_key` text NOT NULL,
	`hub_url` text,
	`is_enrolled` integer DEFAULT false NOT NULL,
	`enrolled_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `venue_log` (
	`venue_seq` integer PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`epoch` integer NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`attempt_id` text,
	`at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`hash` text NOT NULL,
	`prev_hash` text NOT NULL,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `venue_log_device_seq` ON `venue_log` (`device_id`,`epoch`,`seq`);--> statement-breakpoint
CREATE INDEX `venue_log_attempt` ON `venue_log` (`attempt_id`);--> statement-breakpoint
CREATE TABLE `device_heads` (
	`device_id` text NOT NULL,
	`epoch` integer NOT NULL,
	`acked_seq` integer NOT NULL,
	`acked_hash` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`device_id`, `epoch`)
);
--> statement-breakpoint
CREATE TABLE `sync_alarms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reason` text NOT NULL,
	`device_id` text NOT NULL,
	`epoch` integer NOT NULL,
	`seq` integer NOT NULL,
	`held_hash` text,
	`offered_hash` text,
	`raised_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `merkle_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`frontier` text NOT NULL,
	`root` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `uplink_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`acked_venue_seq` integer DEFAULT 0 NOT NULL,
	`hub_root` text,
	`is_head_matched` integer,
	`last_success_at` integer,
	`last_error` text,
	`last_error_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `downlink_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`cursor` integer DEFAULT 0 NOT NULL,
	`last_success_at` integer,
	`last_error` text,
	`last_error_at` integer
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`session_id` text PRIMARY KEY NOT NULL,
	`exam_id` text NOT NULL,
	`exam_version` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`session` text NOT NULL,
	`downlink_seq` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sealed_packages` (
	`session_id` text PRIMARY KEY NOT NULL,
	`exam_id` text NOT NULL,
	`exam_version` integer NOT NULL,
	`iv` text NOT NULL,
	`ciphertext` text NOT NULL,
	`sha256` text NOT NULL,
	`key_wrapped_by_release_code` text NOT NULL,
	`downlink_seq` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `released_keys` (
	`session_id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`source` text NOT NULL,
	`downlink_seq` integer,
	`released_at` integer NOT NULL
);
