import { describe, expect, it } from 'vitest';
import { AttemptControl, PROCTOR_COMMAND_TYPES, ProctorCommand } from './messages';

describe('proctor commands', () => {
  it('are exactly the proctor.* event types', () => {
    expect(PROCTOR_COMMAND_TYPES).toContain('proctor.pause');
    expect(PROCTOR_COMMAND_TYPES).toContain('proctor.remove');
    expect(PROCTOR_COMMAND_TYPES.every((type) => type.startsWith('proctor.'))).toBe(true);
  });

  it('accept a valid extension and refuse a candidate event or a bad payload', () => {
    expect(ProctorCommand.parse({ type: 'proctor.extend', attemptId: 'a-1', data: { minutes: 30, reason: 'accommodation' } }).type).toBe('proctor.extend');
    expect(ProctorCommand.safeParse({ type: 'answer.set', attemptId: 'a-1', data: { itemId: 'i', value: { optionIds: ['o'] } } }).success).toBe(false);
    expect(ProctorCommand.safeParse({ type: 'proctor.extend', attemptId: 'a-1', data: { minutes: 0, reason: 'x' } }).success).toBe(false);
    expect(ProctorCommand.safeParse({ type: 'proctor.remove', attemptId: 'a-1', data: { actId: 'act-1', actType: 'impostor', text: 'x', cosigners: [] } }).success).toBe(false);
  });
});

describe('attempt control', () => {
  it('carries the venue timer and refuses an unknown status', () => {
    const control = { status: 'paused', isKeyReleased: true, timer: { state: 'paused', remainingMs: 60_000, deadline: 1_000_000, now: 900_000 } };
    expect(AttemptControl.parse(control)).toEqual(control);
    expect(AttemptControl.safeParse({ ...control, status: 'lost' }).success).toBe(false);
  });
});
