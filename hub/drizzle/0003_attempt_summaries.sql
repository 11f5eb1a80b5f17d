CREATE TABLE "attempt_summaries" (
	"venue_id" text NOT NULL,
	"attempt_id" text NOT NULL,
	"session_id" text,
	"candidate_id" text,
	"device_seqs" jsonb NOT NULL,
	"event_count" integer NOT NULL,
	"first_at" bigint NOT NULL,
	"last_at" bigint NOT NULL,
	"closed_at" bigint,
	"is_closed" boolean NOT NULL,
	"late_count" integer NOT NULL,
	"is_conflict" boolean NOT NULL,
	CONSTRAINT "attempt_summaries_venue_id_attempt_id_pk" PRIMARY KEY("venue_id","attempt_id")
);
--> statement-breakpoint
CREATE INDEX "attempt_summaries_session" ON "attempt_summaries" USING btree ("session_id","attempt_id");