// Ports over real veth pairs: batched AF_PACKET receive and transmit, counters,
// pcap files, VLAN tags, runtime add/remove and interface errors. A plain
// port-to-port forwarder stands in for the dataplane here; process.test.ts
// runs the whole switch.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PortError, PortSet } from '../../kernel-lib/switch/io/ports.js';
import { canUseNetns, ip, NetFixture, pktgen, sendRaw } from './net-fixture.js';

const usable = canUseNetns();

describe.skipIf(!usable)('ports on veth pairs (needs root and ip netns)', () => {
  const net = new NetFixture('io');
  let nsA: string, nsB: string, a0: string, a1: string, b0: string, b1: string;
  let ports: PortSet;
  const seen: Array<{ port: number; bytes: Buffer }> = [];
  let keep = false; // record the next packets' bytes
  const warnings: string[] = [];

  beforeAll(() => {
    nsA = net.netns('a');
    nsB = net.netns('b');
    [a0, a1] = veth('a0', 'a1', nsA);
    [b0, b1] = veth('b0', 'b1', nsB);
    ports = new PortSet(
      (port, data, length) => {
        if (keep) seen.push({ port, bytes: Buffer.from(data.subarray(0, length)) });
        ports.transmit(port === 1 ? 2 : 1, data, length);
      },
      () => ports.flush(),
      (message) => warnings.push(message),
    );
    ports.add(1, a0);
    ports.add(2, b0);
  });

  afterAll(() => {
    ports?.close();
    net.cleanup();
  });

  afterEach(() => {
    expect(warnings.splice(0)).toEqual([]);
  });

  function veth(a: string, b: string, ns: string): [string, string] {
    return net.veth(a, b, ns);
  }

  it('forwards every packet of a paced stream between two ports, counted on both', async () => {
    const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 2000, duration: 0.5 });
    expect(r.sent).toBeGreaterThan(900);
    expect(r.received).toBe(r.sent);
    const [p1, p2] = ports.list();
    expect(p1.counters.rxPackets).toBeGreaterThanOrEqual(r.sent);
    expect(p2.counters.txPackets).toBe(p1.counters.rxPackets);
    expect(p2.counters.txBytes).toBe(p1.counters.rxBytes);
  });

  it('writes pcap files per port and direction that hold every packet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p4lab-io-'));
    try {
      ports.setPcap(dir);
      const before = ports.list().map((p) => ({ ...p.counters }));
      const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.2 });
      expect(r.received).toBe(r.sent);
      // Files are complete while the switch runs: read before stopping capture.
      const after = ports.list().map((p) => p.counters);
      const inA = readPcap(join(dir, `${a0}_in.pcap`));
      const outB = readPcap(join(dir, `${b0}_out.pcap`));
      expect(inA.records.length).toBe(after[0].rxPackets - before[0].rxPackets);
      expect(outB.records.length).toBe(after[1].txPackets - before[1].txPackets);
      expect(inA.linkType).toBe(1);
      expect(outB.records[0].length).toBe(64);
      expect(outB.records[0].subarray(12, 14).toString('hex')).toBe('0800');
      ports.setPcap(undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps forwarding when the pcap disk is full, and says so once per file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p4lab-io-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'p4lab-io-full', dir]);
    try {
      ports.setPcap(dir);
      const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 4000, duration: 0.5 });
      expect(r.received).toBe(r.sent);
      ports.setPcap(undefined);
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(warnings.length).toBeLessThanOrEqual(4);
      expect(warnings[0]).toMatch(/pcap capture on port [12] stopped: ENOSPC/);
      warnings.length = 0;
    } finally {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('restores a VLAN tag the kernel moved out of the frame', async () => {
    seen.length = 0;
    keep = true;
    const frame = 'ffffffffffff' + '020000000001' + '8100' + '0064' + '0800' + '45'.padEnd(92, '0');
    sendRaw(nsA, a1, [frame]);
    await waitFor(() => seen.length > 0);
    keep = false;
    expect(seen[0].bytes.toString('hex')).toBe(frame);
  });

  // The kernel refuses frames shorter than an Ethernet header, so these are the shortest garbage.
  it('passes garbage and truncated frames through unchanged', async () => {
    seen.length = 0;
    keep = true;
    const frames = ['ff'.repeat(14), '0000000000001111111111110800' + '45', 'de'.repeat(1500)];
    sendRaw(nsA, a1, frames);
    await waitFor(() => seen.length >= 3);
    keep = false;
    expect(seen.map((s) => s.bytes.toString('hex'))).toEqual(frames);
  });

  it('removes and adds ports at run time', async () => {
    ports.remove(2);
    expect(ports.size).toBe(1);
    const gone = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.1 });
    expect(gone.received).toBe(0);
    ports.add(2, b0);
    const back = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.1 });
    expect(back.received).toBe(back.sent);
  });

  it("keeps working when a port's interface goes down and up, or is deleted", async () => {
    ip('link', 'set', b0, 'down');
    ip('link', 'set', b0, 'up');
    ip('-n', nsB, 'link', 'set', b1, 'up');
    await waitFor(() => ip('-n', nsB, 'link', 'show', b1).includes('LOWER_UP'));
    const [gone] = net.veth('g0', 'g1', nsB);
    ports.add(5, gone);
    ip('link', 'del', gone);
    const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.2 });
    expect(r.received).toBe(r.sent);
    const back = await pktgen(`${nsB}:${b1}`, `${nsA}:${a1}`, { rate: 1000, duration: 0.2 });
    expect(back.received).toBe(back.sent);
    ports.remove(5);
  });

  it('names the interface and the fix when it is missing or down', () => {
    expect(() => ports.add(3, `${net.id}zz`)).toThrowError(/interface 'io\d+zz' not found/);
    const [down] = net.veth('d0', 'd1', nsB);
    ip('link', 'set', down, 'down');
    try {
      ports.add(3, down);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PortError);
      expect((err as PortError).code).toBe('IFACE_DOWN');
      expect((err as PortError).hint).toContain(`ip link set ${down} up`);
    }
    expect(() => ports.add(1, down)).toThrowError(/port 1 is already bound/);
    expect(() => ports.add(600, down)).toThrowError(/out of range/);
  });
});

function readPcap(path: string): { linkType: number; records: Buffer[] } {
  const b = readFileSync(path);
  expect(b.readUInt32LE(0)).toBe(0xa1b2c3d4);
  const records: Buffer[] = [];
  let off = 24;
  while (off + 16 <= b.length) {
    const caplen = b.readUInt32LE(off + 8);
    records.push(b.subarray(off + 16, off + 16 + caplen));
    off += 16 + caplen;
  }
  expect(off).toBe(b.length);
  return { linkType: b.readUInt32LE(20), records };
}

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}
