// The hash algorithms of BMv2 calculations, over `len` bytes of a buffer.
// Results are unsigned numbers (≤ 48 bits). CRC parameters follow the
// boost::crc types BMv2 uses: crc16 = CRC-16/ARC, crc32 = CRC-32 (IEEE),
// crcCCITT = CRC-16/CCITT-FALSE.

export type HashFn = (buf: Uint8Array, len: number) => number;

function reflectedTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}

function forwardTable16(poly: number): Uint16Array {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ poly) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
}

const CRC32 = reflectedTable(0xedb88320);
const CRC16_ARC = reflectedTable(0xa001);
const CCITT = forwardTable16(0x1021);

function crc32(buf: Uint8Array, len: number): number {
  let c = 0xffffffff;
  for (let i = 0; i < len; i++) c = CRC32[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function crc16(buf: Uint8Array, len: number): number {
  let c = 0;
  for (let i = 0; i < len; i++) c = CRC16_ARC[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return c & 0xffff;
}

function crcCCITT(buf: Uint8Array, len: number): number {
  let c = 0xffff;
  for (let i = 0; i < len; i++) c = (CCITT[((c >>> 8) ^ buf[i]!) & 0xff]! ^ (c << 8)) & 0xffff;
  return c;
}

function csum16(buf: Uint8Array, len: number): number {
  let sum = 0;
  for (let i = 0; i + 1 < len; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (len & 1) sum += buf[len - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return ~sum & 0xffff;
}

function xor16(buf: Uint8Array, len: number): number {
  let x = 0;
  for (let i = 0; i + 1 < len; i += 2) x ^= (buf[i]! << 8) | buf[i + 1]!;
  if (len & 1) x ^= buf[len - 1]! << 8;
  return x;
}

function xor32(buf: Uint8Array, len: number): number {
  let x = 0;
  for (let i = 0; i < len; i += 4) {
    x ^= ((buf[i]! << 24) | ((buf[i + 1] ?? 0) << 16) | ((buf[i + 2] ?? 0) << 8) | (buf[i + 3] ?? 0)) >>> 0;
  }
  return x >>> 0;
}

/** The input itself as a number: its last (up to) six bytes. */
function identity(buf: Uint8Array, len: number): number {
  let v = 0;
  for (let i = Math.max(0, len - 6); i < len; i++) v = v * 256 + buf[i]!;
  return v;
}

export const HASHES: Record<string, HashFn> = {
  crc32,
  crc16,
  crcCCITT,
  csum16,
  cksum16: csum16,
  xor16,
  xor32,
  identity,
  // BMv2's custom CRCs start out with the standard parameters; changing them at
  // run time (the CLI's set_crc16_parameters) is not supported here
  crc16_custom: crc16,
  crc32_custom: crc32,
};
