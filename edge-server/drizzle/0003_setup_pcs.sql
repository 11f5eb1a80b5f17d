CREATE TABLE `setup_pcs` (
	`pc_name` text PRIMARY KEY NOT NULL,
	`room` text NOT NULL,
	`seat` text NOT NULL,
	`registered_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `setup_pcs_room_seat` ON `setup_pcs` (`room`,`seat`);