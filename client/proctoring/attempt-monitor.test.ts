import { describe, expect, it } from 'vitest';
import { describeBrowserSignal } from './attempt-monitor';

describe('browser violation detail', () => {
  it('names the signal and its detail on one short line', () => {
    expect(describeBrowserSignal({ kind: 'hotkey', detail: { action: 'copy', key: 'c' } })).toBe('hotkey action=copy key=c');
    expect(describeBrowserSignal({ kind: 'tab-hidden', detail: {} })).toBe('tab-hidden');
  });

  it('stays within the event limit of 500 characters', () => {
    expect(describeBrowserSignal({ kind: 'hotkey', detail: { key: 'x'.repeat(900) } })).toHaveLength(500);
  });
});
