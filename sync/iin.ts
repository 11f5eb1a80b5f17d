/**
 * Kazakhstan individual identification number (IIN / ИИН / ЖСН): 12 digits,
 * YYMMDD birth date, a century-and-sex digit, a 4-digit serial and a check digit.
 * The check is public, so every tier validates it and tells the user which part is wrong.
 */

/** Why an IIN was rejected; one stable literal per rule so the interface can explain it. */
export type IinRejection = 'empty' | 'length' | 'non-digit' | 'bad-date' | 'bad-century' | 'check-digit';

/** Sex encoded in the 7th digit (odd = male, even = female). */
export type IinSex = 'male' | 'female';

/** First year of the century encoded in the 7th digit (1–2: 1800s, 3–4: 1900s, 5–6: 2000s). */
export type IinCentury = 1800 | 1900 | 2000;

/** The outcome of {@link validateIin}. `birthDate` is ISO `YYYY-MM-DD`. */
export type IinValidation =
  | { isValid: true; birthDate: string; sex: IinSex; century: IinCentury }
  | { isValid: false; reason: IinRejection };

const FIRST_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
const SECOND_WEIGHTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2] as const;
const CENTURIES: Record<string, { century: IinCentury; sex: IinSex }> = {
  '1': { century: 1800, sex: 'male' },
  '2': { century: 1800, sex: 'female' },
  '3': { century: 1900, sex: 'male' },
  '4': { century: 1900, sex: 'female' },
  '5': { century: 2000, sex: 'male' },
  '6': { century: 2000, sex: 'female' },
};

function weightedSum(digits: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (digits[i] ?? 0) * (weights[i] ?? 0);
  return sum % 11;
}

/**
 * The check digit of the first 11 digits, or `null` when both weight sets give 10
 * (such a number can never be a valid IIN).
 */
export function iinCheckDigit(first11: string): number | null {
  const digits = Array.from(first11, Number);
  const first = weightedSum(digits, FIRST_WEIGHTS);
  if (first !== 10) return first;
  const second = weightedSum(digits, SECOND_WEIGHTS);
  return second === 10 ? null : second;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Validates an IIN and, when valid, decodes birth date, sex and century.
 * Checks run in the order a user would fix them: empty, length, digits, century, date, check digit.
 * Surrounding whitespace is ignored; inner spaces or dashes are not (an IIN is written without them).
 */
export function validateIin(input: string): IinValidation {
  const iin = input.trim();
  if (iin === '') return { isValid: false, reason: 'empty' };
  if (iin.length !== 12) return { isValid: false, reason: 'length' };
  if (!/^\d{12}$/.test(iin)) return { isValid: false, reason: 'non-digit' };
  const decoded = CENTURIES[iin[6] as string];
  if (!decoded) return { isValid: false, reason: 'bad-century' };
  const year = decoded.century + Number(iin.slice(0, 2));
  const month = Number(iin.slice(2, 4));
  const day = Number(iin.slice(4, 6));
  if (!isCalendarDate(year, month, day)) return { isValid: false, reason: 'bad-date' };
  const check = iinCheckDigit(iin.slice(0, 11));
  if (check === null || check !== Number(iin[11])) return { isValid: false, reason: 'check-digit' };
  const birthDate = `${String(year).padStart(4, '0')}-${iin.slice(2, 4)}-${iin.slice(4, 6)}`;
  return { isValid: true, birthDate, sex: decoded.sex, century: decoded.century };
}

/**
 * Builds a valid IIN from an ISO birth date (`YYYY-MM-DD`, years 1800–2099), sex and a
 * serial 0–9999. Throws a RangeError for a bad date or serial, and when that serial
 * cannot carry a valid check digit (both weight sets give 10): pick another serial.
 */
export function makeIin(birthDate: string, sex: IinSex, serial: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) throw new RangeError(`makeIin: birth date must be YYYY-MM-DD, got ${birthDate}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1800 || year > 2099 || !isCalendarDate(year, month, day)) {
    throw new RangeError(`makeIin: not a date between 1800 and 2099: ${birthDate}`);
  }
  if (!Number.isInteger(serial) || serial < 0 || serial > 9999) {
    throw new RangeError(`makeIin: serial must be an integer 0..9999, got ${serial}`);
  }
  const centuryIndex = Math.floor((year - 1800) / 100); // 0, 1, 2
  const centuryDigit = centuryIndex * 2 + (sex === 'male' ? 1 : 2);
  const first11 = `${match[1]!.slice(2)}${match[2]}${match[3]}${centuryDigit}${String(serial).padStart(4, '0')}`;
  const check = iinCheckDigit(first11);
  if (check === null) throw new RangeError(`makeIin: serial ${serial} gives no valid check digit for ${birthDate}`);
  return `${first11}${check}`;
}
