ALTER TABLE "venue_events" ALTER COLUMN "epoch" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "device_heads" ALTER COLUMN "epoch" SET DATA TYPE bigint;