// Varbit fields: IPv4 options extracted with extract_VL, carried through,
// included in the checksum verification and update (ipv4_options fixture).
import { describe, expect, it } from 'vitest';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, fixture, hex, ipv4Checksum, mac } from './engine-packets.js';

function withOptions(options: number[], opts: { ihl?: number; badChecksum?: boolean } = {}): Uint8Array {
  const ihl = opts.ihl ?? 5 + options.length / 4;
  const payload = [1, 2, 3];
  const h = [0x40 | ihl, 0, 0, 0, 0, 1, 0, 0, 17, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, ...options];
  const total = h.length + payload.length;
  h[2] = total >> 8;
  h[3] = total & 255;
  const ck = ipv4Checksum(h) ^ (opts.badChecksum ? 1 : 0);
  h[10] = ck >> 8;
  h[11] = ck & 255;
  return Uint8Array.from([...mac('00:00:00:00:00:01'), ...mac('00:00:00:00:00:02'), 0x08, 0x00, ...h, ...payload]);
}

describe('engine: varbit fields (ipv4_options fixture)', () => {
  it('carries IPv4 options and keeps the checksum right over them', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('ipv4_options'));
    const out = capture(dp);
    const options = [0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00]; // router alert, NOPs, end
    dp.receive(1, withOptions(options));
    dp.receive(1, withOptions([]));
    expect(out.map((o) => o.port)).toEqual([2, 2]);
    const o = out[0]!.data;
    expect(o.length).toBe(14 + 28 + 3);
    expect(o[22]).toBe(16);
    expect(hex(o.subarray(34, 42))).toBe(hex(Uint8Array.from(options)));
    expect(ipv4Checksum(o.subarray(14, 42))).toBe(0);
    expect(hex(o.subarray(42))).toBe('010203');
    expect(ipv4Checksum(out[1]!.data.subarray(14, 34))).toBe(0);
  });

  it('flags a wrong checksum over the options, and stops on a bad header length', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('ipv4_options'));
    const out = capture(dp);
    dp.receive(1, withOptions([1, 1, 1, 0], { badChecksum: true }));
    dp.receive(1, withOptions([], { ihl: 4 }));
    expect(out.map((o) => o.port)).toEqual([13, 2]);
    expect(dp.stats().drops.parserError).toBe(1); // HeaderTooShort: ihl below 5
    dp.receive(1, withOptions([1, 1, 1, 0], { ihl: 15 })); // options run past the packet
    expect(dp.stats().drops.parserError).toBe(2);
  });
});
