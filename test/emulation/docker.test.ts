// Docker hosts mixed with namespace hosts on real containers: the image's own
// ENTRYPOINT and CMD run (after the interfaces are in place), ping and UDP
// across, CPU and memory limits changed while running, a container added and
// removed while running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, findLeftovers } from '../../kernel-lib/emulation/cleanup.js';
import { docker, dockerAvailable } from '../../kernel-lib/emulation/docker/engine.js';
import { buildImage } from '../../kernel-lib/emulation/docker/images.js';
import type { DockerHost } from '../../kernel-lib/emulation/hosts/docker-host.js';
import { Network } from '../../kernel-lib/emulation/network.js';
import { runRaw } from '../../kernel-lib/emulation/run.js';
import { runPing } from '../../kernel-lib/traffic/ping.js';
import { waitForLine } from '../../kernel-lib/emulation/wait-for-line.js';

const NET = 'etest-dock';
const CMD_IMAGE = 'etest-dock/cmd:1';
const engine = await dockerAvailable();

async function pings(net: Network, from: string, to: string): Promise<boolean> {
  return (await net.host(from).exec(['ping', '-c', '1', '-W', '2', net.ipOf(to)!], { check: false })).code === 0;
}

describe.skipIf(!engine)(engine ? 'Docker hosts' : 'Docker hosts: skipped, the Docker engine does not answer at /var/run/docker.sock', () => {
  const net = new Network({ name: NET });

  beforeAll(async () => {
    await cleanup(NET);
    const base = await buildImage('vnf-base'); // cached by content hash; set-up builds it
    // An image with its own ENTRYPOINT and CMD; the CMD records the
    // interfaces it found when it started.
    const c = await (await docker()).createContainer({ Image: base, Cmd: ['true'] });
    try {
      await runRaw(['docker', 'commit', '--change', 'ENTRYPOINT ["/usr/bin/env", "FROM_ENTRYPOINT=yes"]', '--change', 'CMD ["sh", "-c", "ip -br link > /tmp/links-at-start; env > /tmp/env-at-start; exec sleep infinity"]', c.id, CMD_IMAGE]);
    } finally {
      await c.remove();
    }

    net.addHost('h1');
    net.addHost('d1', { backend: 'docker', image: 'vnf-base', env: { ROLE: 'vnf' } });
    net.addHost('d2', { backend: 'docker', image: CMD_IMAGE, cpus: 1, memory: '256m' });
    net.addBridge('b1');
    for (const h of ['h1', 'd1', 'd2']) net.addLink(h, 'b1');
    await net.start();
  }, 600_000);

  afterAll(async () => {
    await net.stop();
    await runRaw(['docker', 'image', 'rm', '-f', CMD_IMAGE]);
  });

  it("runs the image's own ENTRYPOINT and CMD, after the interfaces are in place", async () => {
    const d2 = net.host('d2');
    expect((await d2.exec('cat /tmp/env-at-start')).stdout).toContain('FROM_ENTRYPOINT=yes');
    expect((await d2.exec('cat /tmp/links-at-start')).stdout).toMatch(/^eth0@\S+\s+UP/m);
    expect((await d2.exec('cat /proc/1/cmdline')).stdout.split('\0')).toEqual(['sleep', 'infinity', '']);
    expect((await net.host('d1').exec('cat /proc/1/cmdline')).stdout.split('\0')).toEqual(['sleep', 'infinity', '']);
  });

  it('pings and carries UDP between containers and namespaces', async () => {
    expect(await pings(net, 'h1', 'd1')).toBe(true);
    expect(await pings(net, 'd2', 'h1')).toBe(true);
    expect(await pings(net, 'd1', 'd2')).toBe(true);
    const rx = net.host('d1').background(['python3', '-u', '-c', "import socket\ns=socket.socket(2,2)\ns.bind(('0.0.0.0',5001))\nprint('bound')\nprint('got',s.recvfrom(64)[0].decode())"]);
    await waitForLine(rx, /^bound$/m, 10_000);
    await net.host('h1').exec(['python3', '-c', `import socket\nsocket.socket(2,2).sendto(b'to-d1',('${net.ipOf('d1')}',5001))`]);
    expect(await rx.exited).toBe(0);
    expect(rx.output()).toContain('got to-d1');
  });

  it('runs traffic tools as a TrafficHost (spawn with piped stdio)', async () => {
    const t = await runPing(net.host('d2'), net.ipOf('h1')!, { count: 2, interval_s: 0.05 });
    expect(t.numRows()).toBe(2);
    expect(Array.from(t.array('lost'))).toEqual([0, 0]);
    const hostname = net.host('d1').spawn(['cat', '/etc/hostname']);
    let out = '';
    hostname.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    await new Promise((r) => hostname.on('close', r));
    expect(out).toBe('d1\n');
  });

  it('passes env to exec and reports failing commands with the host name', async () => {
    expect((await net.host('d1').exec('echo $ROLE')).stdout).toBe('vnf\n');
    await expect(net.host('d1').exec('exit 4')).rejects.toThrow(/^host d1: command `exit 4` failed with exit status 4/);
  });

  it('changes CPU and memory limits while running', async () => {
    const d2 = net.host('d2') as DockerHost;
    await d2.update({ cpus: 0.5, memory: '128m' });
    const hc = (await (await docker()).getContainer(d2.containerId).inspect()).HostConfig;
    expect(hc.CpuQuota).toBe(50_000);
    expect(hc.Memory).toBe(128 * 1024 * 1024);
  });

  it('adds a container while running that pings at once, and removes it', async () => {
    await net.addHost('d3', { backend: 'docker', image: 'vnf-base' });
    await net.addLink('d3', 'b1');
    expect(await pings(net, 'd3', 'h1')).toBe(true);
    expect(await pings(net, 'h1', 'd3')).toBe(true);
    await net.removeHost('d3');
    expect((await findLeftovers(NET)).containers).toHaveLength(2);
  });

  it('says which host cannot start its command, and why', async () => {
    await net.addHost('d4', { backend: 'docker', image: 'vnf-base', cmd: ['/no/such/nf'] });
    await expect(net.addLink('d4', 'b1')).rejects.toThrow('host d4: the image\'s command ["/no/such/nf"] did not start: cannot run /no/such/nf: No such file or directory');
    await net.removeHost('d4');
  });

  it('kills background processes of a container', async () => {
    const p = net.host('d1').background(['sleep', '300']);
    expect(p.exitCode).toBeUndefined();
    expect(await p.kill()).toBe(143);
  });
});
