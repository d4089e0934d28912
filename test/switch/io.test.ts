// Ports over real veth pairs: AF_PACKET receive rings and batched transmit,
// counters, pcap files, VLAN tags, checksums left to offload, runtime
// add/remove and interface errors. A plain
// port-to-port forwarder stands in for the dataplane here; process.test.ts
// runs the whole switch.
import { execFileSync, spawn } from 'node:child_process';
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

  beforeAll(async () => {
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
    await ports.add(1, a0);
    await ports.add(2, b0);
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

  it('transmits through the kernel stack, so tcpdump on a switch port sees what the switch sends', async () => {
    // A second packet socket on the port, as tcpdump would open; it counts
    // frames until its stdin closes, then drains what is queued and prints.
    const script = [
      'import select, socket, sys',
      `s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)); s.bind((${JSON.stringify(b0)}, 0))`,
      's.setsockopt(socket.SOL_SOCKET, 33, 1 << 22)  # SO_RCVBUFFORCE: hold the whole run',
      "print('open', flush=True)",
      'n = 0',
      'while sys.stdin not in select.select([s, sys.stdin], [], [])[0]:',
      '  s.recv(4000); n += 1',
      's.setblocking(False)',
      'try:',
      '  while True: s.recv(4000); n += 1',
      'except BlockingIOError: pass',
      'print(n, flush=True)',
    ].join('\n');
    const tap = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    tap.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => tap.on('exit', resolve));
    try {
      await waitFor(() => out.startsWith('open'));
      const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.3 });
      expect(r.received).toBe(r.sent);
      tap.stdin!.end();
      await exited;
      // The switch put every frame pktgen received on the wire of this port; the tap saw each.
      expect(Number(out.split('\n')[1])).toBeGreaterThanOrEqual(r.received);
    } finally {
      if (tap.exitCode === null) tap.kill();
    }
  });

  it('receives through a PACKET_MMAP ring on every port', () => {
    expect(ports.rxMode()).toBe('ring');
    expect(ports.list().map((p) => p.rxMode)).toEqual(['ring', 'ring']);
  });

  it('completes the UDP and TCP checksums a sender with transmit offload on left to the NIC', async () => {
    // The namespace's own stack sends, with veth's checksum offload left on
    // (the default): the kernel hands these frames over with CHECKSUM_PARTIAL.
    ip('-n', nsA, 'addr', 'add', '10.77.0.1/24', 'dev', a1);
    ip('-n', nsA, 'neigh', 'replace', '10.77.0.2', 'lladdr', '02:00:00:00:77:02', 'dev', a1);
    expect(execFileSync('ip', ['netns', 'exec', nsA, 'ethtool', '-k', a1], { encoding: 'utf8' })).toMatch(/tx-checksum-ip-generic: on/);
    const before = ports.list()[0].rxChecksums;
    seen.length = 0;
    keep = true;
    const script = [
      'import socket',
      "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b'p4lab' * 40, ('10.77.0.2', 7777))",
      't = socket.socket(); t.settimeout(0.05)',
      "try: t.connect(('10.77.0.2', 7778))",
      'except OSError: pass',
    ].join('\n');
    execFileSync('ip', ['netns', 'exec', nsA, 'python3', '-c', script]);
    const l4 = (proto: number) => seen.find((s) => s.port === 1 && s.bytes.readUInt16BE(12) === 0x0800 && s.bytes[23] === proto);
    await waitFor(() => l4(17) !== undefined && l4(6) !== undefined);
    keep = false;
    for (const proto of [17, 6]) {
      const frame = l4(proto)!.bytes;
      expect(l4ChecksumOk(frame), `protocol ${proto}: ${frame.toString('hex')}`).toBe(true);
    }
    expect(ports.list()[0].rxChecksums - before).toBeGreaterThanOrEqual(2);
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
    await ports.add(2, b0);
    const back = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.1 });
    expect(back.received).toBe(back.sent);
  });

  it("keeps working when a port's interface goes down and up, or is deleted", async () => {
    ip('link', 'set', b0, 'down');
    ip('link', 'set', b0, 'up');
    ip('-n', nsB, 'link', 'set', b1, 'up');
    await waitFor(() => ip('-n', nsB, 'link', 'show', b1).includes('LOWER_UP'));
    const [gone] = net.veth('g0', 'g1', nsB);
    await ports.add(5, gone);
    ip('link', 'del', gone);
    const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.2 });
    expect(r.received).toBe(r.sent);
    const back = await pktgen(`${nsB}:${b1}`, `${nsA}:${a1}`, { rate: 1000, duration: 0.2 });
    expect(back.received).toBe(back.sent);
    ports.remove(5);
  });

  it('names the interface and the fix when it is missing or down', async () => {
    await expect(ports.add(3, `${net.id}zz`)).rejects.toThrowError(/interface 'io\d+zz' not found/);
    const [down] = net.veth('d0', 'd1', nsB);
    ip('link', 'set', down, 'down');
    try {
      await ports.add(3, down);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PortError);
      expect((err as PortError).code).toBe('IFACE_DOWN');
      expect((err as PortError).hint).toContain(`ip link set ${down} up`);
    }
    await expect(ports.add(1, down)).rejects.toThrowError(/port 1 is already bound/);
    await expect(ports.add(600, down)).rejects.toThrowError(/out of range/);
  });

  it('opens several ports together all or none, naming the binding that failed', async () => {
    const [good] = net.veth('n0', 'n1', nsB);
    const before = ports.size;
    try {
      await ports.addAll([
        { port: 7, iface: good },
        { port: 8, iface: `${net.id}zy` },
      ]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PortError);
      expect((err as PortError).code).toBe('IFACE_NOT_FOUND');
      expect((err as PortError).binding).toBe(`8@${net.id}zy`);
    }
    expect(ports.size).toBe(before);
    await expect(ports.addAll([{ port: 7, iface: good }, { port: 7, iface: good }])).rejects.toThrowError(/port 7 is already bound/);
    const [other] = net.veth('o0', 'o1', nsB);
    // Two opens in flight at once: the second sees the first's binding.
    const first = ports.addAll([{ port: 7, iface: good }]);
    await expect(ports.addAll([{ port: 7, iface: other }])).rejects.toThrowError(/port 7 is already bound/);
    await expect(ports.addAll([{ port: 9, iface: good }])).rejects.toThrowError(/interface .* is already port 7/);
    await first;
    expect(ports.size).toBe(before + 1);
    ports.remove(7);
  });
});

/** Whether an Ethernet/IPv4 frame's UDP or TCP checksum verifies (sums to 0xffff). */
function l4ChecksumOk(frame: Buffer): boolean {
  const ihl = (frame[14] & 0x0f) * 4;
  const total = frame.readUInt16BE(16);
  const l4 = frame.subarray(14 + ihl, 14 + total);
  let sum = frame.readUInt16BE(26) + frame.readUInt16BE(28) + frame.readUInt16BE(30) + frame.readUInt16BE(32) + frame[23] + l4.length;
  for (let i = 0; i + 1 < l4.length; i += 2) sum += l4.readUInt16BE(i);
  if (l4.length % 2) sum += l4[l4.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

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
