// P4 switches packed into one switch process (switchProcesses: 1): each is
// its own device with its own gRPC address, log and ports; pings cross them,
// link emulation and runtime ports go to the right device, and the process's
// death is reported for every switch in it with that switch's log lines.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, findLeftovers, isEmpty } from '../../kernel-lib/emulation/cleanup.js';
import { Network } from '../../kernel-lib/emulation/network.js';
import { PACKAGE_ROOT } from '../../kernel-lib/package-root.js';
import { readState } from '../../kernel-lib/emulation/state.js';
import { requireBuild } from './helpers.js';

const NET = 'etest-packed';
const dir = mkdtempSync(join(tmpdir(), 'etest-packed-'));
const PROGRAM = join(PACKAGE_ROOT, 'p4', 'l2_forwarder.p4');

function floodCommands(name: string, ports: number[]): string {
  const file = join(dir, `${name}.txt`);
  writeFileSync(file, `mc_mgrp_create 1\nmc_node_create 0 ${ports.join(' ')}\nmc_node_associate 1 0\n`);
  return file;
}

describe('three P4 switches in one switch process', () => {
  const net = new Network({ name: NET, switchProcesses: 1 });

  beforeAll(async () => {
    requireBuild();
    await cleanup(NET);
    // linear,3: ports 1 = host, then the previous and the next switch.
    net.addP4Switch('s1', { program: PROGRAM, commands: floodCommands('s1', [1, 2]) });
    net.addP4Switch('s2', { program: PROGRAM, commands: floodCommands('s2', [1, 2, 3]) });
    net.addP4Switch('s3', { program: PROGRAM, commands: floodCommands('s3', [1, 2]) });
    for (const i of [1, 2, 3]) {
      net.addHost(`h${i}`);
      net.addLink(`h${i}`, `s${i}`);
    }
    net.addLink('s1', 's2');
    net.addLink('s2', 's3');
    await net.start();
  });
  afterAll(async () => {
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every switch as a device of the same process, each on its own address', () => {
    const switches = ['s1', 's2', 's3'].map((s) => net.switch(s));
    expect(new Set(switches.map((s) => s.pid)).size).toBe(1);
    expect(new Set(switches.map((s) => s.grpcAddress)).size).toBe(3);
    const state = readState(NET).nodes.filter((n) => n.kind === 'p4switch');
    expect(state.map((n) => n.deviceId)).toEqual([1, 2, 3]);
  });

  it('forwards across the switches at once', async () => {
    expect((await net.host('h1').exec(['ping', '-c', '1', '-W', '2', net.ipOf('h3')!])).code).toBe(0);
  });

  it('applies link settings to the right device', async () => {
    await net.link('s2', 's3').set({ delay: '5ms' });
    expect((await net.switch('s2').target.getLink(net.portOf('s2', 's3'))).delayUs).toBe(5000);
    expect((await net.switch('s3').target.getLink(net.portOf('s3', 's2'))).delayUs).toBe(5000);
    expect((await net.switch('s1').target.getLink(net.portOf('s1', 's2'))).delayUs).toBe(0);
    await net.link('s2', 's3').set({ delay: null });
  });

  it('adds a port to one device while running', async () => {
    await net.addHost('h4');
    await net.addLink('h4', 's2');
    expect(await net.switch('s2').target.listPorts()).toContainEqual({ port: 4, iface: expect.stringMatching(/-4$/) });
    expect((await net.switch('s1').target.listPorts()).map((p) => p.port)).toEqual([1, 2]);
    await net.switch('s2').client.runCommands(`table_add MyIngress.dmac MyIngress.forward ${net.macOf('h4')} => 4`);
    expect((await net.host('h4').exec(['ping', '-c', '1', '-W', '2', net.ipOf('h2')!])).code).toBe(0);
    await net.removeHost('h4');
  });

  it('reports the death of the process for every switch in it, each with its own log lines', async () => {
    const reports: string[] = [];
    const all = new Promise<void>((resolve) =>
      net.onFailure((m) => {
        reports.push(m);
        if (reports.length === 3) resolve();
      }),
    );
    process.kill(net.switch('s1').pid!, 'SIGKILL');
    await all;
    for (const [i, s] of ['s1', 's2', 's3'].entries()) {
      const m = reports.find((r) => r.startsWith(`switch ${s} `));
      expect(m).toMatch(new RegExp(`^switch ${s} \\(pid \\d+\\) died with status 137; its last output:\\n {2}.*\\[info\\] device ${i + 1} serving gRPC`, 's'));
    }
  });
});

describe('a device the switch process refuses', () => {
  it('fails start() naming the switch and the reason, and leaves nothing behind', async () => {
    const name = 'etest-packed-bad';
    await cleanup(name);
    const net = new Network({ name, switchProcesses: 1 });
    net.addHost('h1');
    net.addP4Switch('s1');
    net.addP4Switch('s2', { pcap: '/nonexistent-pcap-dir' });
    net.addLink('h1', 's1');
    net.addLink('s1', 's2');
    await expect(net.start()).rejects.toThrow(/switch s\d exited \(status 1\) before it was ready; its last output:\n.*entry 2: --pcap \/nonexistent-pcap-dir is not a directory/);
    expect(isEmpty(await findLeftovers(name))).toBe(true);
  });

  it('refuses a switchProcesses count that is not a whole number >= 1', () => {
    expect(() => new Network({ name: 'etest-packed-zero', switchProcesses: 0 })).toThrow(/switchProcesses 0 is not a whole number >= 1/);
  });
});
