// Traffic through the p4lab switch (port_forward program) with an emulated
// link on its egress port: measured one-way delay and loss must match the
// settings within 10%.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrafficAnalysis } from '../../kernel-lib/analysis/index.js';
import { EventLog } from '../../kernel-lib/events/index.js';
import { TargetClient } from '../../kernel-lib/switch/target/client.js';
import { NetnsTrafficHost } from '../../kernel-lib/traffic/host.js';
import { startTraffic } from '../../kernel-lib/traffic/start.js';
import { ToolProcess } from '../../kernel-lib/traffic/tool-process.js';
import { netnsUnavailable } from './netns-pair.js';

const BIN = fileURLToPath(new URL('../../bin/p4lab.js', import.meta.url));
const PROGRAM = fileURLToPath(new URL('../fixtures/bmv2/port_forward.json', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/kernel-lib/cli/main.js', import.meta.url));
const hasEthtool = () => {
  try {
    execFileSync('ethtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const missing = netnsUnavailable() ?? (existsSync(BUILT) ? null : 'p4lab is not built (npm run build)') ?? (hasEthtool() ? null : 'ethtool is not installed');

const id = `ts${process.pid % 10000}`;
const ns = { a: `${id}a`, b: `${id}b` };
const dir = `/tmp/p4lab-${id}`;
const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
let sw: ToolProcess | undefined;
let target: TargetClient | undefined;

function cleanup() {
  for (const n of Object.values(ns)) {
    try { ip('netns', 'del', n); } catch { /* not there */ }
  }
  for (const l of [`${id}a0`, `${id}b0`]) {
    try { ip('link', 'del', l); } catch { /* went with its peer */ }
  }
}

beforeAll(async () => {
  if (missing) return;
  cleanup();
  const macs: Record<string, string> = {};
  for (const [side, addr] of [['a', '10.0.0.1/24'], ['b', '10.0.0.2/24']] as const) {
    const name = ns[side], near = `${id}${side}0`, far = `${id}${side}1`;
    ip('netns', 'add', name);
    ip('link', 'add', near, 'type', 'veth', 'peer', 'name', far, 'netns', name);
    execFileSync('sysctl', ['-qw', `net.ipv6.conf.${near}.disable_ipv6=1`]);
    execFileSync('ip', ['netns', 'exec', name, 'sysctl', '-qw', `net.ipv6.conf.${far}.disable_ipv6=1`]);
    ip('link', 'set', near, 'up');
    ip('-n', name, 'addr', 'add', addr, 'dev', far);
    ip('-n', name, 'link', 'set', far, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
    // veth leaves UDP checksums to "hardware"; frames forwarded by a software switch would arrive with bad ones.
    execFileSync('ip', ['netns', 'exec', name, 'ethtool', '-K', far, 'tx', 'off'], { stdio: 'ignore' });
    macs[side] = JSON.parse(ip('-j', '-n', name, 'link', 'show', far))[0].address;
  }
  // Static neighbours: no ARP through the lossy link.
  ip('-n', ns.a, 'neigh', 'add', '10.0.0.2', 'lladdr', macs.b!, 'dev', `${id}a1`);
  ip('-n', ns.b, 'neigh', 'add', '10.0.0.1', 'lladdr', macs.a!, 'dev', `${id}b1`);
  sw = new ToolProcess('p4lab switch', spawn(process.execPath, [BIN, 'switch', '--grpc-server-addr', '127.0.0.1:0', '--log-level', 'warn',
    '-i', `1@${id}a0`, '-i', `2@${id}b0`, PROGRAM], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await sw.waitFor(/^p4lab-switch ready .*grpc=\S+/m, 30_000);
  target = new TargetClient(/grpc=(\S+)/.exec(sw.stdout)![1]!);
});

afterAll(async () => {
  target?.close();
  sw?.signal('SIGTERM');
  await sw?.exited;
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(missing)(`traffic through a p4lab switch${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('measures the emulated delay and loss within 10% of the settings', async () => {
    const delayUs = 50_000, loss = 0.1;
    const events = new EventLog();
    await target!.setLink(2, { delayUs, loss, seed: 5 });
    events.record('link_change', { link: 'switch port 2', delay_ms: delayUs / 1000, loss });
    const run = await startTraffic([{
      id: 1, from: new NetnsTrafficHost(ns.a), to: new NetnsTrafficHost(ns.b), dst: '10.0.0.2', dport: 46300, pps: 2000, duration_s: 3,
    }], { traceDir: dir });
    const a = await TrafficAnalysis.load(await run.wait());
    const f = a.flows().objects()[0] as Record<string, number>;
    expect(f.sent).toBe(6000);
    expect(Math.abs(f.loss! / loss - 1)).toBeLessThan(0.1);
    expect(Math.abs(f.latency_p50_ns! / (delayUs * 1000) - 1)).toBeLessThan(0.1);
    expect(f.duplicates).toBe(0);
  });
});
