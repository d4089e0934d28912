// The legacy baseline (short): NAT and firewall as Python/Scapy VNFs in
// vnf-base containers, migrated by stop, copy state, start elsewhere. The
// state must survive the move (translation continues, the blocked flow stays
// blocked); the flow is interrupted while no VNF runs.
import { describe, expect, it } from 'vitest';
import { runLegacyMigration } from '../../kernel-lib/experiments/index.js';
import { cleanupNetwork } from '../../kernel-lib/emulation/index.js';
import { dockerAvailable } from '../../kernel-lib/emulation/docker/engine.js';
import { imageExists, loadRecipe } from '../../kernel-lib/emulation/docker/images.js';

const missing = !(await dockerAvailable()) ? 'Docker is not running' : !(await imageExists(loadRecipe('vnf-base').tag)) ? 'the vnf-base image is not built (scripts/setup.sh builds it)' : null;

describe.skipIf(missing !== null)(`legacy VNF migration${missing ? ` (skipped: ${missing})` : ''}`, () => {
  for (const nf of ['nat', 'firewall'] as const) {
    it(`${nf}: keeps its state across stop, copy, start`, async () => {
      const name = `xtest-legacy-${nf}`;
      await cleanupNetwork(name);
      const r = await runLegacyMigration({ name, nf, pps: 500, duration_s: 5, migrate_s: 1.5 });
      const m = r.metrics;
      expect(m.leaked).toBe(0);
      expect(m.sent).toBeGreaterThan(2000);
      expect(m.lost - m.lost_before_migration).toBeGreaterThan(0); // no VNF runs between stop and start
      expect(m.lost).toBeLessThan(m.sent / 2); // and the flow resumes on d2
    }, 120_000);
  }
});
