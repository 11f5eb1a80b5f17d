// Checks the central forms make before anything is sent, so a bad value is named next to its
// field in the staff member's language and nothing reaches the hub. The hub checks the same
// rules again (hub/central/routes/setup.ts); these only spare a round trip.

/** Ids of rooms, sessions and venues: what the hub's `Id` accepts. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,80}$/;
/** Proctor usernames at the venue. */
export const USERNAME_PATTERN = /^[a-z0-9._-]{3,40}$/;
/** Proctor PINs. */
export const PIN_PATTERN = /^\d{4,8}$/;
/** Rows are lettered A–Z; a row holds at most this many seats. */
export const MAX_ROWS = 26;
export const MAX_SEATS_PER_ROW = 40;

export interface SeatPlan { seatId: string; label: string; row: number; col: number }

/**
 * A rectangular seating plan: seats s1, s2 … numbered row by row, labelled by row letter and
 * place in the row (A1, A2 … B1 …). Empty when either count is out of range.
 */
export function seatPlan(rows: number, perRow: number): SeatPlan[] {
  if (!Number.isInteger(rows) || !Number.isInteger(perRow) || rows < 1 || perRow < 1 || rows > MAX_ROWS || perRow > MAX_SEATS_PER_ROW) return [];
  const seats: SeatPlan[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < perRow; col++) seats.push({ seatId: `s${seats.length + 1}`, label: `${String.fromCharCode(65 + row)}${col + 1}`, row, col });
  }
  return seats;
}

/** The same room name, as the hub compares it (case and outer spaces aside). */
export function isSameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export interface ProctorDraft { username: string; displayName: string; pin: string; roomIds: string[] }

/** What is wrong with one proctor of the schedule form, as message keys by field. */
export function proctorProblems(proctor: ProctorDraft, others: readonly ProctorDraft[]): Partial<Record<'username' | 'displayName' | 'pin' | 'roomIds', string>> {
  const problems: Partial<Record<'username' | 'displayName' | 'pin' | 'roomIds', string>> = {};
  if (!USERNAME_PATTERN.test(proctor.username)) problems.username = 'ce.invalid.username';
  else if (others.some((other) => other.username === proctor.username)) problems.username = 'ce.error.duplicate-proctor';
  if (proctor.displayName.trim() === '') problems.displayName = 'ce.invalid.required';
  if (!PIN_PATTERN.test(proctor.pin)) problems.pin = 'ce.invalid.pin';
  if (proctor.roomIds.length === 0) problems.roomIds = 'ce.invalid.proctor-rooms';
  return problems;
}
