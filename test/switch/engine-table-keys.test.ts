// KeyEncoder against a plain BigInt reference: fields of 1 to 128 bits, of
// every match kind, packed as value words, mask words and range upper bounds.
import { describe, expect, it } from 'vitest';
import type { KeyMatch } from '../../kernel-lib/switch/control-plane.js';
import { KeyEncoder, type KeyField, type MatchKind } from '../../kernel-lib/switch/engine/table-keys.js';

/** The words of `v` for `f`, most significant first (the reference's split). */
function words(f: KeyField, v: bigint): number[] {
  return Array.from({ length: f.words }, (_, w) => Number((v >> BigInt(32 * (f.words - 1 - w))) & 0xffffffffn));
}

describe('engine: table key encoding', () => {
  it('packs every kind and width like the BigInt reference, masking off don\'t-care bits', () => {
    let seed = 11;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const bits = (width: number) => {
      let v = 0n;
      for (let i = 0; i < width; i += 16) v = (v << 16n) | BigInt(Math.floor(random() * 0x10000));
      return v & ((1n << BigInt(width)) - 1n);
    };
    const widths = [1, 9, 32, 33, 48, 53, 54, 64, 128];
    const kinds: MatchKind[] = ['exact', 'lpm', 'ternary', 'range', 'optional'];
    let word = 0;
    const fields: KeyField[] = kinds.flatMap((kind) => widths.map((width) => {
      const f = { name: `${kind}${width}`, kind, width, word, words: Math.ceil(width / 32) };
      word += f.words;
      return f;
    }));
    const encoder = new KeyEncoder('t', fields, word);
    for (let round = 0; round < 50; round++) {
      const value: number[] = new Array(word).fill(0);
      const mask: number[] = new Array(word).fill(0);
      const high: number[] = new Array(word).fill(0);
      let prefixLen = 0;
      const key: KeyMatch[] = fields.map((f) => {
        const full = (1n << BigInt(f.width)) - 1n;
        const v = bits(f.width);
        let k: KeyMatch;
        let m = full;
        let lo = v;
        let hi = 0n;
        if (f.kind === 'lpm') {
          prefixLen = Math.floor(random() * (f.width + 1));
          m = prefixLen === 0 ? 0n : (full >> BigInt(f.width - prefixLen)) << BigInt(f.width - prefixLen);
          k = { kind: 'lpm', value: v, prefixLen };
        } else if (f.kind === 'ternary') {
          m = bits(f.width);
          k = { kind: 'ternary', value: v, mask: m };
        } else if (f.kind === 'optional') {
          m = random() < 0.5 ? 0n : full;
          k = { kind: 'ternary', value: v, mask: m };
        } else if (f.kind === 'range') {
          const other = bits(f.width);
          lo = v < other ? v : other;
          hi = v < other ? other : v;
          m = 0n;
          k = { kind: 'range', low: lo, high: hi };
        } else k = { kind: 'exact', value: v };
        value.splice(f.word, f.words, ...words(f, f.kind === 'range' ? lo : v & m));
        mask.splice(f.word, f.words, ...words(f, m));
        high.splice(f.word, f.words, ...words(f, hi));
        return k;
      });
      expect(encoder.encode(key)).toBe(prefixLen);
      expect([...encoder.packed]).toEqual([...value, ...mask, ...high]);
    }
  });

  it('checks widths, kinds and bounds before writing', () => {
    const f: KeyField = { name: 'a', kind: 'range', width: 64, word: 0, words: 2 };
    const encoder = new KeyEncoder('t', [f], 2);
    expect(() => encoder.encode([{ kind: 'range', low: 0n, high: 1n << 64n }])).toThrow(/64 bits; high bound/);
    expect(() => encoder.encode([{ kind: 'range', low: 3n, high: 2n }])).toThrow(/low 3 above high 2/);
    expect(() => encoder.encode([{ kind: 'exact', value: -1n }])).toThrow(/value -1 does not fit/);
    expect(() => encoder.encode([{ kind: 'lpm', value: 0n, prefixLen: 1 }])).toThrow(/is a range match, got lpm/);
    expect(() => encoder.encode([])).toThrow(/has 1 key fields, got 0/);
  });
});
