import { describe, expect, it } from 'vitest';
import { iinCheckDigit, makeIin, validateIin } from './iin';

describe('validateIin', () => {
  // 9,0,0,1,0,1,3,0,0,0,1 × 1..11 = 9+4+6+21+11 = 51; 51 mod 11 = 7.
  it('accepts an IIN whose check digit comes from the first weights', () => {
    expect(validateIin('900101300017')).toEqual({ isValid: true, birthDate: '1990-01-01', sex: 'male', century: 1900 });
  });

  // 8,5,0,5,1,5,4,0,0,3,0 × 1..11 = 131 ≡ 10, so recompute:
  // × 3,4,5,6,7,8,9,10,11,1,2 = 24+20+30+7+40+36+3 = 160; 160 mod 11 = 6.
  it('accepts an IIN whose check digit needs the second weights', () => {
    expect(validateIin('850515400306')).toEqual({ isValid: true, birthDate: '1985-05-15', sex: 'female', century: 1900 });
    expect(iinCheckDigit('85051540030')).toBe(6);
  });

  // 8,5,0,5,1,5,4,0,0,3,2: first sum 153 ≡ 10, second sum 164 ≡ 10.
  it('rejects every number whose both weight sets give 10', () => {
    expect(iinCheckDigit('85051540032')).toBeNull();
    for (let d = 0; d <= 9; d++) expect(validateIin(`85051540032${d}`)).toEqual({ isValid: false, reason: 'check-digit' });
  });

  it('decodes the century and sex digit', () => {
    expect(validateIin(makeIin('1899-12-31', 'male', 1))).toMatchObject({ isValid: true, century: 1800, sex: 'male', birthDate: '1899-12-31' });
    expect(validateIin(makeIin('2004-02-29', 'female', 7))).toMatchObject({ isValid: true, century: 2000, sex: 'female', birthDate: '2004-02-29' });
  });

  it('names each reason', () => {
    expect(validateIin('')).toEqual({ isValid: false, reason: 'empty' });
    expect(validateIin('   ')).toEqual({ isValid: false, reason: 'empty' });
    expect(validateIin('90010130001')).toEqual({ isValid: false, reason: 'length' });
    expect(validateIin('9001013000170')).toEqual({ isValid: false, reason: 'length' });
    expect(validateIin('900101-30001')).toEqual({ isValid: false, reason: 'non-digit' });
    expect(validateIin('900101700017')).toEqual({ isValid: false, reason: 'bad-century' });
    expect(validateIin('900101000017')).toEqual({ isValid: false, reason: 'bad-century' });
    expect(validateIin('901301300017')).toEqual({ isValid: false, reason: 'bad-date' });
    expect(validateIin('010229500017')).toEqual({ isValid: false, reason: 'bad-date' }); // 2001 is not a leap year
    expect(validateIin('900101300018')).toEqual({ isValid: false, reason: 'check-digit' });
  });

  it('ignores surrounding whitespace', () => {
    expect(validateIin(' 900101300017\n').isValid).toBe(true);
  });
});

describe('makeIin', () => {
  it('reproduces the hand-computed IINs', () => {
    expect(makeIin('1990-01-01', 'male', 1)).toBe('900101300017');
    expect(makeIin('1985-05-15', 'female', 30)).toBe('850515400306');
  });

  it('yields 30 distinct valid IINs for demo data', () => {
    const made = new Set<string>();
    for (let serial = 1; made.size < 30; serial++) {
      try {
        made.add(makeIin(`19${80 + (serial % 20)}-0${1 + (serial % 9)}-1${serial % 10}`, serial % 2 ? 'male' : 'female', serial));
      } catch {
        // a serial that cannot carry a check digit is skipped
      }
    }
    for (const iin of made) expect(validateIin(iin).isValid).toBe(true);
  });

  it('refuses a serial with no valid check digit and bad input', () => {
    expect(() => makeIin('1985-05-15', 'female', 32)).toThrow(RangeError);
    expect(() => makeIin('1985-02-30', 'female', 1)).toThrow(RangeError);
    expect(() => makeIin('2100-01-01', 'female', 1)).toThrow(RangeError);
    expect(() => makeIin('1985-01-01', 'female', 10000)).toThrow(RangeError);
  });
});
