// Namespace hosts, Linux bridges and links on the real kernel: ping and UDP
// across linear and tree topologies, runtime link changes, runtime host
// add/remove, the topology view, and the refusal to start over leftovers.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Network } from '../../kernel-lib/emulation/network.js';
import { cleanup } from '../../kernel-lib/emulation/cleanup.js';
import { waitForLine } from '../../kernel-lib/emulation/wait-for-line.js';
import type { HostProcess } from '../../kernel-lib/emulation/hosts/host.js';

/** Receives one UDP datagram on port 5000 in `host` and prints it. */
async function udpReceiver(net: Network, host: string): Promise<HostProcess> {
  const script = "import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('0.0.0.0',5000))\nprint('bound',flush=True)\nprint('got',s.recvfrom(100)[0].decode(),flush=True)";
  const proc = net.host(host).background(['python3', '-c', script]);
  await waitForLine(proc, /^bound$/m, 10_000);
  return proc;
}

async function udpSend(net: Network, from: string, to: string, text: string): Promise<void> {
  await net.host(from).exec(['python3', '-c', `import socket\nsocket.socket(socket.AF_INET,socket.SOCK_DGRAM).sendto(b'${text}',('${net.ipOf(to)}',5000))`]);
}

async function pings(net: Network, from: string, to: string): Promise<boolean> {
  const r = await net.host(from).exec(['ping', '-c', '1', '-W', '2', net.ipOf(to)!], { check: false });
  return r.code === 0;
}

describe('linear topology of bridges (linear,3)', () => {
  const net = new Network({ name: 'etest-lin' });
  beforeAll(async () => {
    await cleanup('etest-lin');
    for (const i of [1, 2, 3]) {
      net.addHost(`h${i}`);
      net.addBridge(`b${i}`);
      net.addLink(`h${i}`, `b${i}`);
    }
    net.addLink('b1', 'b2');
    net.addLink('b2', 'b3');
    await net.start();
  });
  afterAll(() => net.stop());

  it('gives hosts l2 addresses, static ARP and up interfaces', async () => {
    expect(net.ipOf('h1')).toBe('10.0.0.1');
    expect(net.ipOf('h3')).toBe('10.0.0.3');
    const neigh = (await net.host('h1').exec('ip neigh show dev eth0')).stdout;
    expect(neigh).toContain('10.0.0.3 lladdr 00:00:0a:00:00:03 PERMANENT');
    expect((await net.host('h2').exec('cat /sys/class/net/eth0/operstate')).stdout.trim()).toBe('up');
  });

  it('pings end to end at once and carries UDP', async () => {
    expect(await pings(net, 'h1', 'h3')).toBe(true);
    expect(await pings(net, 'h3', 'h2')).toBe(true);
    const rx = await udpReceiver(net, 'h3');
    await udpSend(net, 'h1', 'h3', 'hello-h3');
    expect(await rx.exited).toBe(0);
    expect(rx.output()).toContain('got hello-h3');
  });

  it('says which host a failing command ran in, and why', async () => {
    await expect(net.host('h2').exec('ls /nonexistent-dir')).rejects.toThrow(/host h2: command `ls \/nonexistent-dir` failed with exit status 2\n.*No such file/);
  });

  it('takes a link down and up again', async () => {
    await net.link('b1', 'b2').down();
    expect(await pings(net, 'h1', 'h3')).toBe(false);
    await net.link('b1', 'b2').up();
    expect(await pings(net, 'h1', 'h3')).toBe(true);
    const changes = net.events.events.filter((e) => e.kind === 'link_change').map((e) => e.detail);
    expect(changes).toEqual([{ link: 'b1-b2', up: false }, { link: 'b1-b2', up: true }]);
  });

  it('rate-limits a host link with tbf, keeps settings it was not given, and clears them', async () => {
    await net.link('h1', 'b1').set({ rate: '10Mbit', queue: 50 });
    expect((await net.host('h1').exec('tc qdisc show dev eth0')).stdout).toMatch(/tbf .*rate 10Mbit/);
    await net.link('h1', 'b1').set({ queue: 20 });
    expect(net.link('h1', 'b1').settings).toEqual({ rate: '10Mbit', queue: 20 });
    await net.link('h1', 'b1').set({ rate: null, queue: null });
    expect((await net.host('h1').exec('tc qdisc show dev eth0')).stdout).not.toContain('tbf');
  });

  it('refuses delay, jitter and loss on links without a P4 switch, naming the link', async () => {
    await expect(net.link('h2', 'b2').set({ delay: '10ms', loss: '1%' })).rejects.toThrow(/link h2-b2: delay, loss cannot be emulated .* no netem/);
    expect(net.link('h2', 'b2').settings).toEqual({});
  });

  it('adds a host while running that pings at once, and removes it', async () => {
    await net.addHost('h4');
    await net.addLink('h4', 'b3');
    expect(net.ipOf('h4')).toBe('10.0.0.4');
    expect(await pings(net, 'h4', 'h1')).toBe(true);
    expect(await pings(net, 'h1', 'h4')).toBe(true);
    const sleeper = net.host('h4').background(['sleep', '300']);
    await net.removeHost('h4');
    expect(await sleeper.exited).toBe(137);
    expect(existsSync('/run/netns/p4lab.etest-lin.h4')).toBe(false);
    expect((await net.host('h1').exec('ip neigh show 10.0.0.4')).stdout.trim()).toBe('');
    expect(net.events.events.filter((e) => e.kind.startsWith('host_')).map((e) => e.label)).toEqual(['add h4', 'remove h4']);
  });

  it('draws itself as SVG with port numbers', () => {
    const svg = net.svg();
    expect(svg).toMatch(/^<svg /);
    for (const n of ['h1', 'h2', 'h3', 'b1', 'b2', 'b3']) expect(svg).toContain(`>${n}</text>`);
    expect(svg.match(/<line /g)).toHaveLength(5);
  });

  it('answers topology questions', () => {
    expect(net.portOf('b2', 'b1')).toBe(2);
    expect(net.portOf('b2', 'b3')).toBe(3);
    expect(net.neighbors('b2')).toEqual(['h2', 'b1', 'b3']);
    expect(net.shortestPath('h1', 'h3')).toEqual(['h1', 'b1', 'b2', 'b3', 'h3']);
  });

  it('refuses to start a second network of the same name and says how to clean up', async () => {
    const again = new Network({ name: 'etest-lin' });
    again.addHost('h1');
    await expect(again.start()).rejects.toThrow(/network etest-lin already exists or left things behind/);
    await expect(again.start()).rejects.toMatchObject({ hint: expect.stringContaining('p4lab cleanup etest-lin') });
  });
});

