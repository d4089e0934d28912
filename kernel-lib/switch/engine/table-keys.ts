// Table keys: control-plane key matches (bigints) encoded as the 32-bit words
// the packet path compares, with the checks P4Runtime wants on the way in.
import { ControlError, type KeyMatch } from '../control-plane.js';

export type MatchKind = 'exact' | 'lpm' | 'ternary' | 'range' | 'optional' | 'valid';

export interface KeyField {
  name: string;
  kind: MatchKind;
  width: number;
  word: number; // first word in the key
  words: number;
}

export interface EncodedKey {
  value: Uint32Array;
  mask: Uint32Array;
  high: Uint32Array; // range upper bounds (value holds the lower ones)
  prefixLen: number;
}

export function encodeKey(table: string, fields: KeyField[], keyWords: number, key: KeyMatch[]): EncodedKey {
  if (key.length !== fields.length) throw new ControlError('INVALID_ARGUMENT', `table "${table}" has ${fields.length} key fields, got ${key.length}`);
  const n = Math.max(keyWords, 1);
  const value = new Uint32Array(n);
  const mask = new Uint32Array(n);
  const high = new Uint32Array(n);
  let prefixLen = 0;
  fields.forEach((f, i) => {
    const k = key[i]!;
    const full = (1n << BigInt(f.width)) - 1n;
    const fits = (v: bigint, what: string) => {
      if (v < 0n || v > full) throw new ControlError('INVALID_ARGUMENT', `key field "${f.name}" is ${f.width} bits; ${what} ${v} does not fit`);
    };
    let v: bigint;
    let m = full;
    let hi = 0n;
    switch (f.kind) {
      case 'exact':
      case 'valid':
        if (k.kind !== 'exact') throw new ControlError('INVALID_ARGUMENT', `key field "${f.name}" is an exact match, got ${k.kind}`);
        v = k.value;
        break;
      case 'lpm':
        if (k.kind === 'exact') v = k.value, prefixLen = f.width;
        else if (k.kind === 'lpm') {
          if (k.prefixLen < 0 || k.prefixLen > f.width) throw new ControlError('INVALID_ARGUMENT', `prefix length ${k.prefixLen} of "${f.name}" is outside 0..${f.width}`);
          v = k.value;
          prefixLen = k.prefixLen;
          m = prefixLen === 0 ? 0n : (full >> BigInt(f.width - prefixLen)) << BigInt(f.width - prefixLen);
        } else throw new ControlError('INVALID_ARGUMENT', `key field "${f.name}" is an lpm match, got ${k.kind}`);
        break;
      case 'ternary':
      case 'optional':
        if (k.kind === 'exact') v = k.value;
        else if (k.kind === 'ternary') {
          fits(k.mask, 'mask');
          if (f.kind === 'optional' && k.mask !== 0n && k.mask !== full) throw new ControlError('INVALID_ARGUMENT', `optional key field "${f.name}" takes an exact value or a wildcard, not a partial mask`);
          v = k.value;
          m = k.mask;
        } else throw new ControlError('INVALID_ARGUMENT', `key field "${f.name}" is a ${f.kind} match, got ${k.kind}`);
        break;
      case 'range':
        if (k.kind === 'exact') v = hi = k.value;
        else if (k.kind === 'range') {
          fits(k.high, 'high bound');
          if (k.low > k.high) throw new ControlError('INVALID_ARGUMENT', `range of "${f.name}" has low ${k.low} above high ${k.high}`);
          v = k.low;
          hi = k.high;
        } else throw new ControlError('INVALID_ARGUMENT', `key field "${f.name}" is a range match, got ${k.kind}`);
        break;
    }
    fits(v, 'value');
    if (f.kind !== 'range') v &= m; // BMv2 masks off the don't-care bits
    for (let w = 0; w < f.words; w++) {
      const shift = BigInt(32 * (f.words - 1 - w));
      value[f.word + w] = Number((v >> shift) & 0xffffffffn);
      mask[f.word + w] = f.kind === 'range' ? 0 : Number((m >> shift) & 0xffffffffn);
      high[f.word + w] = Number((hi >> shift) & 0xffffffffn);
    }
  });
  return { value, mask, high, prefixLen };
}

/** Keeps the first `len` bits of field `f` in key words `s`. */
export function applyPrefix(s: Uint32Array, f: KeyField, len: number): void {
  // keep the first `len` bits of the field (counted from its MSB), clear the rest
  const top = f.width - 32 * (f.words - 1); // bits in the first word
  let keep = len;
  for (let w = 0; w < f.words; w++) {
    const bits = w === 0 ? top : 32;
    const i = f.word + w;
    if (keep >= bits) keep -= bits;
    else if (keep <= 0) s[i] = 0;
    else {
      const clear = bits - keep;
      s[i] = ((s[i]! >>> clear) * 2 ** clear) >>> 0;
      keep = 0;
    }
  }
}
