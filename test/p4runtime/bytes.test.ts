import { describe, expect, it } from 'vitest';
import { BytestringError, decodeBytes, encodeBytes, toBigInt } from '../../kernel-lib/p4runtime/bytes.js';

describe('canonical bytestrings', () => {
  it('encodes the shortest big-endian form, zero as one byte', () => {
    expect(encodeBytes(0n)).toEqual(Buffer.from([0]));
    expect(encodeBytes(1n)).toEqual(Buffer.from([1]));
    expect(encodeBytes(0x100n)).toEqual(Buffer.from([1, 0]));
    expect(encodeBytes(0x0a000001n, 32)).toEqual(Buffer.from([10, 0, 0, 1]));
    expect(encodeBytes(511n, 9)).toEqual(Buffer.from([1, 0xff]));
    expect(encodeBytes((1n << 128n) - 1n, 128)).toEqual(Buffer.alloc(16, 0xff));
  });

  it('refuses values wider than the field and negative values, naming the field', () => {
    expect(() => encodeBytes(512n, 9, 'param port')).toThrow(/param port: 0x200 does not fit in 9 bits/);
    expect(() => encodeBytes(-1n, 8)).toThrow(BytestringError);
  });

  it('decodes canonical and zero-padded strings', () => {
    expect(decodeBytes(Buffer.from([1, 0xff]), 9)).toBe(511n);
    expect(decodeBytes(Buffer.from([0, 0, 0, 5]), 9)).toBe(5n);
    expect(decodeBytes(Buffer.from([0]), 1)).toBe(0n);
    expect(decodeBytes(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34]), 16)).toBe(0x1234n);
  });

  it('answers OUT_OF_RANGE for empty strings and extra significant bits', () => {
    const empty = (() => { try { decodeBytes(Buffer.alloc(0), 32, 'match hdr.ipv4.dstAddr'); } catch (e) { return e; } })();
    expect(empty).toBeInstanceOf(BytestringError);
    expect((empty as BytestringError).code).toBe('OUT_OF_RANGE');
    expect((empty as Error).message).toMatch(/match hdr.ipv4.dstAddr: empty bytestring/);
    expect(() => decodeBytes(Buffer.from([2, 0]), 9, 'param port')).toThrow(/param port: 0x0200 does not fit in 9 bits/);
    expect(() => decodeBytes(Buffer.from([1, 0, 0, 0, 0]), 32)).toThrow(BytestringError);
  });

  it('round-trips every width from 1 to 130 bits at the extremes', () => {
    for (let w = 1; w <= 130; w++) {
      const max = (1n << BigInt(w)) - 1n;
      for (const v of [0n, 1n, max, max >> 1n]) expect(decodeBytes(encodeBytes(v, w), w)).toBe(v);
    }
    expect(toBigInt(new Uint8Array(0))).toBe(0n);
  });
});
