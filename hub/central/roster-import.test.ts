import { describe, expect, it } from 'vitest';
import { makeIin } from '../../sync/iin';
import { parseCsv, validateRosterCsv } from './roster-import';
import { IINS, rosterCsv } from './test-fixture';

const context = { sessionId: 's1', rooms: [{ roomId: 'r1', seats: [{ seatId: 's1' }, { seatId: 's2' }, { seatId: 's3' }, { seatId: 's4' }, { seatId: 's5' }] }], accommodationCodes: ['extra-time-30'] };

describe('roster CSV import', () => {
  it('parses quoted fields with commas, quotes and line breaks', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi"""\r\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"']]);
  });

  it('accepts a clean roster', () => {
    const outcome = validateRosterCsv(rosterCsv(), context);
    if (!outcome.isValid) throw new Error(JSON.stringify(outcome.problems));
    expect(outcome.candidates).toHaveLength(5);
    expect(outcome.candidates[1]).toMatchObject({ candidateId: 'cand-b', iin: IINS[1], language: 'ru', roomId: 'r1', seatId: 's2' });
  });

  it('reports bad check digits, duplicates, unknown rooms, taken seats and bad languages line by line', () => {
    const bad = IINS[0]!.slice(0, 11) + String((Number(IINS[0]![11]) + 1) % 10);
    const csv = [
      'iin,last_name,first_name,language,room,seat,accommodations',
      `${IINS[0]},Әбілов,Нұрлан,kk,r1,s1,`,
      `${bad},Иванова,Анна,ru,r1,s2,`,
      `${IINS[0]},Сейітов,Қайрат,kk,r1,s3,`,
      `${IINS[2]},Ким,Ольга,en,r9,s4,`,
      `${IINS[3]},Өмірзақ,Ұлан,kk,r1,s1,wheelchair`,
      `${makeIin('2000-02-29', 'female', 7)},Ли,Мария,ru,r1,s5,extra-time-30`,
    ].join('\n');
    const outcome = validateRosterCsv(csv, context);
    if (outcome.isValid) throw new Error('a bad roster was accepted');
    expect(outcome.problems.map((p) => [p.line, p.code])).toEqual([
      [3, 'iin-check-digit'], [4, 'duplicate-iin'], [5, 'bad-language'], [5, 'unknown-room'], [6, 'seat-taken'], [6, 'unknown-accommodation'],
    ]);
    expect(outcome.problems[1]!.message).toContain('line 2');
  });

  it('names a missing column', () => {
    const outcome = validateRosterCsv('iin,last_name\n', context);
    expect(outcome).toMatchObject({ isValid: false, problems: [{ line: 1, code: 'missing-column' }] });
  });
});
