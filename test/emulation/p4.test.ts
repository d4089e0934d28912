// P4 switches in emulated networks: p4lab's switch started on its ports,
// the L2 forwarder compiled, pushed and its command file applied before
// start() returns; ping and UDP across (with a Docker host when the engine
// runs); delay and loss emulated on switch ports and measured; a host added
// at runtime; a switch that dies reported with its last log lines.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, findLeftovers, isEmpty } from '../../kernel-lib/emulation/cleanup.js';
import { dockerAvailable } from '../../kernel-lib/emulation/docker/engine.js';
import { imageExists, loadRecipe } from '../../kernel-lib/emulation/docker/images.js';
import { Network } from '../../kernel-lib/emulation/network.js';
import { PACKAGE_ROOT } from '../../kernel-lib/package-root.js';
import { runPing } from '../../kernel-lib/traffic/ping.js';
import { waitForLine } from '../../kernel-lib/emulation/wait-for-line.js';

const NET = 'etest-p4';
const withDocker = (await dockerAvailable()) && (await imageExists(loadRecipe('vnf-base').tag));
const dir = mkdtempSync(join(tmpdir(), 'etest-p4-'));

/** Flood group 1 over the given ports: the L2 forwarder's default for unknown destinations. */
function floodCommands(name: string, ports: number[]): string {
  const file = join(dir, `${name}.txt`);
  writeFileSync(file, `mc_mgrp_create 1\nmc_node_create 0 ${ports.join(' ')}\nmc_node_associate 1 0\n`);
  return file;
}

/** Smallest RTT (robust to scheduling noise) through the traffic layer's ping, run in hosts as TrafficHosts. */
async function minRttMs(net: Network, from: string, to: string, count: number): Promise<number> {
  const t = await runPing(net.host(from), net.ipOf(to)!, { count, interval_s: 0.05 });
  expect(Array.from(t.array('lost'))).not.toContain(1);
  return Math.min(...Array.from(t.array('rtt_ns') as ArrayLike<number>)) / 1e6;
}

describe(`linear topology of P4 switches (L2 forwarder)${withDocker ? ' with a Docker host' : ''}`, () => {
  const net = new Network({ name: NET });
  const program = join(PACKAGE_ROOT, 'p4', 'l2_forwarder.p4');

  beforeAll(async () => {
    await cleanup(NET);
    net.addHost('h1');
    net.addHost('h2');
    net.addP4Switch('s1', { program, commands: floodCommands('s1', [1, 2]) });
    net.addP4Switch('s2', { program, commands: floodCommands('s2', withDocker ? [1, 2, 3] : [1, 2]) });
    net.addLink('h1', 's1');
    net.addLink('s1', 's2');
    net.addLink('h2', 's2');
    if (withDocker) {
      net.addHost('d1', { backend: 'docker', image: 'vnf-base' });
      net.addLink('d1', 's2');
    }
    await net.start();
  });
  afterAll(async () => {
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers switch ports stably and answers topology questions', () => {
    expect(net.portOf('s1', 'h1')).toBe(1);
    expect(net.portOf('s1', 's2')).toBe(2);
    expect(net.portOf('s2', 's1')).toBe(1);
    expect(net.portOf('s2', 'h2')).toBe(2);
    expect(net.shortestPath('h1', 'h2')).toEqual(['h1', 's1', 's2', 'h2']);
  });

  it('returns from start() with programs pushed: pings at once and carries UDP', async () => {
    expect((await net.host('h1').exec(['ping', '-c', '1', '-W', '2', net.ipOf('h2')!])).code).toBe(0);
    const rx = net.host('h2').background(['python3', '-u', '-c', "import socket\ns=socket.socket(2,2)\ns.bind(('0.0.0.0',5002))\nprint('bound')\nprint('got',s.recvfrom(64)[0].decode())"]);
    await waitForLine(rx, /^bound$/m, 10_000);
    await net.host('h1').exec(['python3', '-c', `import socket\nsocket.socket(2,2).sendto(b'over-p4',('${net.ipOf('h2')}',5002))`]);
    expect(await rx.exited).toBe(0);
    expect(rx.output()).toContain('got over-p4');
  });

  it.skipIf(!withDocker)('reaches the Docker host through the switches', async () => {
    expect((await net.host('d1').exec(['ping', '-c', '1', '-W', '2', net.ipOf('h1')!])).code).toBe(0);
  });

  it('emulates delay on a switch-switch link in both directions, measured by ping', async () => {
    const base = await minRttMs(net, 'h1', 'h2', 5);
    await net.link('s1', 's2').set({ delay: '20ms' });
    const delayed = await minRttMs(net, 'h1', 'h2', 10);
    expect(delayed - base).toBeGreaterThan(38);
    expect(delayed - base).toBeLessThan(60);
    expect((await net.switch('s2').target.getLink(1)).delayUs).toBe(20_000);
    await net.link('s1', 's2').set({ delay: null });
    expect((await net.switch('s1').target.getLink(2)).delayUs).toBe(0);
  });

  it('emulates loss in both directions of a host-switch link, measured by ping', async () => {
    await net.link('h2', 's2').set({ loss: '50%' });
    const r = await net.host('h1').exec(['ping', '-c', '200', '-i', '0.005', '-W', '1', net.ipOf('h2')!], { check: false });
    const received = Number(/(\d+) received/.exec(r.stdout)![1]);
    // A reply needs the request to pass s2->h2 and the reply h2->s2: 0.5 x 0.5.
    expect(received).toBeGreaterThan(200 * 0.13);
    expect(received).toBeLessThan(200 * 0.37);
    const h2Port = net.portOf('s2', 'h2');
    expect((await net.switch('s2').target.getLink(h2Port, 'ingress')).loss).toBe(0.5);
    await net.link('h2', 's2').set({ loss: null });
    expect(net.events.events.filter((e) => e.kind === 'link_change').map((e) => e.detail)).toContainEqual({ link: 'h2-s2', loss: 0.5 });
  });

  it('adds a host to a switch while running; it pings once its entry is written', async () => {
    await net.addHost('h3');
    await net.addLink('h3', 's1');
    expect(net.portOf('s1', 'h3')).toBe(3);
    // The flood group of s1 does not hold port 3: the controller adds the host.
    await net.switch('s1').client.runCommands(`table_add MyIngress.dmac MyIngress.forward ${net.macOf('h3')} => 3`);
    expect((await net.host('h3').exec(['ping', '-c', '1', '-W', '2', net.ipOf('h2')!])).code).toBe(0);
    await net.removeHost('h3');
    expect(net.neighbors('s1')).toEqual(['h1', 's2']);
  });

  it('reports a switch process that dies, with its last log lines', async () => {
    // s2 may share its process with s1 (one per core): each is reported; wait for s2's.
    const reported = new Promise<string>((resolve) => net.onFailure((m) => m.startsWith('switch s2 ') && resolve(m)));
    process.kill(net.switch('s2').pid!, 'SIGKILL');
    expect(await reported).toMatch(/^switch s2 \(pid \d+\) died with status 137; its last output:\n {2}\S/);
  });
});

