// Stateful firewall migration (P4NFV Fig. 9, short): the firewall on S1
// blocks H1's flow (by the operator's block: rate learning needs a quiet
// machine, see FirewallMigrationOptions.threshold_us); it then migrates to S5
// with its state, by pipeline manipulation and by program reload. No packet
// of the blocked flow may reach H4 afterwards, and H2's flow must pass
// without loss. Rates are lower than the paper's so a busy CI machine keeps up.
import { describe, expect, it } from 'vitest';
import { runFirewallMigration } from '../../kernel-lib/experiments/index.js';
import { cleanupNetwork } from '../../kernel-lib/emulation/index.js';
import { netnsUnavailable } from '../traffic/netns-pair.js';
import { lostSendTimes } from './lost.js';

const missing = netnsUnavailable();

describe.skipIf(missing !== null)(`firewall migration S1 → S5${missing ? ` (skipped: ${missing})` : ''}`, () => {
  for (const method of ['PM', 'PR'] as const) {
    it(`${method}: keeps H1's flow blocked and H2's flowing`, async () => {
      const name = `xtest-fw-${method.toLowerCase()}`;
      await cleanupNetwork(name);
      const r = await runFirewallMigration({ name, method, pps: 1000, attack_pps: 1500, size: 50, duration_s: 3, migrate_s: 2, threshold_us: 0 });
      const m = r.metrics;
      expect(m.blocked_on_source).toBe(true);
      expect(m.blocked_on_target).toBe(true);
      expect(m.blocked_leaked).toBe(0);
      expect(m.h2_sent).toBeGreaterThan(2500);
      expect(m.h2_lost, lostSendTimes(r, 2)).toBe(0);
      expect(m.copied_flows).toBeGreaterThanOrEqual(2); // H1's and H2's fingerprints
      const steps = r.operations[1]!.steps.map((s) => `${s.device}: ${s.step.replace(/ \(.*/, '')}`);
      if (method === 'PM') expect(steps).toEqual(['s1: read firewall state', 's5: write firewall state', 's5: block 1 flows', 's5: enable firewall flag', 's1: read blocked flows again', 's5: write blocked flows again', 's1: disable firewall flag']);
      else expect(steps).toEqual(['s1: read firewall state', 's5: save stateful_firewall.p4', 's5: insert routes', 's5: write firewall state', 's5: block 1 flows', 's5: commit stateful_firewall.p4', 's1: read blocked flows again', 's5: write blocked flows again', 's1: save ipv4_router.p4', 's1: insert routes', 's1: commit ipv4_router.p4']);
    });
  }
});
