CREATE TABLE `sealed_answer_keys` (
	`session_id` text PRIMARY KEY NOT NULL,
	`exam_id` text NOT NULL,
	`exam_version` integer NOT NULL,
	`iv` text NOT NULL,
	`ciphertext` text NOT NULL,
	`sha256` text NOT NULL,
	`downlink_seq` integer NOT NULL,
	`received_at` integer NOT NULL
);
