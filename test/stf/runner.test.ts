// The STF runner itself: the format as p4c writes it, expectations judged
// byte by byte, control-plane commands, positioned errors and the CLI.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../kernel-lib/cli/main.js';
import { P4labError } from '../../kernel-lib/errors.js';
import { formatStfResult, parseStf, runStf } from '../../kernel-lib/stf/index.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const PROGRAM = here('./fixtures/features.p4');
const STF = here('./fixtures/features.stf');
const source = readFileSync(PROGRAM, 'utf8');
const run = (stf: string) => runStf(source, stf, { programFile: PROGRAM, stfFile: 'x.stf' });
const SETUP = 'add by_src src:0x0a0000000000/8 fwd(port:4)\n';
const PKT = 'packet 1 000000000001 0a0102030405 5555 aabbcc\n';

describe('parseStf', () => {
  it('reads commands case-insensitively, skips comments and joins split hex', () => {
    const cmds = parseStf('# a comment\nADD t 7 f.x:0x1* g:10/8 a.b(p:0x2, q:3)  # trailing\n\npacket 2 00 11\nexpect 3 00 1* $\nexpect 4\nwait\n', 't.stf');
    expect(cmds.map((c) => [c.kind, c.line])).toEqual([['add', 2], ['packet', 4], ['expect', 5], ['expect', 6], ['ignored', 7]]);
    expect(cmds[0]).toMatchObject({ table: 't', priority: 7, keys: [{ name: 'f.x', value: '0x1*' }, { name: 'g', value: '10', prefixLen: '8' }], action: { name: 'a.b', args: [{ name: 'p', value: '0x2' }, { name: 'q', value: '3' }] } });
    expect(cmds[1]).toMatchObject({ port: 2, data: Uint8Array.from([0, 0x11]) });
    expect(cmds[2]).toMatchObject({ port: 3, pattern: '001*', exact: true });
    expect(cmds[3]).toMatchObject({ port: 4, pattern: undefined });
  });

  it('names the file, line and command of a bad line', () => {
    expect(() => parseStf('\n\npacket 1 0g\n', 'bad.stf')).toThrow(/^bad\.stf:3: packet: packet data must be whole bytes/);
    expect(() => parseStf('mc_node_associate 1\n', 'bad.stf')).toThrow(/^bad\.stf:1: mc_node_associate: takes 2 arguments/);
    expect(() => parseStf('frobnicate 1\n', 'bad.stf')).toThrow(/^bad\.stf:1: frobnicate: unknown or unsupported STF command/);
  });
});

