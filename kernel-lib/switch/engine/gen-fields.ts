// Code that moves header fields between packet bytes and PHV slots: one reader
// and one writer function per header type. Runs of narrow fields that together
// fill whole bytes (IPv4's version/ihl, flags/fragOffset) move as one chunk of
// up to 32 bits with shifts and masks; other fields take byte-aligned fast
// paths or, failing those, the generic bit helpers.
import type { FieldInfo, HeaderInfo } from './layout.js';

const P32 = 4294967296;

/** JS expression reading `width` (≤ 53) bits at bit `bit` past byte expression `o` of `buf`. */
export function readExpr(buf: string, o: string, bit: number, width: number): string {
  if (bit % 8 === 0) {
    const b = (k: number) => `${buf}[${o} + ${bit / 8 + k}]`;
    if (width === 8) return b(0);
    if (width === 16) return `((${b(0)} << 8) | ${b(1)})`;
    if (width === 24) return `((${b(0)} << 16) | (${b(1)} << 8) | ${b(2)})`;
    if (width === 32) return `(((${b(0)} << 24) | (${b(1)} << 16) | (${b(2)} << 8) | ${b(3)}) >>> 0)`;
    if (width === 48) return `(((${b(0)} << 8) | ${b(1)}) * ${P32} + (((${b(2)} << 24) | (${b(3)} << 16) | (${b(4)} << 8) | ${b(5)}) >>> 0))`;
  }
  return `readBits(${buf}, ${o} * 8 + ${bit}, ${width})`;
}

/** JS statement writing value expression `v` (an identifier) as `width` (≤ 53) bits. */
export function writeStmt(buf: string, o: string, bit: number, width: number, v: string): string {
  if (bit % 8 === 0) {
    const b = (k: number) => `${buf}[${o} + ${bit / 8 + k}]`;
    if (width === 8) return `${b(0)} = ${v};`;
    if (width === 16) return `${b(0)} = ${v} >>> 8; ${b(1)} = ${v};`;
    if (width === 24) return `${b(0)} = ${v} >>> 16; ${b(1)} = ${v} >>> 8; ${b(2)} = ${v};`;
    if (width === 32) return `${b(0)} = ${v} >>> 24; ${b(1)} = ${v} >>> 16; ${b(2)} = ${v} >>> 8; ${b(3)} = ${v};`;
    if (width === 48) {
      return `{ const hi = Math.floor(${v} / ${P32}); ${b(0)} = hi >>> 8; ${b(1)} = hi; ${b(2)} = ${v} >>> 24; ${b(3)} = ${v} >>> 16; ${b(4)} = ${v} >>> 8; ${b(5)} = ${v}; }`;
    }
  }
  return `writeBits(${buf}, ${o} * 8 + ${bit}, ${width}, ${v});`;
}

/** One piece of a header's wire form: a single field word, or a chunk of narrow fields. */
export type Piece =
  | { kind: 'word'; bit: number; width: number; slot: number } // slot relative to the header base
  | { kind: 'chunk'; bit: number; width: number; parts: Array<{ slot: number; width: number; shift: number }> };

/** Splits fields (in wire order, starting at bit 0) into pieces. */
export function pieces(fields: Array<Pick<FieldInfo, 'width' | 'words' | 'offset'>>): Piece[] {
  const out: Piece[] = [];
  let bit = 0;
  let i = 0;
  while (i < fields.length) {
    // try a chunk: fields starting on a byte boundary, all < 32 bits, ending on one, ≤ 32 bits in all
    if (bit % 8 === 0) {
      let w = 0;
      let j = i;
      while (j < fields.length && fields[j]!.words === 1 && fields[j]!.width < 32 && w + fields[j]!.width <= 32) {
        w += fields[j]!.width;
        j++;
        if (w % 8 === 0) break;
      }
      if (w % 8 === 0 && j - i > 1) {
        let shift = w;
        const parts = fields.slice(i, j).map((f) => {
          shift -= f.width;
          return { slot: f.offset, width: f.width, shift };
        });
        out.push({ kind: 'chunk', bit, width: w, parts });
        bit += w;
        i = j;
        continue;
      }
    }
    const f = fields[i]!;
    if (f.words === 1) out.push({ kind: 'word', bit, width: f.width, slot: f.offset });
    else {
      const top = f.width - 32 * (f.words - 1);
      for (let k = 0; k < f.words; k++) {
        out.push({ kind: 'word', bit: k === 0 ? bit : bit + top + 32 * (k - 1), width: k === 0 ? top : 32, slot: f.offset + k });
      }
    }
    bit += f.width;
    i++;
  }
  return out;
}

/** Reader `xT(p, b)`: fields of the header at p.off into slots from base b. */
export function genReader(type: HeaderInfo, name: string): string {
  const lines = pieces(type.fields).map((pc) => {
    if (pc.kind === 'word') return `F[b + ${pc.slot}] = ${readExpr('buf', 'o', pc.bit, pc.width)};`;
    const parts = pc.parts.map((p) => `F[b + ${p.slot}] = ${p.shift ? `(c >>> ${p.shift})` : 'c'} & ${2 ** p.width - 1};`);
    return `{ const c = ${readExpr('buf', 'o', pc.bit, pc.width)}; ${parts.join(' ')} }`;
  });
  if (type.varbit) {
    // the caller has put the varbit's length (bits) in its slot and checked the bytes are there
    const v = type.varbit;
    lines.push(`for (let i = 0, n = F[b + ${v.lenSlot - type.base}] >>> 3; i < n; i++) F[b + ${v.dataSlot - type.base} + i] = buf[o + ${type.bytes} + i];`);
  }
  return `function ${name}(p, b) { const buf = p.buf, o = p.off, F = p.F; ${lines.join(' ')} }`;
}

/** JS expression packing a chunk's fields (from array `F` at base expression `b`) into one number. */
export function chunkValue(pc: Extract<Piece, { kind: 'chunk' }>, F: string, b: string): string {
  return `((${pc.parts.map((p) => `((${F}[${b} + ${p.slot}] & ${2 ** p.width - 1}) << ${p.shift})`).join(' | ')}) >>> 0)`;
}

/** Writer `wT(F, buf, o, b)`: slots from base b as wire bytes at byte o. */
export function genWriter(type: HeaderInfo, name: string): string {
  const lines = pieces(type.fields).map((pc) => {
    const v = pc.kind === 'word' ? `F[b + ${pc.slot}]` : chunkValue(pc, 'F', 'b');
    return `{ const v = ${v}; ${writeStmt('buf', 'o', pc.bit, pc.width, 'v')} }`;
  });
  if (type.varbit) {
    const v = type.varbit;
    lines.push(`for (let i = 0, n = F[b + ${v.lenSlot - type.base}] >>> 3; i < n; i++) buf[o + ${type.bytes} + i] = F[b + ${v.dataSlot - type.base} + i];`);
  }
  return `function ${name}(F, buf, o, b) { ${lines.join(' ')} }`;
}
