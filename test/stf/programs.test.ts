// Every program in p4/ proven by packets: its STF file in test/stf/programs
// runs against the program compiled by p4lab, in p4lab's switch.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatStfResult, runStfFiles } from '../../kernel-lib/stf/index.js';

const P4_DIR = fileURLToPath(new URL('../../p4/', import.meta.url));
const STF_DIR = fileURLToPath(new URL('./programs/', import.meta.url));
const programs = readdirSync(P4_DIR).filter((f) => f.endsWith('.p4')).map((f) => f.slice(0, -3));

describe('STF tests of the programs in p4/', () => {
  it('every program has one', () => {
    expect(programs.filter((p) => !existsSync(`${STF_DIR}${p}.stf`))).toEqual([]);
  });

  for (const name of programs) {
    it(name, () => {
      const r = runStfFiles(`${P4_DIR}${name}.p4`, `${STF_DIR}${name}.stf`, { dataplane: { seed: 7 } });
      expect(r.ok, formatStfResult(r)).toBe(true);
      expect(r.expectations.length).toBeGreaterThan(0);
      // every packet the program sent was on a port the test checks
      expect(r.unchecked).toEqual([]);
      // the file exercises its program: no test is just a comment
      expect(readFileSync(`${STF_DIR}${name}.stf`, 'utf8')).toMatch(/^packet /m);
    });
  }
});
