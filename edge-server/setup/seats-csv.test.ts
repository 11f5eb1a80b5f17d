import { describe, expect, it } from 'vitest';
import { parseSeatsCsv } from './seats-csv';

describe('seat plan CSV', () => {
  it('reads PCs with a header, comments, blank lines, quotes and Windows line ends', () => {
    const text = '\uFEFFpc-name,room,seat\r\n# room 101\r\nPC-101-01,101,A1\r\n\r\n"PC-101-02", 101 ,A2\r\nlab2.pc7,Зал 2,7\r\n';
    const { pcs, errors } = parseSeatsCsv(text);
    expect(errors).toEqual([]);
    expect(pcs).toEqual([
      { pcName: 'PC-101-01', room: '101', seat: 'A1' },
      { pcName: 'PC-101-02', room: '101', seat: 'A2' },
      { pcName: 'lab2.pc7', room: 'Зал 2', seat: '7' },
    ]);
  });

  it('names every problem by its line', () => {
    const text = ['pc-name,room,seat', 'PC-1,101,A1', 'PC-2,101', 'PC-1,102,B1', 'PC-3,101,A1', 'PC 4!,101,A4', 'PC-5,,A5'].join('\n');
    const { errors } = parseSeatsCsv(text);
    expect(errors).toEqual([
      { line: 3, message: 'expected 3 fields (pc-name,room,seat), found 2' },
      { line: 4, message: 'PC "PC-1" is already listed on line 2' },
      { line: 5, message: 'room 101 seat A1 is already taken on line 2' },
      { line: 6, message: 'PC name "PC 4!" must be 1-63 letters, digits, dot, dash or underscore' },
      { line: 7, message: 'room "" must be 1-40 letters, digits, spaces, dot, dash or underscore' },
    ]);
  });

  it('treats PC names case-insensitively, as Windows does', () => {
    expect(parseSeatsCsv('PC-1,101,A1\npc-1,101,A2').errors).toEqual([{ line: 2, message: 'PC "pc-1" is already listed on line 1' }]);
  });

  it('refuses a plan with no PCs', () => {
    expect(parseSeatsCsv('pc-name,room,seat\n').errors).toHaveLength(1);
  });
});
