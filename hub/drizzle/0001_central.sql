CREATE TABLE "central_exams" (
	"exam_id" text NOT NULL,
	"exam_version" integer NOT NULL,
	"exam_package" jsonb NOT NULL,
	"answer_key" jsonb NOT NULL,
	"sha256" text NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" bigint NOT NULL,
	CONSTRAINT "central_exams_exam_id_exam_version_pk" PRIMARY KEY("exam_id","exam_version")
);
--> statement-breakpoint
CREATE TABLE "central_rooms" (
	"venue_id" text NOT NULL,
	"room_id" text NOT NULL,
	"name" text NOT NULL,
	"seats" jsonb NOT NULL,
	CONSTRAINT "central_rooms_venue_id_room_id_pk" PRIMARY KEY("venue_id","room_id")
);
--> statement-breakpoint
CREATE TABLE "central_sessions" (
	"session_id" text PRIMARY KEY NOT NULL,
	"venue_id" text NOT NULL,
	"exam_id" text NOT NULL,
	"exam_version" integer NOT NULL,
	"starts_at" bigint NOT NULL,
	"candidates" jsonb NOT NULL,
	"proctors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"published_at" bigint,
	"release_code" text,
	"results_published_at" bigint
);
--> statement-breakpoint
CREATE TABLE "central_discrepancy_resolutions" (
	"discrepancy_id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"resolved_by" text NOT NULL,
	"resolved_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "central_item_decisions" (
	"exam_id" text NOT NULL,
	"exam_version" integer NOT NULL,
	"item_id" text NOT NULL,
	"outcome" text NOT NULL,
	"corrected_key" jsonb,
	"reason" text NOT NULL,
	"report" jsonb NOT NULL,
	"decided_by" text NOT NULL,
	"decided_at" bigint NOT NULL,
	CONSTRAINT "central_item_decisions_exam_id_exam_version_item_id_pk" PRIMARY KEY("exam_id","exam_version","item_id")
);
--> statement-breakpoint
CREATE TABLE "central_violation_decisions" (
	"attempt_id" text PRIMARY KEY NOT NULL,
	"decision" text NOT NULL,
	"credibility" real NOT NULL,
	"reason" text NOT NULL,
	"decided_by" text NOT NULL,
	"decided_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "central_certificates" (
	"certificate_number" text PRIMARY KEY NOT NULL,
	"attempt_id" text NOT NULL,
	"session_id" text NOT NULL,
	"exam_id" text NOT NULL,
	"iin" text NOT NULL,
	"full_name" text NOT NULL,
	"individual_code" text NOT NULL,
	"total" real NOT NULL,
	"total_max" real NOT NULL,
	"issued_at" bigint NOT NULL,
	"valid_until" bigint NOT NULL,
	CONSTRAINT "central_certificates_attempt_id_unique" UNIQUE("attempt_id")
);
--> statement-breakpoint
CREATE TABLE "central_results" (
	"attempt_id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"candidate_id" text NOT NULL,
	"total" real NOT NULL,
	"is_passed" boolean NOT NULL,
	"score" jsonb NOT NULL,
	"computed_at" bigint NOT NULL
);
