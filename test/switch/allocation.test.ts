// The packet path allocates nothing once warm, so the switch causes no GC
// pauses of its own: the IPv4 router through the engine (as the switch runs
// it, receive batches then service()) and a port's emulated link. Measured as
// young-generation growth across 200k packets with no GC in between, a count
// of bytes, not a timing. The process path (ports, event loop) needs real
// sockets: bench/switch-engine.ts and a --trace-gc run of the switch cover it.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString, getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { LinkEmulator } from '../../kernel-lib/switch/link/link.js';
import { addRoutes, receiveSlots } from '../../bench/workloads/router.js';
import { fixture, ipv4Packet } from './engine-packets.js';

const PACKETS = 200_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function youngBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;
}

/** Bytes per packet `run(PACKETS)` allocates once warm; fails if a GC ran during the count (its growth would then say nothing). */
async function bytesPerPacket(run: (n: number) => void): Promise<number> {
  run(PACKETS); // warm-up: V8 optimises the packet path
  run(PACKETS);
  let scavenges = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
  });
  gc();
  await new Promise((r) => setTimeout(r, 50));
  gcs.observe({ entryTypes: ['gc'] });
  const before = youngBytes();
  run(PACKETS);
  const grown = youngBytes() - before;
  await new Promise((r) => setTimeout(r, 50)); // GC entries arrive asynchronously
  gcs.disconnect();
  expect(scavenges, `a young-generation GC ran while ${PACKETS} packets were forwarded: the packet path allocates`).toBe(0);
  return grown / PACKETS;
}

describe('allocation on the packet path', () => {
  it('the IPv4 router allocates nothing per forwarded packet', async () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('ipv4_router'));
    addRoutes(dp);
    let sent = 0;
    dp.onTransmit(() => {
      sent++;
    });
    const frames = receiveSlots((i) => ipv4Packet({ dst: `10.0.${(i * 37) % 256}.5`, totalBytes: 64 }));
    const perPacket = await bytesPerPacket((n) => {
      for (let i = 0; i < n; i++) {
        dp.receive(1, frames[i & 63]!, 64);
        if ((i & 63) === 63) dp.service();
      }
    });
    expect(sent).toBe(3 * PACKETS);
    expect(perPacket).toBeLessThan(1);
  });

  it('an emulated link (delay, jitter, loss, reordering) allocates nothing per packet', async () => {
    const clock = new Float64Array(1);
    let sent = 0;
    const link = new LinkEmulator(() => {
      sent++;
    }, clock);
    link.configure({ delayUs: 100, jitterUs: 20, loss: 0.01, reorderProbability: 0.05, reorderDelayUs: 50 });
    const packet = new Uint8Array(1500);
    const perPacket = await bytesPerPacket((n) => {
      for (let i = 0; i < n; i++) {
        clock[0] += 10_000; // a packet every 10 µs
        link.transmit(packet, 0, 64);
        link.release();
      }
    });
    expect(sent).toBeGreaterThan(2.9 * PACKETS);
    expect(perPacket).toBeLessThan(1);
  });
});
