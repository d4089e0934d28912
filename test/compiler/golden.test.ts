// Golden tests: the BMv2 JSON and P4Info text of every program in p4/ are
// pinned under test/compiler/golden/. UPDATE_GOLDEN=1 rewrites them; review
// the diff before committing it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bmv2JsonText, p4infoToText } from '../../kernel-lib/compiler/index.js';
import { REPO, compileProgram, p4Programs } from './compile-helpers.js';

const GOLDEN = join(REPO, 'test', 'compiler', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function pinned(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (update) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) expect.fail(`no golden file ${path}: run with UPDATE_GOLDEN=1 to create it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('golden outputs of the programs in p4/', () => {
  const programs = p4Programs();

  it('p4/ has the programs of the experiments', () => {
    expect(programs.map((p) => p.name)).toEqual(expect.arrayContaining(['ipv4_router', 'l2_forwarder', 'nat', 'stateful_firewall', 'p4nfv_all_in_one']));
  });

  for (const { name, path } of programs) {
    it(`${name}: BMv2 JSON and P4Info text match the goldens`, () => {
      const r = compileProgram(path);
      pinned(`${name}.json`, bmv2JsonText(r.bmv2));
      pinned(`${name}.p4info.txt`, p4infoToText(r.p4info));
    });
  }
});
