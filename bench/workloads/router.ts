// The IPv4 router workload that bench/switch-engine.ts measures and
// test/switch/allocation.test.ts holds to zero allocation per packet.
import type { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';

/** Adds 256 routes to the loaded ipv4_router fixture: 10.0.i.0/24 → port 1 + i % 4. */
export function addRoutes(dp: Dataplane): void {
  for (let i = 0; i < 256; i++) {
    dp.tableAdd('MyIngress.ipv4_lpm', {
      key: [{ kind: 'lpm', value: BigInt(0x0a000000 + (i << 8)), prefixLen: 24 }],
      action: { action: 'MyIngress.ipv4_forward', params: [BigInt(0x020000000000 + i), BigInt(1 + (i % 4))] },
      priority: 0,
    });
  }
}

/** 64 frames as the switch's ports hand them over: views of whole receive slots of one ring, `frame(i)` at the start of each. */
export function receiveSlots(frame: (i: number) => Uint8Array): Uint8Array[] {
  const SLOT = 9216 + 64;
  const ring = new Uint8Array(64 * SLOT);
  return Array.from({ length: 64 }, (_, i) => {
    const view = ring.subarray(i * SLOT, (i + 1) * SLOT);
    view.set(frame(i));
    return view;
  });
}
