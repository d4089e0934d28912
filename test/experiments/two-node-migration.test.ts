// He et al.'s two-node reconfiguration (short): F_A passes and F_B is
// blocked by the firewall on s1, which migrates to s2 mid-run with its
// state, by pipeline manipulation and by program reload. Not one F_B packet
// may reach h3, and F_A must lose nothing. F_A runs at half the paper's rate
// so a busy CI machine keeps up.
import { describe, expect, it } from 'vitest';
import { flowSlot, runTwoNodeMigration } from '../../kernel-lib/experiments/index.js';
import { cleanupNetwork } from '../../kernel-lib/emulation/index.js';
import { netnsUnavailable } from '../traffic/netns-pair.js';
import { lostSendTimes } from './lost.js';

const missing = netnsUnavailable();

describe.skipIf(missing !== null)(`two-node firewall migration${missing ? ` (skipped: ${missing})` : ''}`, () => {
  for (const method of ['PM', 'PR'] as const) {
    it(`${method}: F_B stays blocked, F_A loses nothing`, async () => {
      const name = `xtest-2n-${method.toLowerCase()}`;
      await cleanupNetwork(name);
      const r = await runTwoNodeMigration({ name, method, pps_a: 1500, size_a: 64, pps_b: 1000, duration_s: 3, migrate_s: 1.5 });
      const m = r.metrics;
      expect(m.fb_leaked).toBe(0);
      expect(m.fa_sent).toBeGreaterThan(4000);
      expect(m.fa_lost, lostSendTimes(r, 1)).toBe(0);
      // F_B's fingerprint sits in the slot flowSlot() computed (CRC-32 of the 3-tuple), blocked, and travelled.
      const copied = r.operations[1]!.copied!;
      expect(copied.slots.get(flowSlot({ src: '10.1.2.2', dst: '10.2.1.2' }) /* h2 → h3, l3 addressing */)?.['MyIngress.fw_blocked']).toBe(1n);
      expect(copied.slots.size).toBeGreaterThanOrEqual(2);
    });
  }
});
