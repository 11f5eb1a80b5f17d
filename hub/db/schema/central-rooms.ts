/**
 * The computer classrooms of each venue and their numbered seats, as central staff
 * registered them. A roster import checks every candidate's room and seat against these.
 */
import { jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export interface CentralSeat { seatId: string; label: string; row: number; col: number }

export const centralRooms = pgTable(
  'central_rooms',
  {
    venueId: text('venue_id').notNull(),
    roomId: text('room_id').notNull(),
    name: text('name').notNull(),
    seats: jsonb('seats').$type<CentralSeat[]>().notNull(),
  },
  (table) => [primaryKey({ columns: [table.venueId, table.roomId] })],
);