describe('tree topology (depth 2, fanout 2) with a direct host-host link', () => {
  const net = new Network({ name: 'etest-tree' });
  beforeAll(async () => {
    await cleanup('etest-tree');
    net.addBridge('root');
    for (const b of ['b1', 'b2']) {
      net.addBridge(b);
      net.addLink('root', b);
    }
    for (const [h, b] of [['h1', 'b1'], ['h2', 'b1'], ['h3', 'b2'], ['h4', 'b2']] as const) {
      net.addHost(h);
      net.addLink(h, b);
    }
    net.addHost('x1', { ip: '192.168.7.1/24' });
    net.addHost('x2', { ip: '192.168.7.2/24', mac: '02:00:00:00:07:02' });
    net.addLink('x1', 'x2', { rate: '5Mbit' });
    await net.start();
  });
  afterAll(() => net.stop());

  it('pings across the tree', async () => {
    expect(await pings(net, 'h1', 'h4')).toBe(true);
    expect(await pings(net, 'h3', 'h2')).toBe(true);
    expect(net.shortestPath('h1', 'h4')).toEqual(['h1', 'b1', 'root', 'b2', 'h4']);
  });

  it('links two hosts directly with given addresses and a rate limit', async () => {
    expect(await pings(net, 'x1', 'x2')).toBe(true);
    expect((await net.host('x1').exec('ip neigh show 192.168.7.2')).stdout).toContain('02:00:00:00:07:02');
    expect((await net.host('x2').exec('tc qdisc show dev eth0')).stdout).toMatch(/tbf .*rate 5Mbit/);
  });
});
