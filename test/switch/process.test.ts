// The real `p4lab switch` process between two network namespaces: readiness,
// forwarding with S1's port_forward fixture, checksums a sender left to
// offload, pcap files, garbage packets, clean shutdown on SIGTERM and clean
// errors for bad arguments.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Switch } from '../../kernel-lib/p4runtime/client/index.js';
import type { P4Info } from '../../kernel-lib/p4info/types.js';
import { TargetClient, waitForSwitch } from '../../kernel-lib/switch/target/client.js';
import { canUseNetns, ip, NetFixture, pktgen, sendRaw } from './net-fixture.js';
import { FIXTURE_DIR, runSwitchToExit, startSwitch, type RunningSwitch } from './switch-process.js';

const PORT_FORWARD = join(FIXTURE_DIR, 'port_forward.json');

describe.skipIf(!canUseNetns())('p4lab switch process (needs root and ip netns)', () => {
  const net = new NetFixture('pr');
  let nsA: string, nsB: string, a0: string, a1: string, b0: string, b1: string;
  let pcapDir: string;
  let sw: RunningSwitch;

  beforeAll(async () => {
    nsA = net.netns('a');
    nsB = net.netns('b');
    [a0, a1] = net.veth('a0', 'a1', nsA);
    [b0, b1] = net.veth('b0', 'b1', nsB);
    pcapDir = mkdtempSync(join(tmpdir(), 'p4lab-pr-'));
    sw = await startSwitch(['--device-id', '7', '-i', `1@${a0}`, '-i', `2@${b0}`, '--pcap', pcapDir, '--log-level', 'warn', PORT_FORWARD]);
  });

  afterAll(async () => {
    if (sw?.proc.exitCode === null) await sw.stop('SIGKILL');
    net.cleanup();
    rmSync(pcapDir, { recursive: true, force: true });
  });

  it('prints exactly one ready line and answers the health check', async () => {
    expect(sw.readyLine).toMatch(/^p4lab-switch ready device=7 grpc=127\.0\.0\.1:\d+ ports=2 rx=ring$/);
    await waitForSwitch(sw.address, 5000);
  });

  it('forwards packets both ways between the namespaces', async () => {
    const ab = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 2000, duration: 0.5 });
    expect(ab.received).toBe(ab.sent);
    const ba = await pktgen(`${nsB}:${b1}`, `${nsA}:${a1}`, { rate: 2000, duration: 0.5 });
    expect(ba.received).toBe(ba.sent);
  });

  it('delivers UDP from a host with checksum offload on, with a checksum the receiver accepts', async () => {
    // Both hosts keep veth's transmit checksum offload (the default). The
    // receiving kernel verifies what the switch sends (it is not marked as
    // checked), so a datagram that arrives had a valid checksum.
    ip('-n', nsA, 'addr', 'add', '10.78.0.1/24', 'dev', a1);
    ip('-n', nsB, 'addr', 'add', '10.78.0.2/24', 'dev', b1);
    const macB = (JSON.parse(ip('-n', nsB, '-j', 'link', 'show', b1)) as Array<{ address: string }>)[0]!.address;
    ip('-n', nsA, 'neigh', 'replace', '10.78.0.2', 'lladdr', macB, 'dev', a1);
    const udpErrors = () => Number(/Udp: (?:\S+ ){6}(\d+)/.exec(execFileSync('ip', ['netns', 'exec', nsB, 'cat', '/proc/net/snmp'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('Udp:'))[1]!)![1]);
    const errorsBefore = udpErrors();
    const receiver = new Promise<string>((resolve, reject) =>
      execFile(
        'ip',
        ['netns', 'exec', nsB, 'python3', '-c', "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('10.78.0.2', 7777))\nprint('bound', flush=True)\ns.settimeout(10)\nprint(s.recv(2000).decode())"],
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    await waitUntil(() => execFileSync('ip', ['netns', 'exec', nsB, 'ss', '-Huln', 'sport = :7777'], { encoding: 'utf8' }).trim() !== '');
    execFileSync('ip', ['netns', 'exec', nsA, 'python3', '-c', "import socket\nsocket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'offloaded' * 20, ('10.78.0.2', 7777))"]);
    expect((await receiver).split('\n')[1]).toBe('offloaded'.repeat(20));
    expect(udpErrors()).toBe(errorsBefore);
    const target = new TargetClient(sw.address);
    try {
      const [port1] = await target.portStats(1);
      expect(port1.rxChecksums).toBeGreaterThanOrEqual(1);
    } finally {
      target.close();
    }
  });

  it('survives garbage and truncated packets and keeps forwarding', async () => {
    const garbage = ['ff'.repeat(14), '0000000000001111111111110800' + '45', '0000000000001111111111118100', 'de'.repeat(1514)];
    sendRaw(nsA, a1, Array.from({ length: 20 }, () => garbage).flat());
    const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.2 });
    expect(r.received).toBe(r.sent);
    const target = new TargetClient(sw.address);
    try {
      const drops = await target.drops();
      expect(drops.engineError).toBe(0);
    } finally {
      target.close();
    }
  });

  it('writes readable pcap files named after the interfaces', () => {
    expect(readdirSync(pcapDir).sort()).toEqual([`${a0}_in.pcap`, `${a0}_out.pcap`, `${b0}_in.pcap`, `${b0}_out.pcap`].sort());
    const inA = countPcapRecords(join(pcapDir, `${a0}_in.pcap`));
    const outB = countPcapRecords(join(pcapDir, `${b0}_out.pcap`));
    expect(inA).toBeGreaterThan(1000);
    expect(outB).toBeGreaterThan(1000);
  });

  it('serves P4Runtime on the same address: a pushed IPv4 router forwards by its table', async () => {
    const p4rt = await Switch.connect(sw.address, { deviceId: 7 });
    try {
      await p4rt.push({
        p4info: JSON.parse(readFileSync(join(FIXTURE_DIR, 'ipv4_router.p4info.json'), 'utf8')) as P4Info,
        bmv2: readFileSync(join(FIXTURE_DIR, 'ipv4_router.json')),
      });
      await p4rt.tables['MyIngress.ipv4_lpm']!.insert({
        match: { 'hdr.ipv4.dstAddr': '10.0.2.0/24' },
        action: 'MyIngress.ipv4_forward',
        params: { dstAddr: '02:00:00:00:00:0b', port: 2 },
      });
      const routed = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.2, dstIp: '10.0.2.1' });
      expect(routed.received).toBe(routed.sent);
      const unrouted = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.2, dstIp: '10.0.9.1' });
      expect(unrouted.received).toBe(0);
    } finally {
      await p4rt.close();
    }
  });

  it('exits 0 on SIGTERM, closing its sockets and its gRPC port', async () => {
    const pid = sw.proc.pid!;
    const code = await sw.stop('SIGTERM');
    expect(code).toBe(0);
    expect(() => readFileSync(`/proc/${pid}/status`)).toThrow();
    const index = (name: string) => ip('-o', 'link', 'show', name).split(':')[0];
    const bound = readFileSync('/proc/net/packet', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/)[4]);
    expect(bound).not.toContain(index(a0));
    expect(bound).not.toContain(index(b0));
    await expect(waitForSwitch(sw.address, 300)).rejects.toThrow(/did not become ready/);
  });

  it('rejects bad arguments with one clear message and exit code 1', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['-i', `1@${net.id}nope`, PORT_FORWARD], new RegExp(`-i 1@${net.id}nope: interface '${net.id}nope' not found`)],
      [['-i', 'one@eth0', PORT_FORWARD], /-i 'one@eth0' is not PORT@IFACE/],
      [['-i', `1@${a0}`, '--cpu-port', '511', PORT_FORWARD], /--cpu-port '511' is invalid/],
      [['--log-level', 'loud', '--no-p4'], /--log-level 'loud' is unknown/],
      [['--no-p4', PORT_FORWARD], /both --no-p4 and the program/],
      [[], /no program given/],
      [['/nonexistent/prog.json'], /cannot read the program \/nonexistent\/prog.json/],
      [['--grpc-server-addr', 'localhost', '--no-p4'], /--grpc-server-addr 'localhost' is not HOST:PORT/],
      [['--pcap', '/nonexistent', '--no-p4'], /--pcap \/nonexistent is not a directory/],
      [['--log-file', '/nonexistent/switch.log', '--no-p4'], /--log-file \/nonexistent\/switch.log cannot be written/],
    ];
    for (const [args, message] of cases) {
      const r = await runSwitchToExit(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/fix: /);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout).toBe('');
    }
  });
});

