// Table keys: control-plane key matches (bigints) encoded as the 32-bit words
// the packet path compares, with the checks P4Runtime wants on the way in, and
// the store that keeps every entry's words in one array.
import { ControlError, type KeyMatch } from '../control-plane.js';

export type MatchKind = 'exact' | 'lpm' | 'ternary' | 'range' | 'optional' | 'valid';

export interface KeyField {
  name: string;
  kind: MatchKind;
  width: number;
  word: number; // first word in the key
  words: number;
}

/**
 * Encodes control-plane keys into one reused buffer, packed as the table
 * stores them: value words at 0, mask words at `n`, range upper bounds at
 * `2n` (n = key words). Nothing is allocated per key but the BigInts that
 * fields wider than 53 bits need.
 */
export class KeyEncoder {
  readonly n: number;
  readonly packed: Uint32Array;
  private readonly max: bigint[]; // per field: its largest value

  constructor(private readonly table: string, private readonly fields: KeyField[], keyWords: number) {
    this.n = Math.max(keyWords, 1);
    this.packed = new Uint32Array(3 * this.n);
    this.max = fields.map((f) => (1n << BigInt(f.width)) - 1n);
  }

  /** Checks `key` and writes it into `packed`; returns the LPM prefix length (0 without an LPM field). */
  encode(key: KeyMatch[]): number {
    const fields = this.fields;
    if (key.length !== fields.length) throw new ControlError('INVALID_ARGUMENT', `table "${this.table}" has ${fields.length} key fields, got ${key.length}`);
    const out = this.packed;
    const n = this.n;
    out.fill(0);
    let prefixLen = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const k = key[i]!;
      const full = this.max[i]!;
      let v: bigint;
      let m: bigint | number = full; // a number: an LPM prefix length
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
            prefixLen = m = k.prefixLen;
          } else throw new ControlError('INVALID_ARGUMENT', `key field "${f.name}" is an lpm match, got ${k.kind}`);
          break;
        case 'ternary':
        case 'optional':
          if (k.kind === 'exact') v = k.value;
          else if (k.kind === 'ternary') {
            fits(f, full, k.mask, 'mask');
            if (f.kind === 'optional' && k.mask !== 0n && k.mask !== full) throw new ControlError('INVALID_ARGUMENT', `optional key field "${f.name}" takes an exact value or a wildcard, not a partial mask`);
            v = k.value;
            m = k.mask;
          } else throw new ControlError('INVALID_ARGUMENT', `key field "${f.name}" is a ${f.kind} match, got ${k.kind}`);
          break;
        case 'range':
          if (k.kind === 'exact') v = hi = k.value;
          else if (k.kind === 'range') {
            fits(f, full, k.high, 'high bound');
            if (k.low > k.high) throw new ControlError('INVALID_ARGUMENT', `range of "${f.name}" has low ${k.low} above high ${k.high}`);
            v = k.low;
            hi = k.high;
          } else throw new ControlError('INVALID_ARGUMENT', `key field "${f.name}" is a range match, got ${k.kind}`);
          break;
      }
      fits(f, full, v, 'value');
      writeWords(out, f.word, f, v);
      if (f.kind === 'range') {
        writeWords(out, 2 * n + f.word, f, hi); // its mask words stay 0
        continue;
      }
      if (typeof m === 'number') {
        writeWords(out, n + f.word, f, full);
        applyPrefix(out, f, m, n);
      } else writeWords(out, n + f.word, f, m);
      // BMv2 masks off the don't-care bits
      for (let w = f.word; w < f.word + f.words; w++) out[w] = (out[w]! & out[n + w]!) >>> 0;
    }
    return prefixLen;
  }
}

function fits(f: KeyField, full: bigint, v: bigint, what: string): void {
  if (v < 0n || v > full) throw new ControlError('INVALID_ARGUMENT', `key field "${f.name}" is ${f.width} bits; ${what} ${v} does not fit`);
}

/** Writes `v` (known to fit field `f`) as the field's words from `at`, most significant first. */
function writeWords(out: Uint32Array, at: number, f: KeyField, v: bigint): void {
  if (f.width <= 53) {
    // exact as a double: split it without BigInt shifts
    let x = Number(v);
    for (let w = f.words - 1; w >= 0; w--) {
      out[at + w] = x % 0x100000000;
      x = Math.floor(x / 0x100000000);
    }
    return;
  }
  for (let w = 0; w < f.words; w++) out[at + w] = Number(BigInt.asUintN(32, v >> BigInt(32 * (f.words - 1 - w))));
}

/** Keeps the first `len` bits of field `f` (counted from its MSB) in key words `s` from `at`, clearing the rest. */
export function applyPrefix(s: Uint32Array, f: KeyField, len: number, at = 0): void {
  const top = f.width - 32 * (f.words - 1); // bits in the first word
  let keep = len;
  for (let w = 0; w < f.words; w++) {
    const bits = w === 0 ? top : 32;
    const i = at + f.word + w;
    if (keep >= bits) keep -= bits;
    else if (keep <= 0) s[i] = 0;
    else {
      const clear = bits - keep;
      s[i] = ((s[i]! >>> clear) * 2 ** clear) >>> 0;
      keep = 0;
    }
  }
}

/**
 * The encoded keys of a table's entries, `width` words each, side by side in
 * one array: an entry holds only its offset, so adding one allocates no array
 * of its own and a lookup reads its key without following another pointer.
 * Freed places are reused; the array grows by doubling (control plane only).
 */
export class KeySlab {
  words: Uint32Array;
  private used = 0; // words handed out, freed ones included
  private readonly freed: number[] = [];

  constructor(private readonly width: number) {
    this.words = new Uint32Array(16 * width);
  }

  /** Copies the first `width` words of `src` into a free place; returns its offset. */
  store(src: Uint32Array): number {
    let at = this.freed.pop();
    if (at === undefined) {
      at = this.used;
      this.used += this.width;
      if (this.used > this.words.length) {
        const grown = new Uint32Array(2 * this.words.length);
        grown.set(this.words);
        this.words = grown;
      }
    }
    for (let i = 0; i < this.width; i++) this.words[at + i] = src[i]!;
    return at;
  }

  free(at: number): void {
    this.freed.push(at);
  }

  clear(): void {
    this.words = new Uint32Array(16 * this.width);
    this.used = 0;
    this.freed.length = 0;
  }
}
