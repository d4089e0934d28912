// Stateless NAT migration (P4NFV Fig. 8, short): a real three-tier network of
// p4lab switches, UDP H1→H4 through S1-S3-S5, NAT instantiated on S1 and
// migrated to S3 mid-run, by pipeline manipulation and by program reload.
// Every packet must arrive, each with the source address the NAT's state at
// its send time implies (checked on a capture at H4). Also moved to S4, off
// the flow's route, which reroutes the flow through S4.
import { describe, expect, it } from 'vitest';
import { runNatMigration } from '../../kernel-lib/experiments/index.js';
import { cleanupNetwork } from '../../kernel-lib/emulation/index.js';
import { netnsUnavailable } from '../traffic/netns-pair.js';
import { lostSendTimes } from './lost.js';

const missing = netnsUnavailable();

describe.skipIf(missing !== null)(`NAT migration from S1${missing ? ` (skipped: ${missing})` : ''}`, () => {
  for (const method of ['PM', 'PR'] as const) {
    it(`${method}: loses nothing and translates every packet correctly`, async () => {
      const name = `xtest-nat-${method.toLowerCase()}`;
      await cleanupNetwork(name);
      const r = await runNatMigration({ name, method, pps: 1000, size: 64, duration_s: 3, instantiate_s: 1, migrate_s: 2 });
      const m = r.metrics;
      expect(m.sent).toBeGreaterThan(2500);
      expect(m.lost, lostSendTimes(r, 1)).toBe(0);
      expect(m.received).toBe(m.sent);
      expect(m.captured).toBe(m.received);
      expect(m.wrongly_translated).toBe(0);
      // Both phases were seen: untranslated before the NAT started, translated after (~2 of 3 s).
      expect(m.translated).toBeGreaterThan(1500);
      expect(m.translated).toBeLessThan(m.captured);
      // The management entity's message sequence, in order.
      const steps = r.operations[1]!.steps.map((s) => `${s.device}: ${s.step}`);
      if (method === 'PM') expect(steps).toEqual(['s3: insert nat entries', 's3: enable nat flag', 's1: disable nat flag', 's1: delete nat entries']);
      else expect(steps).toEqual(['s3: save nat.p4', 's3: insert routes', 's3: insert nat entries', 's3: commit nat.p4', 's1: save ipv4_router.p4', 's1: insert routes', 's1: commit ipv4_router.p4']);
      expect(r.events.events.filter((e) => e.kind === 'migration_step')).toHaveLength(steps.length + r.operations[0]!.steps.length);
    });
  }

  for (const method of ['PM', 'PR'] as const) {
    it(`${method}: reroutes H1's flow through S4, off its route, and still translates every packet`, async () => {
      const name = `xtest-nat4-${method.toLowerCase()}`;
      await cleanupNetwork(name);
      const r = await runNatMigration({ name, method, pps: 1000, size: 64, duration_s: 3, instantiate_s: 1, migrate_s: 2, to: 's4', path: ['h1', 's1', 's4', 's5', 'h4'] });
      const m = r.metrics;
      expect(m.lost, lostSendTimes(r, 1)).toBe(0);
      // After the migration only S4 translates: packets that kept to S3 would arrive untranslated.
      expect(m.wrongly_translated).toBe(0);
      expect(m.translated).toBeGreaterThan(1500);
      const steps = r.operations[1]!.steps.map((s) => `${s.device}: ${s.step}`);
      // Downstream first: S5 already routes to H4, then S4, then S1 turns onto the new path.
      expect(steps.filter((s) => s.includes('route to h4'))).toEqual(['s5: route to h4 via h4', 's4: route to h4 via s5', 's1: route to h4 via s4']);
      expect(steps.indexOf('s1: route to h4 via s4')).toBeLessThan(steps.findIndex((s) => s.startsWith('s1: disable') || s.startsWith('s1: save')));
    });
  }
});