describe('runStf', () => {
  it('passes the feature test: wildcards, priorities, validity keys, defaults, multicast, mirroring, registers', () => {
    const r = runStf(source, readFileSync(STF, 'utf8'), { programFile: PROGRAM });
    expect(r.ok, formatStfResult(r)).toBe(true);
    expect(r.expectations).toHaveLength(9);
  });

  it('reports the first differing byte', () => {
    const r = run(`${SETUP}${PKT}expect 4 000000000001 0a0102030405 5555 aabbdd\n`);
    expect(r.ok).toBe(false);
    expect(r.expectations[0]).toMatchObject({ port: 4, line: 3, ok: false, firstDifferingByte: 16, problem: 'byte 16 differs' });
    const text = formatStfResult(r);
    expect(text).toContain('x.stf:3: port 4, packet 0: byte 16 differs');
    expect(text).toMatch(/expected 00 00 00 00 00 01 0A 01 02 03 04 05 55 55 AA BB DD\n {2}got {6}00 00 00 00 00 01 0A 01 02 03 04 05 55 55 AA BB CC\n {2}[ ]{9}[ ]{48}\^/);
  });

  it('matches a prefix unless the line ends in $, and * matches any nibble', () => {
    expect(run(`${SETUP}${PKT}expect 4 000000000001 0a01**0304\n`).ok).toBe(true);
    expect(run(`${SETUP}${PKT}expect 4 000000000001 0a01**0304 $\n`).expectations[0]!.problem).toMatch(/too long: 17 bytes, expected exactly 11/);
    expect(run(`${SETUP}${PKT}expect 4 000000000001 0a0102030405 5555 aabbcc 00\n`).expectations[0]!.problem).toMatch(/too short/);
  });

  it('fails on a missing packet, an extra one and a wrong port, per port and in order', () => {
    const missing = run(`${SETUP}${PKT}expect 4 00\nexpect 4 00\n`);
    expect(missing.expectations.map((e) => e.ok)).toEqual([true, false]);
    expect(missing.expectations[1]!.problem).toBe('no packet');
    const extra = run(`${SETUP}${PKT}${PKT}expect 4 00\n`);
    expect(extra.ok).toBe(false);
    expect(extra.unexpected).toMatchObject([{ port: 4, index: 1 }]);
    expect(run(`${SETUP}${PKT}expect 5 00\n`).ok).toBe(false);
  });

  it('leaves ports no command mentions unchecked, as p4c does, but lists their packets', () => {
    const r = run(`${SETUP}${PKT}`);
    expect(r.ok).toBe(true);
    expect(r.unchecked).toMatchObject([{ port: 4 }]);
  });

  it('names the STF line of a bad control-plane command', () => {
    const fail = (stf: string) => {
      try {
        run(stf);
      } catch (e) {
        expect(e).toBeInstanceOf(P4labError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(fail('add nosuch x:1 fwd(port:1)')).toMatch(/^x\.stf:1: add: no table 'nosuch'/);
    expect(fail('\nadd by_ fwd(port:1)')).toMatch(/^x\.stf:2: add: no table 'by_' \(there are: I\.by_src, I\.by_dst/);
    expect(fail('add by_src src:1 fwd(prt:1)')).toMatch(/action I\.fwd has no parameter 'prt'/);
    expect(fail('add by_src src:1 fwd()')).toMatch(/action I\.fwd needs a value for 'port'/);
    expect(fail('add by_src zz:1 fwd(port:1)')).toMatch(/has no key field 'zz'/);
    expect(fail('add by_src src:0x1000000000000/8 fwd(port:1)')).toMatch(/^x\.stf:1: add: .*48 bits.*does not fit/);
    expect(fail('mc_node_associate 3 0')).toMatch(/multicast group 3 was not created/);
    expect(fail('register_write nosuch 0 1')).toMatch(/no register 'nosuch'/);
  });

  it('says so when the program does not compile', () => {
    expect(() => runStf('control C() { apply { x = 1; } }', '', { programFile: 'bad.p4' })).toThrow(/bad\.p4 does not compile:\nbad\.p4:1:/);
  });
});

describe('p4lab stf', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  const cli = async (...args: string[]) => {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    vi.spyOn(console, 'error').mockImplementation((s) => void (err += `${String(s)}\n`));
    await main(['node', 'p4lab', 'stf', ...args]);
    return { out, err, code: process.exitCode ?? 0 };
  };

  it('prints PASS and exits 0 when every expectation is met', async () => {
    const r = await cli(PROGRAM, STF);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS: 9\/9 expectations met/);
  });

  it('exits 1 with a diff on a mismatch, and names the file of a bad STF line', async () => {
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/p4lab-stf-`);
    const bad = `${dir}/bad.stf`;
    (await import('node:fs')).writeFileSync(bad, `${SETUP}${PKT}expect 4 ff\n`);
    const r = await cli(PROGRAM, bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.stf:3: port 4, packet 0: byte 0 differs[\s\S]*FAIL: 0\/1 expectations met/);
    (await import('node:fs')).writeFileSync(bad, 'add by_src src:1 fwd(port:1) junk\n');
    const e = await cli(PROGRAM, bad);
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/^p4lab: .*bad\.stf:1: add: unexpected 'junk' after the action call/);
  });
});
