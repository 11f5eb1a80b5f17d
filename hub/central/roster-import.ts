/**
 * Roster import from CSV. Columns (header row required, any order):
 * `iin,last_name,first_name,middle_name,language,room,seat,accommodations[,candidate_id]`,
 * accommodations separated by `;`. Every line is checked (IIN check digit, duplicates,
 * unknown rooms and seats, a seat given twice, bad languages, unknown accommodations) and
 * every problem is reported with its line number; one bad line refuses the whole file.
 */
import { createHash } from 'node:crypto';
import { validateIin, type IinRejection } from '../../sync/iin';
import { Id } from '../../sync/events';
import type { RosterCandidate } from '../../sync/roster';

export interface RosterProblem {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  code: string;
  column?: string;
  message: string;
}

/** What a roster is checked against: the venue's rooms and the exam's accommodations. */
export interface RosterContext {
  sessionId: string;
  rooms: ReadonlyArray<{ roomId: string; seats: ReadonlyArray<{ seatId: string }> }>;
  accommodationCodes: readonly string[];
}

export type RosterImportOutcome =
  | { isValid: true; candidates: Array<Omit<RosterCandidate, 'accessCodeHash'>> }
  | { isValid: false; problems: RosterProblem[] };

const REQUIRED = ['iin', 'last_name', 'first_name', 'language', 'room', 'seat'] as const;
const IIN_MESSAGES: Record<IinRejection, string> = {
  empty: 'the IIN is empty',
  length: 'an IIN has 12 digits',
  'non-digit': 'an IIN has digits only',
  'bad-date': 'the first six digits are not a birth date',
  'bad-century': 'the 7th digit (century and sex) must be 1–6',
  'check-digit': 'the check digit (12th) does not match: the IIN is mistyped',
};

/** Splits CSV text into rows of fields (RFC 4180 quoting; `,` or `;` delimiter as the header uses). */
export function parseCsv(text: string): string[][] {
  const clean = text.replace(/^\uFEFF/, '');
  const firstLine = clean.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(',') || !firstLine.includes('\t') ? ',' : '\t';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let isQuoted = false;
  for (let i = 0; i < clean.length; i++) {
    const char = clean[i]!;
    if (isQuoted) {
      if (char === '"' && clean[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        isQuoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      isQuoted = true;
    } else if (char === delimiter) {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && clean[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A stable candidate id from the session and IIN, so a re-import gives the same ids (and attempt ids). */
export function candidateIdFor(sessionId: string, iin: string): string {
  return `cand-${createHash('sha256').update(`${sessionId}\u0000${iin}`).digest('hex').slice(0, 12)}`;
}

/** Checks a roster CSV against the session's rooms; all lines or none. */
export function validateRosterCsv(text: string, context: RosterContext): RosterImportOutcome {
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((name) => name.trim().toLowerCase());
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (missing.length > 0) return { isValid: false, problems: [{ line: 1, code: 'missing-column', column: missing.join(','), message: `the header lacks: ${missing.join(', ')}` }] };
  const column = (row: string[], name: string): string => (row[header.indexOf(name)] ?? '').trim();
  const rooms = new Map(context.rooms.map((room) => [room.roomId, new Set(room.seats.map((seat) => seat.seatId))]));
  const accommodations = new Set(context.accommodationCodes);
  const problems: RosterProblem[] = [];
  const candidates: Array<Omit<RosterCandidate, 'accessCodeHash'>> = [];
  const iinLines = new Map<string, number>();
  const seatLines = new Map<string, number>();
  const idLines = new Map<string, number>();
  rows.forEach((row, index) => {
    const line = index + 1;
    if (index === 0 || row.every((field) => field.trim() === '')) return;
    const problem = (code: string, columnName: string, message: string) => problems.push({ line, code, column: columnName, message });
    const before = problems.length;
    const iin = column(row, 'iin');
    const iinCheck = validateIin(iin);
    if (!iinCheck.isValid) problem(`iin-${iinCheck.reason}`, 'iin', `IIN ${iin || '(empty)'}: ${IIN_MESSAGES[iinCheck.reason]}`);
    else if (iinLines.has(iin)) problem('duplicate-iin', 'iin', `IIN ${iin} is already on line ${iinLines.get(iin)}`);
    else iinLines.set(iin, line);
    const lastName = column(row, 'last_name');
    const firstName = column(row, 'first_name');
    if (!lastName) problem('missing-name', 'last_name', 'the last name is empty');
    if (!firstName) problem('missing-name', 'first_name', 'the first name is empty');
    const language = column(row, 'language').toLowerCase();
    if (language !== 'kk' && language !== 'ru') problem('bad-language', 'language', `language "${column(row, 'language')}" is neither kk nor ru`);
    const roomId = column(row, 'room');
    const seatId = column(row, 'seat');
    const seats = rooms.get(roomId);
    if (!seats) problem('unknown-room', 'room', `room "${roomId}" is not a room of this venue`);
    else if (!seats.has(seatId)) problem('unknown-seat', 'seat', `seat "${seatId}" is not in room ${roomId}`);
    else if (seatLines.has(`${roomId}/${seatId}`)) problem('seat-taken', 'seat', `seat ${seatId} is already given on line ${seatLines.get(`${roomId}/${seatId}`)}`);
    else seatLines.set(`${roomId}/${seatId}`, line);
    const codes = column(row, 'accommodations').split(';').map((code) => code.trim()).filter(Boolean);
    for (const code of codes) if (!accommodations.has(code)) problem('unknown-accommodation', 'accommodations', `accommodation "${code}" is not defined by the exam`);
    const explicitId = header.includes('candidate_id') ? column(row, 'candidate_id') : '';
    if (explicitId && !Id.safeParse(explicitId).success) problem('bad-candidate-id', 'candidate_id', `candidate id "${explicitId}" has characters other than letters, digits, . _ : -`);
    const candidateId = explicitId || candidateIdFor(context.sessionId, iin);
    if (idLines.has(candidateId) && explicitId) problem('duplicate-candidate-id', 'candidate_id', `candidate id ${candidateId} is already on line ${idLines.get(candidateId)}`);
    idLines.set(candidateId, line);
    if (problems.length > before) return;
    const middleName = column(row, 'middle_name');
    candidates.push({ candidateId, iin, lastName, firstName, ...(middleName ? { middleName } : {}), language: language as 'kk' | 'ru', accommodations: codes, roomId, seatId });
  });
  if (problems.length > 0) return { isValid: false, problems };
  if (candidates.length === 0) return { isValid: false, problems: [{ line: 1, code: 'empty-roster', message: 'the file has no candidates' }] };
  return { isValid: true, candidates };
}
