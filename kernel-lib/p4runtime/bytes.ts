// P4Runtime bytestrings: unsigned big-endian integers. The canonical form is
// the shortest one (zero is a single 0x00 byte); receivers also accept longer
// strings whose extra leading bytes are zero. An empty string, or a value that
// needs more than the field's W bits, is OUT_OF_RANGE.

/** A bytestring that does not fit its field; `code` is the gRPC canonical code. */
export class BytestringError extends Error {
  readonly code = 'OUT_OF_RANGE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'BytestringError';
  }
}

/** True when `value` needs more than `bitwidth` bits. */
function wider(value: bigint, bitwidth: number): boolean {
  return value >> BigInt(bitwidth) !== 0n;
}

const SMALL = 1n << 48n;

/**
 * The canonical bytestring of `value`. With `bitwidth`, a value that does not
 * fit is refused; `what` names the field in the message (e.g. `param port`).
 */
export function encodeBytes(value: bigint, bitwidth?: number, what = 'value'): Buffer {
  if (value < 0n) throw new BytestringError(`${what}: ${value} is negative; P4Runtime bytestrings are unsigned`);
  if (bitwidth !== undefined && wider(value, bitwidth)) {
    throw new BytestringError(`${what}: 0x${value.toString(16)} does not fit in ${bitwidth} bits`);
  }
  // Up to 6 bytes fit a double exactly: keys and parameters of most tables skip the hex text.
  if (value < SMALL) {
    let n = Number(value);
    let length = 1;
    while (length < 6 && n >= 2 ** (8 * length)) length++;
    const out = Buffer.allocUnsafe(length);
    for (let i = length - 1; i >= 0; i--) {
      out[i] = n % 256;
      n = Math.floor(n / 256);
    }
    return out;
  }
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
}

/**
 * The value of a received bytestring for a field of `bitwidth` bits. Leading
 * zero bytes are accepted; an empty string or extra significant bits are not.
 */
export function decodeBytes(bytes: Uint8Array, bitwidth: number, what = 'value'): bigint {
  if (bytes.length === 0) throw new BytestringError(`${what}: empty bytestring; a ${bitwidth}-bit value needs at least one byte`);
  const value = toBigInt(bytes);
  if (bytes.length * 8 > bitwidth && wider(value, bitwidth)) {
    throw new BytestringError(`${what}: 0x${Buffer.from(bytes).toString('hex')} does not fit in ${bitwidth} bits`);
  }
  return value;
}

/** The unsigned big-endian value of `bytes`, without width checks (0 for empty). */
export function toBigInt(bytes: Uint8Array): bigint {
  // Up to 6 bytes fit a double exactly: most keys and parameters (ports, IPv4, MACs) take this path.
  if (bytes.length <= 6) {
    let n = 0;
    for (let i = 0; i < bytes.length; i++) n = n * 256 + bytes[i];
    return BigInt(n);
  }
  return BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
}

/** Bytes of a full-width encoding of a W-bit field: ceil(W/8). */
export function byteWidth(bitwidth: number): number {
  return (bitwidth + 7) >> 3;
}
