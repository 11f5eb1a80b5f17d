import { describe, expect, it } from 'vitest';
import { isSameName, proctorProblems, seatPlan } from './forms';

describe('central form checks', () => {
  it('lays seats out row by row with lettered rows', () => {
    expect(seatPlan(1, 3)).toEqual([{ seatId: 's1', label: 'A1', row: 0, col: 0 }, { seatId: 's2', label: 'A2', row: 0, col: 1 }, { seatId: 's3', label: 'A3', row: 0, col: 2 }]);
    expect(seatPlan(2, 2).map((seat) => seat.label)).toEqual(['A1', 'A2', 'B1', 'B2']);
    expect(seatPlan(26, 40).at(-1)).toEqual({ seatId: 's1040', label: 'Z40', row: 25, col: 39 });
  });

  it('gives no seats for an empty or impossible plan', () => {
    expect(seatPlan(0, 5)).toEqual([]);
    expect(seatPlan(3, Number.NaN)).toEqual([]);
    expect(seatPlan(27, 1)).toEqual([]);
    expect(seatPlan(1, 41)).toEqual([]);
  });

  it('compares room names as the hub does', () => {
    expect(isSameName(' Room 1 ', 'room 1')).toBe(true);
    expect(isSameName('Room 1', 'Room 11')).toBe(false);
  });

  it('names every bad field of a proctor', () => {
    const good = { username: 'a.proctor', displayName: 'A Proctor', pin: '2468', roomIds: ['r1'] };
    expect(proctorProblems(good, [])).toEqual({});
    expect(proctorProblems({ username: 'A', displayName: ' ', pin: '12a4', roomIds: [] }, [])).toEqual({
      username: 'ce.invalid.username', displayName: 'ce.invalid.required', pin: 'ce.invalid.pin', roomIds: 'ce.invalid.proctor-rooms',
    });
    expect(proctorProblems({ ...good, pin: '123456789' }, []).pin).toBe('ce.invalid.pin');
    expect(proctorProblems(good, [good]).username).toBe('ce.error.duplicate-proctor');
  });
});
