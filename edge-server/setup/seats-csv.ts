/**
 * The technician's seat plan: a CSV of `pc-name,room,seat`, one classroom PC a line,
 * an optional header line, `#` comments and blank lines allowed. Every problem is named
 * by its line, and a plan with any problem registers nothing.
 */
import type { RegisteredPc } from '../db/setup-pcs-repo';

export interface SeatsCsvError {
  line: number;
  message: string;
}

const NAME = /^[A-Za-z0-9._-]{1,63}$/;
const LABEL = /^[\p{L}\p{N} ._-]{1,40}$/u;

export function parseSeatsCsv(text: string): { pcs: RegisteredPc[]; errors: SeatsCsvError[] } {
  const pcs: RegisteredPc[] = [];
  const errors: SeatsCsvError[] = [];
  const linesOfPc = new Map<string, number>();
  const linesOfSeat = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(',').map((field) => field.trim().replace(/^"(.*)"$/, '$1').trim());
    if (line === 1 && fields[0]?.toLowerCase().replace(/[\s_]/g, '-') === 'pc-name') return;
    if (fields.length !== 3) {
      errors.push({ line, message: `expected 3 fields (pc-name,room,seat), found ${fields.length}` });
      return;
    }
    const [pcName, room, seat] = fields as [string, string, string];
    const problems: string[] = [];
    if (!NAME.test(pcName)) problems.push(`PC name "${pcName}" must be 1-63 letters, digits, dot, dash or underscore`);
    if (!LABEL.test(room)) problems.push(`room "${room}" must be 1-40 letters, digits, spaces, dot, dash or underscore`);
    if (!LABEL.test(seat)) problems.push(`seat "${seat}" must be 1-40 letters, digits, spaces, dot, dash or underscore`);
    const pcKey = pcName.toLowerCase();
    const seatKey = `${room}\u0000${seat}`;
    if (linesOfPc.has(pcKey)) problems.push(`PC "${pcName}" is already listed on line ${linesOfPc.get(pcKey)}`);
    if (linesOfSeat.has(seatKey)) problems.push(`room ${room} seat ${seat} is already taken on line ${linesOfSeat.get(seatKey)}`);
    if (problems.length > 0) {
      for (const message of problems) errors.push({ line, message });
      return;
    }
    linesOfPc.set(pcKey, line);
    linesOfSeat.set(seatKey, line);
    pcs.push({ pcName, room, seat });
  });
  if (pcs.length === 0 && errors.length === 0) errors.push({ line: lines.length, message: 'the file lists no PCs' });
  return { pcs, errors };
}
