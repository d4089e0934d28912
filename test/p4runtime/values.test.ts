import { describe, expect, it } from 'vitest';
import { formatMatch, parseMatch, parseValue } from '../../kernel-lib/p4runtime/values.js';
import { P4RuntimeValueError } from '../../kernel-lib/p4runtime/errors.js';

const at = 'table MyIngress.t, field f';

describe('parseValue', () => {
  it('reads the forms people write', () => {
    expect(parseValue('10.0.1.1', 32, at)).toBe(0x0a000101n);
    expect(parseValue('00:00:00:00:01:02', 48, at)).toBe(0x102n);
    expect(parseValue('aa-bb-cc-dd-ee-ff', 48, at)).toBe(0xaabbccddeeffn);
    expect(parseValue('0x0800', 16, at)).toBe(0x800n);
    expect(parseValue('0b101', 3, at)).toBe(5n);
    expect(parseValue('1_000', 16, at)).toBe(1000n);
    expect(parseValue(511, 9, at)).toBe(511n);
    expect(parseValue(2n ** 100n, 128, at)).toBe(2n ** 100n);
    expect(parseValue(Uint8Array.of(1, 2), 16, at)).toBe(0x102n);
  });

  it('reads IPv6, compressed and with an embedded IPv4 address', () => {
    expect(parseValue('2001:db8::1', 128, at)).toBe(0x20010db8000000000000000000000001n);
    expect(parseValue('::', 128, at)).toBe(0n);
    expect(parseValue('::ffff:10.0.0.1', 128, at)).toBe(0xffff0a000001n);
    expect(parseValue('1:2:3:4:5:6:7:8', 128, at)).toBe(0x00010002000300040005000600070008n);
  });

  it('names the place, the value and what was expected', () => {
    expect(() => parseValue('256', 8, at)).toThrow(/table MyIngress\.t, field f: '256' is not valid: expected a value that fits in 8 bits \(at most 255\)/);
    expect(() => parseValue('10.0.1.300', 32, at)).toThrow(/'10\.0\.1\.300' is not valid: expected a number, 0x hex/);
    expect(() => parseValue('hello', 16, at)).toThrow(P4RuntimeValueError);
    expect(() => parseValue(-1, 16, at)).toThrow(/non-negative/);
    expect(() => parseValue(1.5, 16, at)).toThrow(/an integer/);
    expect(() => parseValue('1:2:3', 128, at)).toThrow(/is not valid/);
    expect(() => parseValue('10.0.0.1', 16, at)).toThrow(/fits in 16 bits/);
  });
});

describe('parseMatch', () => {
  it('lpm: value/prefix, host bits masked, /0 is a wildcard', () => {
    expect(parseMatch('10.0.1.0/24', 'LPM', 32, at)).toEqual({ kind: 'lpm', value: 0x0a000100n, prefixLen: 24 });
    expect(parseMatch('10.0.1.7/24', 'LPM', 32, at)).toEqual({ kind: 'lpm', value: 0x0a000100n, prefixLen: 24 });
    expect(parseMatch('10.0.1.7', 'LPM', 32, at)).toEqual({ kind: 'lpm', value: 0x0a000107n, prefixLen: 32 });
    expect(parseMatch('0.0.0.0/0', 'LPM', 32, at)).toBeUndefined();
    expect(parseMatch({ value: '10.1.0.0', prefixLen: 16 }, 'LPM', 32, at)).toEqual({ kind: 'lpm', value: 0x0a010000n, prefixLen: 16 });
    expect(parseMatch('2001:db8::/32', 'LPM', 128, at)).toEqual({ kind: 'lpm', value: 0x20010db8n << 96n, prefixLen: 32 });
    expect(() => parseMatch('10.0.1.0/33', 'LPM', 32, at)).toThrow(/table MyIngress\.t, field f \(lpm, 32 bits\): '10\.0\.1\.0\/33' is not valid: expected value\/prefix-length/);
    expect(() => parseMatch('10.0.1.0/x', 'LPM', 32, at)).toThrow(/prefix of 0\.\.32/);
  });

  it('ternary: v &&& m, with or without spaces; zero mask is a wildcard', () => {
    expect(parseMatch('0x0800 &&& 0xffff', 'TERNARY', 16, at)).toEqual({ kind: 'ternary', value: 0x800n, mask: 0xffffn });
    expect(parseMatch('10.0.0.5&&&255.255.255.0', 'TERNARY', 32, at)).toEqual({ kind: 'ternary', value: 0x0a000000n, mask: 0xffffff00n });
    expect(parseMatch(7, 'TERNARY', 8, at)).toEqual({ kind: 'ternary', value: 7n, mask: 0xffn });
    expect(parseMatch('1 &&& 0', 'TERNARY', 8, at)).toBeUndefined();
    expect(parseMatch('*', 'TERNARY', 8, at)).toBeUndefined();
    expect(() => parseMatch('1 &&& 2 &&& 3', 'TERNARY', 8, at)).toThrow(/'value &&& mask'/);
  });

  it('range: lo..hi or lo->hi; the full range is a wildcard', () => {
    expect(parseMatch('1024..65535', 'RANGE', 16, at)).toEqual({ kind: 'range', low: 1024n, high: 65535n });
    expect(parseMatch('10.0.0.1..10.0.0.9', 'RANGE', 32, at)).toEqual({ kind: 'range', low: 0x0a000001n, high: 0x0a000009n });
    expect(parseMatch('5->6', 'RANGE', 8, at)).toEqual({ kind: 'range', low: 5n, high: 6n });
    expect(parseMatch('0..255', 'RANGE', 8, at)).toBeUndefined();
    expect(() => parseMatch('9..1', 'RANGE', 8, at)).toThrow(/low <= high/);
  });

  it('exact and optional', () => {
    expect(parseMatch('0x0800', 'EXACT', 16, at)).toEqual({ kind: 'exact', value: 0x800n });
    expect(parseMatch(3, 'OPTIONAL', 8, at)).toEqual({ kind: 'optional', value: 3n });
    expect(parseMatch('*', 'OPTIONAL', 8, at)).toBeUndefined();
    expect(() => parseMatch('*', 'EXACT', 8, at)).toThrow(/an exact match has no wildcard/);
    expect(() => parseMatch('1/8', 'EXACT', 8, at)).toThrow(/exact, 8 bits/);
  });

  it('formats back to what it reads', () => {
    for (const [text, kind, w] of [
      ['10.0.1.0/24', 'LPM', 32],
      ['0x800 &&& 0xffff', 'TERNARY', 16],
      ['00:00:00:00:01:02', 'EXACT', 48],
      ['1024..65535', 'RANGE', 16],
    ] as const) {
      const parsed = parseMatch(text, kind, w, at)!;
      expect(parseMatch(formatMatch(parsed, w), kind, w, at)).toEqual(parsed);
    }
  });
});