function countPcapRecords(path: string): number {
  const b = readFileSync(path);
  expect(b.readUInt32LE(0)).toBe(0xa1b2c3d4);
  let n = 0;
  for (let off = 24; off + 16 <= b.length; n++) off += 16 + b.readUInt32LE(off + 8);
  return n;
}

describe('p4lab switch process without ports', () => {
  it('runs a packet-out through the pipeline at once, without traffic to wake it', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'p4lab-pr-log-'));
    const logFile = join(logDir, 'switch.log');
    const sw = await startSwitch(['--cpu-port', '64', '--log-level', 'info', '--log-file', logFile, '--no-p4']);
    const p4rt = await Switch.connect(sw.address);
    try {
      expect(sw.readyLine).toMatch(/ports=0 rx=none$/);
      await p4rt.push({
        p4info: JSON.parse(readFileSync(join(FIXTURE_DIR, 'p4rt_features.p4info.json'), 'utf8')) as P4Info,
        bmv2: readFileSync(join(FIXTURE_DIR, 'p4rt_features.json')),
      });
      await p4rt.waitForPrimary();
      // The fixture echoes a packet-out back to the controller as a packet-in with reason 2.
      const frame = Buffer.from('ffffffffffff0200000000010800' + '00'.repeat(50), 'hex');
      const incoming = p4rt.packets()[Symbol.asyncIterator]();
      p4rt.packetOut(frame, { egress_port: 5 });
      const { value } = await incoming.next();
      expect(value.metadata).toEqual({ ingress_port: 5n, reason: 2n });
      expect(value.payload.equals(frame)).toBe(true);
      const target = new TargetClient(sw.address);
      await expect(target.addPort(64, 'lo')).rejects.toThrow(/INVALID_ARGUMENT.*port 64 is the CPU port/);
      target.close();
    } finally {
      await p4rt.close();
      expect(await sw.stop()).toBe(0);
    }
    expect(readFileSync(logFile, 'utf8')).toMatch(/\[info\] device 0 serving gRPC on 127\.0\.0\.1:\d+/);
    expect(sw.stderr()).toBe('');
    rmSync(logDir, { recursive: true, force: true });
  });
});

async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error('condition not met within 5 s');
}
