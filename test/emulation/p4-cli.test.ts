// A tree of P4 switches from a topology file, started with `p4lab up`: the
// switches outlive the CLI with their programs and command files applied,
// hosts ping and exchange UDP across the tree through `p4lab exec`, and
// `p4lab down` removes it all.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, findLeftovers, isEmpty } from '../../kernel-lib/emulation/cleanup.js';
import { PACKAGE_ROOT } from '../../kernel-lib/package-root.js';
import { readState } from '../../kernel-lib/emulation/state.js';
import { CLI, p4lab, requireBuild, waitForStdout } from './helpers.js';

const NET = 'etest-p4tree';
const dir = mkdtempSync(join(tmpdir(), 'etest-p4tree-'));
const flood = (ports: number[]): string => `mc_mgrp_create 1\nmc_node_create 0 ${ports.join(' ')}\nmc_node_associate 1 0\n`;

describe('p4lab up: a tree of P4 switches (depth 2, fanout 2)', () => {
  beforeAll(async () => {
    requireBuild();
    await cleanup(NET);
    writeFileSync(join(dir, 'root.txt'), flood([1, 2]));
    writeFileSync(join(dir, 'leaf.txt'), flood([1, 2, 3]));
    const sw = (commands: string): string => `{ kind: p4switch, program: ${join(PACKAGE_ROOT, 'p4', 'l2_forwarder.p4')}, commands: ${commands} }`;
    writeFileSync(
      join(dir, 'tree.yaml'),
      [
        `name: ${NET}`,
        'nodes:',
        `  s1: ${sw('root.txt')}`,
        `  s2: ${sw('leaf.txt')}`,
        `  s3: ${sw('leaf.txt')}`,
        ...['h1', 'h2', 'h3', 'h4'].map((h) => `  ${h}: { kind: host }`),
        'links:',
        '  - endpoints: [s1, s2]',
        '  - endpoints: [s1, s3]',
        '    delay: 5ms',
        '  - endpoints: [h1, s2]',
        '  - endpoints: [h2, s2]',
        '  - endpoints: [h3, s3]',
        '  - endpoints: [h4, s3]',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await cleanup(NET);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, programs the switches and exits, leaving them running', async () => {
    const r = await p4lab('up', join(dir, 'tree.yaml'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const switches = readState(NET).nodes.filter((n) => n.kind === 'p4switch');
    expect(switches.map((s) => s.name)).toEqual(['s1', 's2', 's3']);
    for (const s of switches) expect(() => process.kill(s.pid!, 0)).not.toThrow();
    expect(r.stdout).toMatch(/s1\s+p4switch\s+grpc 127\.0\.0\.1:\d+ device 1\s+\d+ running/);
  });

  it('pings across the tree, through the emulated delay, and carries UDP', async () => {
    const ping = await p4lab('exec', '--net', NET, 'h1', '--', 'ping', '-c', '2', '-i', '0.2', '-W', '2', '10.0.0.4');
    expect(ping.code).toBe(0);
    const rtt = Number(/= [\d.]+\/([\d.]+)\//.exec(ping.stdout)![1]);
    expect(rtt).toBeGreaterThan(9.5); // 5 ms each way on s1-s3
    const receiver = spawn(process.execPath, [CLI, 'exec', '--net', NET, 'h4', '--', 'python3', '-u', '-c',
      "import socket\nr=socket.socket(2,2)\nr.bind(('0.0.0.0',5003))\nprint('bound')\nprint('got', r.recvfrom(16)[0].decode())"], { stdio: ['ignore', 'pipe', 'pipe'] });
    const got = waitForStdout(receiver, /got across\n/);
    await waitForStdout(receiver, /bound\n/);
    const send = await p4lab('exec', '--net', NET, 'h1', '--', 'python3', '-c', "import socket\nsocket.socket(2,2).sendto(b'across',('10.0.0.4',5003))");
    expect(send.code).toBe(0);
    await got;
  });

  it('stops everything with p4lab down', async () => {
    expect((await p4lab('down', NET)).code).toBe(0);
    expect(isEmpty(await findLeftovers(NET))).toBe(true);
  });
});
