CREATE TABLE "venues" (
	"venue_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"public_key" text NOT NULL,
	"enrolled_at" bigint NOT NULL,
	"last_seen_at" bigint
);
--> statement-breakpoint
CREATE TABLE "enrolment_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"venue_id" text,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint,
	"used_by_venue_id" text
);
--> statement-breakpoint
CREATE TABLE "venue_events" (
	"venue_id" text NOT NULL,
	"venue_seq" bigint NOT NULL,
	"device_id" text NOT NULL,
	"epoch" integer NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"attempt_id" text,
	"at" bigint NOT NULL,
	"received_at" bigint NOT NULL,
	"hash" text NOT NULL,
	"prev_hash" text NOT NULL,
	"body" jsonb NOT NULL,
	CONSTRAINT "venue_events_venue_id_venue_seq_pk" PRIMARY KEY("venue_id","venue_seq"),
	CONSTRAINT "venue_events_device_seq" UNIQUE("device_id","epoch","seq")
);
--> statement-breakpoint
CREATE TABLE "device_heads" (
	"device_id" text NOT NULL,
	"epoch" integer NOT NULL,
	"venue_id" text NOT NULL,
	"acked_seq" integer NOT NULL,
	"acked_hash" text NOT NULL,
	CONSTRAINT "device_heads_device_id_epoch_pk" PRIMARY KEY("device_id","epoch")
);
--> statement-breakpoint
CREATE TABLE "venue_heads" (
	"venue_id" text PRIMARY KEY NOT NULL,
	"acked_venue_seq" bigint NOT NULL,
	"merkle_state" jsonb NOT NULL,
	"root" text NOT NULL,
	"signed_head" jsonb,
	"is_head_matched" boolean DEFAULT false NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nonces" (
	"venue_id" text NOT NULL,
	"nonce" text NOT NULL,
	"seen_at" bigint NOT NULL,
	CONSTRAINT "nonces_venue_id_nonce_pk" PRIMARY KEY("venue_id","nonce")
);
--> statement-breakpoint
CREATE TABLE "alarms" (
	"alarm_id" bigserial PRIMARY KEY NOT NULL,
	"venue_id" text,
	"kind" text NOT NULL,
	"detail" jsonb NOT NULL,
	"raised_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "downlink_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"venue_id" text NOT NULL,
	"kind" text NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"session_id" text PRIMARY KEY NOT NULL,
	"venue_id" text NOT NULL,
	"exam_id" text NOT NULL,
	"exam_version" integer NOT NULL,
	"starts_at" bigint NOT NULL,
	"body" jsonb NOT NULL,
	"published_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "packages" (
	"session_id" text PRIMARY KEY NOT NULL,
	"exam_id" text NOT NULL,
	"exam_version" integer NOT NULL,
	"iv" text NOT NULL,
	"ciphertext" text NOT NULL,
	"sha256" text NOT NULL,
	"session_key" text NOT NULL,
	"key_wrapped_by_release_code" jsonb NOT NULL,
	"key_released_at" bigint
);
--> statement-breakpoint
CREATE TABLE "answer_keys" (
	"exam_id" text NOT NULL,
	"exam_version" integer NOT NULL,
	"body" jsonb NOT NULL,
	CONSTRAINT "answer_keys_exam_id_exam_version_pk" PRIMARY KEY("exam_id","exam_version")
);
--> statement-breakpoint
CREATE TABLE "staff_accounts" (
	"username" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"subject" text,
	"detail" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "venue_events_attempt" ON "venue_events" USING btree ("attempt_id");--> statement-breakpoint
CREATE INDEX "nonces_seen_at" ON "nonces" USING btree ("seen_at");--> statement-breakpoint
CREATE INDEX "downlink_log_venue_seq" ON "downlink_log" USING btree ("venue_id","seq");