const hasBmv2 = spawnSync('sh', ['-c', 'command -v simple_switch_grpc']).status === 0;

describe.skipIf(hasBmv2)('target bmv2 where simple_switch_grpc is absent', () => {
  it('refuses to start, naming the switch and the fix, and leaves nothing behind', async () => {
    const net = new Network({ name: 'etest-bmv2' });
    await cleanup('etest-bmv2');
    net.addHost('h1');
    net.addP4Switch('s1', { target: 'bmv2' });
    net.addLink('h1', 's1');
    await expect(net.start()).rejects.toThrow('switch s1: target bmv2 needs simple_switch_grpc, which is not on PATH');
    expect(isEmpty(await findLeftovers('etest-bmv2'))).toBe(true);
  });
});

describe('l3 addressing with the IPv4 router', () => {
  const net = new Network({ name: 'etest-l3', addressing: 'l3' });
  beforeAll(async () => {
    await cleanup('etest-l3');
    net.addP4Switch('r1', { program: join(PACKAGE_ROOT, 'p4', 'ipv4_router.p4') });
    for (const h of ['h1', 'h2']) {
      net.addHost(h);
      net.addLink(h, 'r1');
    }
    await net.start();
  });
  afterAll(() => net.stop());

  it('puts each host in its own /24 behind the switch port, gateway resolved statically', async () => {
    const a1 = net.addressOf('h1')!;
    const a2 = net.addressOf('h2')!;
    expect(a1.ip).toBe('10.1.1.2/24');
    expect(a2.gateway!.ip).toBe('10.1.2.1');
    const entries = [a1, a2].map((a, i) => `table_add MyIngress.ipv4_lpm MyIngress.set_nhop ${a.ip!.split('/')[0]}/32 => ${a.gateway!.mac} ${a.mac} ${i + 1}`);
    await net.switch('r1').client.runCommands(entries.join('\n'));
    expect((await net.host('h1').exec(['ping', '-c', '1', '-W', '2', '10.1.2.2'])).stdout).toContain('ttl=63');
    expect((await net.host('h2').exec('ip neigh show 10.1.2.1')).stdout).toContain(`lladdr ${a2.gateway!.mac} PERMANENT`);
  });
});
