// Parser operations beyond extract: lookahead, advance, verify with a program
// error, set, and select over a parser value set (parser_ops fixture).
import { describe, expect, it } from 'vitest';
import { ControlError } from '../../kernel-lib/switch/control-plane.js';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, fixture, hex, mac } from './engine-packets.js';

function probe(bytes: number[]): Uint8Array {
  return Uint8Array.from([...mac('00:00:00:00:00:01'), ...mac('00:00:00:00:00:02'), 0x88, 0xb7, ...bytes]);
}

describe('engine: parser operations (parser_ops fixture)', () => {
  it('peeks with lookahead, skips with advance, and selects on a value set', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('parser_ops'));
    const out = capture(dp);
    dp.receive(1, probe([0x12, 0x34, 0x42, 0xee]));
    dp.valueSetAdd('pv', 0x42n, 0xffn);
    dp.receive(1, probe([0x12, 0x34, 0x42, 0xee]));
    dp.receive(1, probe([0x12, 0x34, 0x43, 0xee]));
    expect(out.map((o) => o.port)).toEqual([2, 2, 2]);
    // the advanced-over bytes are not emitted again: ethernet, probe, payload
    expect(hex(out[0]!.data)).toBe('000000000000' + '000000001234' + '88b7' + '42' + 'ee');
    expect(out.map((o) => o.data[5])).toEqual([0, 1, 0]);
    dp.valueSetClear('pv');
    dp.receive(1, probe([0x12, 0x34, 0x42]));
    expect(out[3]!.data[5]).toBe(0);
  });

  it('stops with the program\'s error when verify fails, and on a short packet', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('parser_ops'));
    const out = capture(dp);
    dp.receive(1, probe([0xff, 0x34, 0x42]));
    dp.receive(1, probe([0x12]));
    expect(out.map((o) => o.port)).toEqual([9, 2]);
    expect(dp.stats().drops.parserError).toBe(2);
  });

  it('bounds value sets by their size', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('parser_ops'));
    expect(() => dp.valueSetAdd('pv', 0x100n, 0xffn)).toThrow(/does not fit/);
    for (let i = 0; i < 4; i++) dp.valueSetAdd('pv', BigInt(i), 0xffn);
    expect(() => dp.valueSetAdd('pv', 9n, 0xffn)).toThrow(ControlError);
  });
});
