// The traffic manager's replication paths: clone (I2E, E2E) with sessions,
// multicast with replica ids, resubmit, recirculate with preserved metadata,
// digests, exit, and packet-in/out through the CPU port.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DigestMessage } from '../../kernel-lib/switch/control-plane.js';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, fixture, hex, mac } from './engine-packets.js';

const CPU = 64;

/** Ethernet + ctrl header: op, then zeros the egress pipeline fills in, then a payload. */
function ctrlPacket(op: number, payload: number[] = [0xaa, 0xbb]): Uint8Array {
  return Uint8Array.from([...mac('00:00:00:00:00:0a'), ...mac('00:00:00:00:00:0b'), 0x88, 0xb5, op, 0, 0, 0, 0, 0, 0, 0, ...payload]);
}

/** The ctrl header of an output packet (at byte 14). */
function ctrl(data: Uint8Array, at = 14) {
  return { op: data[at]!, itype: data[at + 1]!, rid: (data[at + 2]! << 8) | data[at + 3]!, port: (data[at + 4]! << 8) | data[at + 5]!, pass: data[at + 6]! };
}

describe('engine: replication, resubmit, recirculate, digests, CPU port (replication fixture)', () => {
  let dp: Dataplane;
  let out: Array<{ port: number; data: Uint8Array }>;
  beforeEach(() => {
    dp = new Dataplane({ cpuPort: CPU });
    dp.loadProgram(fixture('replication'));
    out = capture(dp);
  });

  it('clones ingress-to-egress: the copy is the packet as received, with the field list, instance_type 1', () => {
    dp.cloneSessionSet(5, { replicas: [{ port: 4, instance: 9 }], classOfService: 0, packetLengthBytes: 0 });
    dp.receive(1, ctrlPacket(1));
    const byPort = new Map(out.map((o) => [o.port, ctrl(o.data)]));
    expect([...byPort.keys()].sort()).toEqual([2, 4]);
    expect(byPort.get(2)).toMatchObject({ itype: 0, port: 2, pass: 0x11 });
    expect(byPort.get(4)).toMatchObject({ itype: 1, port: 4, rid: 9, pass: 0x11 });
  });

  it('truncates clones to the session packet length', () => {
    dp.cloneSessionSet(5, { replicas: [{ port: 4, instance: 0 }], classOfService: 0, packetLengthBytes: 16 });
    dp.receive(1, ctrlPacket(1, new Array(40).fill(1)));
    expect(out.find((o) => o.port === 4)!.data.length).toBe(16);
    expect(out.find((o) => o.port === 2)!.data.length).toBe(14 + 8 + 40);
  });

  it('clones egress-to-egress: the copy runs egress again as instance_type 2 with the preserved field', () => {
    dp.cloneSessionSet(6, { replicas: [{ port: 7, instance: 3 }], classOfService: 0, packetLengthBytes: 0 });
    dp.receive(1, ctrlPacket(2));
    const byPort = new Map(out.map((o) => [o.port, ctrl(o.data)]));
    expect(byPort.get(2)).toMatchObject({ itype: 0, pass: 0 });
    expect(byPort.get(7)).toMatchObject({ itype: 2, rid: 3, port: 7, pass: 0x22 });
  });

  it('multicasts a copy per replica with its egress_rid, instance_type 5', () => {
    dp.multicastGroupSet(7, [{ port: 2, instance: 1 }, { port: 3, instance: 2 }, { port: 2, instance: 3 }]);
    dp.receive(1, ctrlPacket(3));
    expect(out.map((o) => [o.port, ctrl(o.data).rid, ctrl(o.data).itype])).toEqual([[2, 1, 5], [3, 2, 5], [2, 3, 5]]);
    dp.multicastGroupDelete(7);
    dp.receive(1, ctrlPacket(3));
    expect(out).toHaveLength(3);
    expect(dp.stats().drops.unknownGroup).toBe(1);
  });

  it('resubmits the packet as received, keeping the field list, instance_type 6', () => {
    dp.receive(1, ctrlPacket(4));
    expect(out).toHaveLength(1);
    expect(out[0]!.port).toBe(3);
    expect(ctrl(out[0]!.data)).toMatchObject({ op: 4, itype: 6, pass: 0x44 });
  });

  it('recirculates the deparsed packet back to ingress, instance_type 4', () => {
    dp.receive(1, ctrlPacket(5));
    expect(out).toHaveLength(1);
    expect(out[0]!.port).toBe(3);
    expect(ctrl(out[0]!.data)).toMatchObject({ op: 5, itype: 4, pass: 0x55 });
  });

  it('emits a digest with the learn list fields', () => {
    const digests: DigestMessage[] = [];
    dp.onDigest((d) => digests.push(d));
    dp.receive(6, ctrlPacket(6));
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ learnList: 'digest_t', data: [[0x0000_0000_000bn, 6n]] });
    expect(out.map((o) => o.port)).toEqual([2]);
  });

  it('stops the control at exit', () => {
    dp.receive(1, ctrlPacket(8));
    expect(out.map((o) => o.port)).toEqual([4]);
  });

  it('sends packet-in to the CPU with the controller header in front, and injects packet-out', () => {
    const toCpu: Uint8Array[] = [];
    dp.onPacketToCpu((p) => toCpu.push(p));
    dp.receive(9, ctrlPacket(7));
    expect(toCpu).toHaveLength(1);
    expect(hex(toCpu[0]!.subarray(0, 2))).toBe((9 << 7).toString(16).padStart(4, '0'));
    expect(ctrl(toCpu[0]!, 16)).toMatchObject({ op: 7, port: CPU });
    expect(out).toHaveLength(0);

    const frame = ctrlPacket(0x20);
    dp.injectFromCpu(Uint8Array.from([(3 << 7) >> 8, (3 << 7) & 255, ...frame]));
    expect(out.map((o) => o.port)).toEqual([3]);
    expect(hex(out[0]!.data.subarray(0, 14))).toBe(hex(frame.subarray(0, 14)));
    expect(out[0]!.data.length).toBe(frame.length);
  });
});
