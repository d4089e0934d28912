// The target service of a running switch process over real gRPC: queues (with
// a measured rate limit), link emulation and its change log, ports added and
// removed at run time, statistics, drops, the clock and pcap on/off.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetCallError, TargetClient } from '../../kernel-lib/switch/target/client.js';
import { canUseNetns, NetFixture, pktgen } from './net-fixture.js';
import { FIXTURE_DIR, startSwitch, type RunningSwitch } from './switch-process.js';

describe.skipIf(!canUseNetns())('target service (needs root and ip netns)', () => {
  const net = new NetFixture('tg');
  let nsA: string, nsB: string, a0: string, a1: string, b0: string, b1: string;
  let sw: RunningSwitch;
  let target: TargetClient;
  let pcapDir: string;

  beforeAll(async () => {
    nsA = net.netns('a');
    nsB = net.netns('b');
    [a0, a1] = net.veth('a0', 'a1', nsA);
    [b0, b1] = net.veth('b0', 'b1', nsB);
    pcapDir = mkdtempSync(join(tmpdir(), 'p4lab-tg-'));
    sw = await startSwitch(['-i', `1@${a0}`, '--log-level', 'warn', join(FIXTURE_DIR, 'port_forward.json')]);
    target = new TargetClient(sw.address);
  });

  afterAll(async () => {
    target?.close();
    if (sw) await sw.stop();
    net.cleanup();
    rmSync(pcapDir, { recursive: true, force: true });
  });

  const send = (rate: number, duration: number) => pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate, duration });

  it('adds a port at run time, then forwards through it', async () => {
    expect(await target.listPorts()).toEqual([{ port: 1, iface: a0 }]);
    await target.addPort(2, b0);
    expect(await target.listPorts()).toEqual([
      { port: 1, iface: a0 },
      { port: 2, iface: b0 },
    ]);
    const r = await send(2000, 0.3);
    expect(r.received).toBe(r.sent);
    const [p1, p2] = await target.portStats();
    expect(p1.counters.rxPackets).toBeGreaterThanOrEqual(r.sent);
    expect(p2.counters.txPackets).toBeGreaterThanOrEqual(r.received);
  });

  it('sets and reads queue rate and depth; the rate limits what leaves', async () => {
    expect(await target.getQueue(2)).toMatchObject({ port: 2, ratePps: 0, depthPackets: 64 });
    await target.setQueueDepth(2, 32);
    await target.setQueueRate(2, 500);
    expect(await target.getQueue(2)).toMatchObject({ port: 2, ratePps: 500, depthPackets: 32 });
    const start = Date.now();
    const r = await send(2000, 1);
    const elapsed = (Date.now() - start) / 1000;
    await target.setQueueRate(2, 0);
    // Never faster than 500 pps over the whole run, plus what the queue held.
    expect(r.received).toBeLessThanOrEqual(500 * elapsed + 32);
    expect(r.received).toBeGreaterThan(32);
    const drops = await target.drops();
    expect(drops.queueFull).toBeGreaterThan(0);
    await expect(target.setQueueDepth(2, 0)).rejects.toThrow(/depth_packets 0 is invalid/);
  });

  it('a queue setting for every port keeps what it does not set on each port', async () => {
    await target.setQueueRate(2, 500);
    await target.setQueueDepth(undefined, 16);
    expect(await target.getQueue(2)).toMatchObject({ ratePps: 500, depthPackets: 16 });
    expect(await target.getQueue(1)).toMatchObject({ ratePps: 0, depthPackets: 16 });
    // Every priority of port 2, then priority 3 of every port: each takes only what it sets.
    await target.setQueueDepth(2, 8);
    await target.setQueueRate(undefined, 100, 3);
    expect(await target.getQueue(2, 3)).toMatchObject({ ratePps: 100, depthPackets: 8 });
    expect(await target.getQueue(2, 0)).toMatchObject({ ratePps: 500, depthPackets: 8 });
    expect(await target.getQueue(1, 3)).toMatchObject({ ratePps: 100, depthPackets: 16 });
    await target.setQueueRate(undefined, 0);
    await target.setQueueDepth(undefined, 64);
    expect(await target.getQueue(2, 3)).toMatchObject({ ratePps: 0, depthPackets: 64 });
  });

  it('sets link emulation, reads it back and logs each change with its time', async () => {
    const before = await target.clock();
    const config = await target.setLink(2, { delayUs: 2000, loss: 0.1, seed: 9 });
    expect(config).toMatchObject({ delayUs: 2000, loss: 0.1, seed: 9, jitterUs: 0, lossModel: 'bernoulli', queueLimit: 1000 });
    expect(await target.getLink(2)).toEqual(config);
    const r = await send(2000, 0.5);
    await target.setLink(2, { delayUs: 0, loss: 0 });
    expect(r.p50Ns).toBeGreaterThanOrEqual(2e6);
    const [stats] = await target.portStats(2);
    expect(stats.linkLossDrops).toBe(r.sent - r.received);
    const log = await target.linkLog(2);
    expect(log.map((c) => c.changed)).toEqual([
      ['delayUs', 'loss', 'seed'],
      ['delayUs', 'loss'],
    ]);
    const after = await target.clock();
    expect(log[0].realtimeNs).toBeGreaterThanOrEqual(before.realtimeNs);
    expect(log[1].realtimeNs).toBeLessThanOrEqual(after.realtimeNs);
    expect(log[1].config.delayUs).toBe(0);
    await expect(target.setLink(2, { loss: 2 })).rejects.toThrow(/INVALID_ARGUMENT.*loss=2 is not a probability/);
    await expect(target.setLink(9, { loss: 0.5 })).rejects.toThrow(/NOT_FOUND.*port 9 does not exist/);
  });

  it('emulates the receive direction separately, before the pipeline, and logs which direction changed', async () => {
    const ingress = await target.setLink(1, { delayUs: 2000, loss: 0.1, seed: 4 }, 'ingress');
    expect(ingress).toMatchObject({ delayUs: 2000, loss: 0.1, seed: 4 });
    expect(await target.getLink(1, 'ingress')).toEqual(ingress);
    expect((await target.getLink(1)).delayUs).toBe(0); // egress, the default, untouched
    const r = await send(2000, 0.5);
    await target.setLink(1, { delayUs: 0, loss: 0 }, 'ingress');
    expect(r.p50Ns).toBeGreaterThanOrEqual(2e6);
    const [stats] = await target.portStats(1);
    expect(stats.ingressLinkLossDrops).toBe(r.sent - r.received);
    expect(stats.linkLossDrops).toBe(0);
    expect(stats.rxMode).toBe('ring');
    const log = await target.linkLog(1);
    expect(log.map((c) => [c.direction, c.changed])).toEqual([
      ['ingress', ['delayUs', 'loss', 'seed']],
      ['ingress', ['delayUs', 'loss']],
    ]);
    expect((await target.linkLog(2)).every((c) => c.direction === 'egress')).toBe(true);
  });

  it('reports the clock', async () => {
    const a = await target.clock();
    const b = await target.clock();
    expect(b.uptimeNs).toBeGreaterThan(a.uptimeNs);
    expect(a.startRealtimeNs + a.uptimeNs).toBe(a.realtimeNs);
  });

  it('turns pcap capture on and off', async () => {
    await expect(target.setPcap(true)).rejects.toThrow(/no pcap directory/);
    expect(await target.setPcap(true, pcapDir)).toBe(pcapDir);
    expect(existsSync(join(pcapDir, `${b0}_out.pcap`))).toBe(true);
    expect(await target.setPcap(false)).toBeUndefined();
  });

  it('removes a port at run time; errors name the port or interface', async () => {
    await target.removePort(2);
    const r = await send(1000, 0.2);
    expect(r.received).toBe(0);
    const err = await target.removePort(2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetCallError);
    expect((err as TargetCallError).code).toBe('NOT_FOUND');
    await expect(target.addPort(3, `${net.id}none`)).rejects.toThrow(/NOT_FOUND.*interface 'tg\d+none' not found/);
    await expect(target.addPort(4, a0)).rejects.toThrow(/ALREADY_EXISTS/);
    await target.addPort(2, b0);
    const back = await send(1000, 0.2);
    expect(back.received).toBe(back.sent);
  });
});
