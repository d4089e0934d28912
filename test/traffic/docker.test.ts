// Traffic between a namespace host and a Docker host of the emulator: the
// tools run inside the container (nsenter), write their traces through a
// volume, and stop cleanly when told to.
import { mkdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrafficAnalysis } from '../../kernel-lib/analysis/index.js';
import { cleanup } from '../../kernel-lib/emulation/cleanup.js';
import { dockerAvailable } from '../../kernel-lib/emulation/docker/engine.js';
import { Network } from '../../kernel-lib/emulation/network.js';
import { startTraffic } from '../../kernel-lib/traffic/start.js';

const engine = await dockerAvailable();
const NET = `tdk${process.pid % 10000}`;
const dir = `/tmp/p4lab-${NET}`;

describe.skipIf(!engine)(engine ? 'traffic with a Docker host' : 'traffic with a Docker host: skipped, no Docker engine at /var/run/docker.sock', () => {
  const net = new Network({ name: NET });

  beforeAll(async () => {
    await cleanup(NET);
    mkdirSync(dir, { recursive: true });
    await net.addHost('h1');
    await net.addHost('d1', { backend: 'docker', image: 'vnf-base', volumes: [`${dir}:${dir}`] });
    net.addBridge('b1');
    for (const h of ['h1', 'd1']) await net.addLink(h, 'b1');
    await net.start();
  }, 600_000);

  afterAll(async () => {
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends from a namespace to a container and back, losing nothing', async () => {
    const h1 = net.host('h1'), d1 = net.host('d1');
    const run = await startTraffic([
      { id: 1, from: h1, to: d1, dst: net.ipOf('d1')!, dport: 46400, pps: 1000, count: 1000 },
      { id: 2, from: d1, to: h1, dst: net.ipOf('h1')!, dport: 46401, pps: 1000, count: 1000 },
    ], { traceDir: dir });
    const s = await run.wait();
    expect([s.sent, s.received]).toEqual([2000, 2000]);
    const flows = (await TrafficAnalysis.load(s)).flows().objects() as Record<string, number>[];
    expect(flows.map((f) => [f.flow, f.received, f.lost])).toEqual([[1, 1000, 0], [2, 1000, 0]]);
  });
});
