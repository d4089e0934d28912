// Bit-level helpers the generated code calls. Values up to 53 bits are exact
// doubles; wider values live as big-endian 32-bit words in consecutive slots.
// Nothing here allocates, except the BigInt helpers used only for arithmetic on
// fields wider than 53 bits (rare: IPv6 addresses are copied and compared, not added).

const P32 = 4294967296;

/** Reads `width` (≤ 53) bits starting at bit `bitOff` of `buf`, MSB first. */
export function readBits(buf: Uint8Array, bitOff: number, width: number): number {
  if (width > 32) {
    const hi = readBits(buf, bitOff, width - 32);
    return hi * P32 + readBits(buf, bitOff + width - 32, 32);
  }
  let byte = bitOff >>> 3;
  const end = bitOff + width; // exclusive
  const last = (end - 1) >>> 3;
  let v = 0;
  for (; byte <= last; byte++) v = v * 256 + buf[byte]!;
  const extra = (last + 1) * 8 - end; // bits after the field in the last byte
  v = Math.floor(v / 2 ** extra);
  return width === 32 ? v % P32 : v % 2 ** width;
}

/** Writes the low `width` (≤ 53) bits of `v` at bit `bitOff` of `buf`, MSB first. */
export function writeBits(buf: Uint8Array, bitOff: number, width: number, v: number): void {
  if (width > 32) {
    writeBits(buf, bitOff, width - 32, Math.floor(v / P32));
    writeBits(buf, bitOff + width - 32, 32, v % P32);
    return;
  }
  // bit by bit only over the partial bytes at both ends; whole bytes in between
  let pos = bitOff + width - 1; // the bit that takes v's LSB
  let rest = v;
  let left = width;
  while (left > 0) {
    const byte = pos >>> 3;
    const bitInByte = 7 - (pos & 7);
    if (bitInByte === 0 && left >= 8) {
      buf[byte] = rest & 0xff;
      rest = Math.floor(rest / 256);
      left -= 8;
      pos -= 8;
      continue;
    }
    const bit = rest & 1;
    if (bit) buf[byte]! |= 1 << bitInByte;
    else buf[byte]! &= ~(1 << bitInByte);
    rest = Math.floor(rest / 2);
    left--;
    pos--;
  }
}

/** x mod 2^w for w in 33..53, x an integer double (maybe negative). */
export function trunc(x: number, pow: number): number {
  const r = x % pow;
  return r < 0 ? r + pow : r;
}

function hi(x: number): number {
  return Math.floor(x / P32);
}

export function and53(a: number, b: number): number {
  return (hi(a) & hi(b)) * P32 + ((a & b) >>> 0);
}
export function or53(a: number, b: number): number {
  return (hi(a) | hi(b)) * P32 + ((a | b) >>> 0);
}
export function xor53(a: number, b: number): number {
  return (hi(a) ^ hi(b)) * P32 + ((a ^ b) >>> 0);
}

/** Reads a signed field stored as `width` unsigned bits. */
export function signed(x: number, width: number): number {
  const half = 2 ** (width - 1);
  return x >= half ? x - 2 * half : x;
}

/** two_comp_mod: x wrapped into a signed `width`-bit value. */
export function twoCompMod(x: number, width: number): number {
  const pow = 2 ** width;
  return signed(trunc(x, pow), width);
}

export function satCast(x: number, width: number): number {
  const max = 2 ** (width - 1) - 1;
  return x > max ? max : x < -max - 1 ? -max - 1 : x;
}

export function usatCast(x: number, width: number): number {
  const max = 2 ** width - 1;
  return x > max ? max : x < 0 ? 0 : x;
}

// Wide values: `words` slots from `slot`, most significant first.
export function wideToBig(F: Float64Array, slot: number, words: number): bigint {
  let v = 0n;
  for (let i = 0; i < words; i++) v = (v << 32n) | BigInt(F[slot + i]!);
  return v;
}

export function bigToWide(F: Float64Array, slot: number, words: number, width: number, v: bigint): void {
  let x = BigInt.asUintN(width, v);
  for (let i = words - 1; i >= 0; i--) {
    F[slot + i] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
}

/** Stores a number (|x| < 2^53, maybe negative) into a wide field, two's complement. */
export function numToWide(F: Float64Array, slot: number, words: number, width: number, x: number): void {
  const neg = x < 0;
  const top = words - 1;
  F[slot + top] = x >>> 0; // ToUint32 is the low word even for negatives
  if (top >= 1) F[slot + top - 1] = Math.floor(x / P32) >>> 0;
  for (let i = top - 2; i >= 0; i--) F[slot + i] = neg ? 0xffffffff : 0;
  const topBits = width - 32 * top;
  if (topBits < 32) F[slot] = (F[slot]! & (2 ** topBits - 1)) >>> 0;
}

export function wideEq(A: Float64Array, a: number, B: Float64Array, b: number, words: number): boolean {
  for (let i = 0; i < words; i++) if (A[a + i] !== B[b + i]) return false;
  return true;
}

/**
 * a << b in infinite precision, except that shifts past 4096 bits give 0: every
 * result is truncated to a field width, and a run-time shift count of billions
 * must not make a BigInt of hundreds of megabytes.
 */
export function shlBig(a: bigint, b: bigint): bigint {
  return b > 4096n ? 0n : a << b;
}

/** Splits a bigint into `words` 32-bit numbers, most significant first. */
export function bigToWords(v: bigint, words: number): number[] {
  const out: number[] = new Array(words);
  let x = v;
  for (let i = words - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
  return out;
}

export function wordsFor(width: number): number {
  return width <= 53 ? 1 : Math.ceil(width / 32);
}

/** Parses a BMv2 hexstr ("0x…", maybe "-0x…") to a bigint. */
export function hexToBig(s: string): bigint {
  return s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s);
}

export function bitLength(v: bigint): number {
  if (v < 0n) v = -v;
  return v === 0n ? 0 : v.toString(2).length;
}
