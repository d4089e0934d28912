// `p4lab compile` as users run it: a real process, real files, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { p4infoFromBinary } from '../../kernel-lib/compiler/index.js';
import { REPO } from './compile-helpers.js';

const dir = mkdtempSync(join(tmpdir(), `p4lab-c2-${process.pid % 10000}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function p4lab(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'p4lab.js'), ...args], { cwd: dir, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('p4lab compile', () => {
  it('writes the BMv2 JSON and both P4Info forms for a good program', () => {
    const r = p4lab(['compile', join(REPO, 'p4', 'ipv4_router.p4'), '-o', join(dir, 'out')]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'ipv4_router.json'), 'utf8'));
    expect(json.__meta__.version).toEqual([2, 23]);
    const text = readFileSync(join(dir, 'out', 'ipv4_router.p4info.txt'), 'utf8');
    expect(text).toContain('name: "MyIngress.ipv4_lpm"');
    const bin = p4infoFromBinary(readFileSync(join(dir, 'out', 'ipv4_router.p4info.binpb')));
    expect(bin.tables.map((t) => t.preamble.name)).toEqual(['MyIngress.ipv4_lpm']);
  });

  it('exits 1 with positioned errors and no stack trace on a bad program, writing nothing', () => {
    const bad = join(dir, 'bad.p4');
    writeFileSync(bad, '#include <core.p4>\n#include <v1model.p4>\nconst bit<8> X = 16w1;\nconst bit<4> Y = Z;\n');
    const r = p4lab(['compile', bad, '-o', join(dir, 'bad-out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:3:18: error: constant 'X' is bit<8> but its value is bit<16>`);
    expect(r.stderr).toContain(`${bad}:4:18: error: unknown name 'Z'`);
    expect(r.stderr).toContain('2 errors, nothing written');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('passes -D and -I to the preprocessor', () => {
    const inc = join(dir, 'inc');
    mkdirSync(inc, { recursive: true });
    writeFileSync(join(inc, 'width.p4'), 'typedef bit<WIDTH> w_t;\n');
    const prog = readFileSync(join(REPO, 'p4', 'ipv4_router.p4'), 'utf8').replace('#include <v1model.p4>', '#include <v1model.p4>\n#include <width.p4>\nconst w_t SOME = 1;');
    writeFileSync(join(dir, 'defs.p4'), prog);
    const r = p4lab(['compile', join(dir, 'defs.p4'), '-I', inc, '-I', join(REPO, 'p4'), '-D', 'WIDTH=12', '-o', join(dir, 'defs-out')]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
  });

  it('explains a missing file and a missing p4c, with exit code 1', () => {
    const missing = p4lab(['compile', join(dir, 'nope.p4')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    const noP4c = p4lab(['compile', join(REPO, 'p4', 'ipv4_router.p4'), '--use', 'p4c'], { ...process.env, PATH: dir });
    expect(noP4c.code).toBe(1);
    expect(noP4c.stderr).toContain('p4c is not on PATH');
  });

  it('--use p4c runs p4c with the BMv2 target and P4Runtime files, then names the binary P4Info .binpb', () => {
    const bin = join(dir, 'fake-bin');
    mkdirSync(bin, { recursive: true });
    // A stand-in p4c that records its arguments and writes what the real one would.
    writeFileSync(join(bin, 'p4c'), `#!/bin/sh
echo "$@" > "${join(dir, 'p4c-args')}"
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift ;;
    --p4runtime-files) files="$2"; shift ;;
  esac
  shift
done
echo '{}' > "$out/ipv4_router.json"
for f in $(echo "$files" | tr ',' ' '); do echo x > "$f"; done
`, { mode: 0o755 });
    const r = p4lab(['compile', join(REPO, 'p4', 'ipv4_router.p4'), '--use', 'p4c', '-o', join(dir, 'p4c-out'), '-D', 'X=1'], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(0);
    const args = readFileSync(join(dir, 'p4c-args'), 'utf8');
    expect(args).toContain('--target bmv2 --arch v1model');
    expect(args).toContain('-D X=1');
    expect(readFileSync(join(dir, 'p4c-out', 'ipv4_router.p4info.binpb'), 'utf8')).toBe('x\n');
  });

  it('has a --help that says what it writes', () => {
    const r = p4lab(['compile', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('p4info.binpb');
  });
});
