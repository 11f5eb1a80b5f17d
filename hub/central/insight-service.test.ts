import { describe, expect, it } from 'vitest';
import { headStateOf } from './insight-service';

describe('headStateOf', () => {
  it('tells a venue with nothing sent, one still catching up and one whose root differs apart', () => {
    expect(headStateOf(true, 14, 14)).toBe('matched');
    expect(headStateOf(false, 0, 0)).toBe('empty');
    expect(headStateOf(false, 6, 14)).toBe('pending');
    expect(headStateOf(false, 14, 14)).toBe('mismatch');
    // The venue's newer signed head has not come yet: compared when it does.
    expect(headStateOf(false, 20, 14)).toBe('pending');
  });
});
