import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical';

/** The definition, written plainly: keys sorted, undefined members dropped, no whitespace. */
function reference(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => reference(v === undefined ? null : v)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
}

const withUndefined = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.option(tie('value'), { nil: undefined }), { maxKeys: 6 }),
  ),
})).value;

describe('canonical JSON', () => {
  it('equals the plain definition byte for byte, whatever the value and the order of its keys', () => {
    fc.assert(fc.property(withUndefined, (value) => {
      expect(canonicalJson(value)).toBe(reference(value));
    }), { numRuns: 2000 });
  });

  it('sorts keys by UTF-16 code units, drops undefined members and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ b: 1, a: [undefined, 'ә'], 'Z': { y: undefined, x: true }, '\u00e9': null })).toBe('{"Z":{"x":true},"a":[null,"ә"],"b":1,"é":null}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(TypeError);
  });
});
