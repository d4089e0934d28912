// The CLI lifecycle on a topology file: up (the network outlives the CLI),
// inspect, exec, graph, down; and a wrong topology file refused with a
// positioned error and no stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, findLeftovers, isEmpty } from '../../kernel-lib/emulation/cleanup.js';
import { p4lab, requireBuild } from './helpers.js';

const NET = 'etest-cli';
const dir = mkdtempSync(join(tmpdir(), 'etest-cli-'));
const topo = join(dir, 'topo.yaml');
const bad = join(dir, 'bad.yaml');

describe('p4lab up / inspect / exec / graph / down', () => {
  beforeAll(async () => {
    requireBuild();
    await cleanup(NET);
    writeFileSync(topo, `name: ${NET}\nnodes:\n  h1: { kind: host }\n  h2: { kind: host }\n  b1: { kind: bridge }\nlinks:\n  - endpoints: [h1, b1]\n  - endpoints: [h2, b1]\n    rate: 20Mbit\n`);
    writeFileSync(bad, `name: ${NET}\nnodes:\n  h1: { kind: host }\nlinks:\n  - endpoints: [h1, h7]\n`);
  });
  afterAll(async () => {
    await cleanup(NET);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the network and leaves it running after the CLI exits', async () => {
    const r = await p4lab('up', topo);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`network ${NET} is up`);
    expect(r.stdout).toMatch(/h1\s+host\/netns\s+10\.0\.0\.1\/16\s+00:00:0a:00:00:01\s+p4lab\.etest-cli\.h1/);
  });

  it('runs commands in hosts and passes their exit status on', async () => {
    const ok = await p4lab('exec', '--net', NET, 'h1', '--', 'ping', '-c', '1', '-W', '2', '10.0.0.2');
    expect(ok.code).toBe(0);
    const fail = await p4lab('exec', '--net', NET, 'h2', '--', 'sh', '-c', 'exit 3');
    expect(fail.code).toBe(3);
    const noNode = await p4lab('exec', '--net', NET, 'h9', '--', 'true');
    expect(noNode.stderr).toBe(`p4lab: network ${NET} has no node named h9\n  fix: hosts are: h1, h2\n`);
  });

  it('inspects the running network', async () => {
    const r = await p4lab('inspect', NET);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/h2-b1\s+0-2\s+eth0 p4[0-9a-f]{4}-b1-2\s+up\s+rate=20Mbit/);
    const json = JSON.parse((await p4lab('inspect', NET, '--json')).stdout);
    expect(json.nodes.map((n: { name: string }) => n.name)).toEqual(['h1', 'h2', 'b1']);
  });

  it('draws the topology', async () => {
    const r = await p4lab('graph', topo);
    expect(r.stdout).toMatch(/^<svg [^]*>20Mbit<\/text>[^]*<\/svg>\n$/);
  });

  it('refuses a wrong topology file with its position and no stack trace', async () => {
    const r = await p4lab('up', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`p4lab: topology has 1 error(s):\n  ${bad}:5:21: links[0].endpoints[1]: no node named "h7"\n    fix: declare it under nodes, or use one of h1\n`);
  });

  it('stops the network and removes everything', async () => {
    const r = await p4lab('down', NET);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`network ${NET} is down`));
    expect(isEmpty(await findLeftovers(NET))).toBe(true);
    const again = await p4lab('down', NET);
    expect(again.stderr).toMatch(new RegExp(`^p4lab: no running network named ${NET}\n  fix: start it with`));
  });
});
