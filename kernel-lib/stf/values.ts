// STF numbers → table key matches, as p4c's BMv2 STF runner reads them: hex
// and binary digits may be `*` (a wildcard digit, ternary and lpm keys), an
// lpm key without `/len` has a prefix as long as its non-wildcard digits.
import type { KeyMatch } from '../switch/control-plane.js';
import type { StfKey } from './parse.js';

export type KeyKind = 'exact' | 'lpm' | 'ternary' | 'range' | 'optional' | 'valid';

interface Digits {
  value: bigint;
  mask: bigint; // 1 where a digit was given, 0 under `*`
  bits: number; // bits the written digits cover
}

/** Parses `0x1*`, `0b10*`, `0o17` or a decimal; throws a message (no place) on anything else. */
export function parseDigits(text: string): Digits {
  const m = /^0([xbo])([0-9a-f*]+)$/i.exec(text);
  if (!m) {
    if (!/^\d+$/.test(text)) throw new Error(`'${text}' is not a number (decimal, 0x…, 0b… or 0o…; * for a wildcard digit)`);
    const value = BigInt(text);
    return { value, mask: -1n, bits: value.toString(2).length };
  }
  const per = { x: 4, b: 1, o: 3 }[m[1]!.toLowerCase() as 'x' | 'b' | 'o'];
  const radix = 1 << per;
  let value = 0n;
  let mask = 0n;
  for (const ch of m[2]!) {
    const d = ch === '*' ? 0 : parseInt(ch, radix);
    if (Number.isNaN(d)) throw new Error(`'${ch}' is not a digit of ${text}`);
    value = (value << BigInt(per)) | BigInt(d);
    mask = (mask << BigInt(per)) | (ch === '*' ? 0n : BigInt(radix - 1));
  }
  return { value, mask, bits: m[2]!.length * per };
}

/** The match of one key field; `key` absent means the STF line left the field out (a wildcard). */
export function keyMatch(kind: KeyKind, width: number, key: StfKey | undefined): KeyMatch {
  const full = (1n << BigInt(width)) - 1n;
  if (!key) {
    switch (kind) {
      case 'lpm': return { kind: 'lpm', value: 0n, prefixLen: 0 };
      case 'ternary':
      case 'optional': return { kind: 'ternary', value: 0n, mask: 0n };
      case 'range': return { kind: 'range', low: 0n, high: full };
      default: return { kind: 'exact', value: 0n };
    }
  }
  const d = parseDigits(key.value);
  switch (kind) {
    case 'lpm': {
      if (key.prefixLen !== undefined) return { kind: 'lpm', value: d.value, prefixLen: Number(parseDigits(key.prefixLen).value) };
      // p4c counts the written non-wildcard digits as the prefix (0x0a00**** → /16 of a 32-bit key).
      if (d.mask === -1n) return { kind: 'lpm', value: d.value, prefixLen: width };
      const given = d.mask.toString(2).replace(/0/g, '').length;
      return { kind: 'lpm', value: d.value, prefixLen: Math.min(width, given) };
    }
    case 'ternary':
    case 'optional':
      return { kind: 'ternary', value: d.value, mask: d.mask === -1n ? full : d.mask & full };
    case 'range':
      return { kind: 'range', low: d.value, high: d.value };
    default:
      if (d.mask !== -1n && (d.mask & full) !== full) throw new Error(`'${key.value}' has wildcard digits, but ${key.name} is an exact match`);
      return { kind: 'exact', value: d.value };
  }
}

/** A plain number (action argument, register value): wildcards are an error. */
export function plainNumber(text: string): bigint {
  const d = parseDigits(text);
  if (d.mask !== -1n && d.mask.toString(2).includes('0')) throw new Error(`'${text}' has wildcard digits where a number is needed`);
  return d.value;
}
