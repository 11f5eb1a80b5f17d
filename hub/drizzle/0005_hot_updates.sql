-- Every uplink batch rewrites the summary row of each attempt it touches and the head of each
-- device chain it advances (one upsert each, in the batch's transaction). Room left on each
-- page lets PostgreSQL keep the new row version on the same page with no index entry (a HOT
-- update: the indexed columns do not change), so a batch writes no index entries for them.
-- Existing pages get the room as they are rewritten; new ones at once.
ALTER TABLE "attempt_summaries" SET (fillfactor = 50);--> statement-breakpoint
ALTER TABLE "device_heads" SET (fillfactor = 50);
