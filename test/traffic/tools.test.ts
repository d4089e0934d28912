// ping, iperf3 and pcap capture inside real namespaces, and their parsers.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCapture } from '../../kernel-lib/traffic/capture.js';
import { parseIperf3, runIperf3 } from '../../kernel-lib/traffic/iperf3.js';
import { parsePing, runPing } from '../../kernel-lib/traffic/ping.js';
import { startTraffic } from '../../kernel-lib/traffic/start.js';
import { createNetnsPair, netnsUnavailable, type NetnsPair } from './netns-pair.js';

const has = (tool: string) => {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const missing = netnsUnavailable() ?? (['ping', 'iperf3', 'tcpdump'].filter((t) => !has(t)).map((t) => `${t} is not installed`)[0] ?? null);
const dir = `/tmp/p4lab-tx-${process.pid}`;
let net: NetnsPair;

beforeAll(() => {
  if (!missing) net = createNetnsPair('tx');
});
afterAll(() => {
  net?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('parsers', () => {
  it('parses ping -D output with a lost and a duplicated reply', () => {
    const text = [
      'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.',
      '[1795240708.015425] 64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.181 ms',
      '[1795240708.419945] 64 bytes from 10.0.0.2: icmp_seq=3 ttl=64 time=0.037 ms',
      '[1795240708.420001] 64 bytes from 10.0.0.2: icmp_seq=3 ttl=64 time=0.093 ms (DUP!)',
      '',
      '--- 10.0.0.2 ping statistics ---',
      '3 packets transmitted, 2 received, +1 duplicates, 33.3333% packet loss, time 405ms',
    ].join('\n');
    const t = parsePing(text, { flow: 7, originNs: 1_795_240_708_000_000_000n });
    expect(t.objects()).toEqual([
      { flow: 7, seq: 1, size: 64, rx_ns: 15_425_000, rtt_ns: 181_000, lost: 0, duplicate: 0 },
      { flow: 7, seq: 2, size: NaN, rx_ns: NaN, rtt_ns: NaN, lost: 1, duplicate: 0 },
      { flow: 7, seq: 3, size: 64, rx_ns: 419_945_000, rtt_ns: 37_000, lost: 0, duplicate: 0 },
      { flow: 7, seq: 3, size: 64, rx_ns: 420_001_000, rtt_ns: 93_000, lost: 0, duplicate: 1 },
    ]);
    expect(() => parsePing('garbage')).toThrow(/no "packets transmitted" summary/);
  });

  it('reports what is wrong with a bad iperf3 report', () => {
    expect(() => parseIperf3('not json')).toThrow(/not JSON/);
    expect(() => parseIperf3('{"error":"unable to connect to server"}')).toThrow(/iperf3 failed: unable to connect/);
  });
});

describe.skipIf(missing)(`tools in namespaces${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('pings across the veth', async () => {
    const t = await runPing(net.a, '10.0.0.2', { count: 3, interval_s: 0.2 });
    expect(t.numRows()).toBe(3);
    expect(Array.from(t.array('lost') as ArrayLike<number>)).toEqual([0, 0, 0]);
    expect((t.array('rtt_ns') as ArrayLike<number>)[0]).toBeGreaterThan(0);
  });

  it('runs iperf3 (TCP) and parses its intervals', async () => {
    const r = await runIperf3(net.b, net.a, { address: '10.0.0.2', port: 46200, duration_s: 1 });
    expect(r.summary.protocol).toBe('TCP');
    expect(r.summary.received_bps).toBeGreaterThan(1e6);
    expect(r.intervals.numRows()).toBeGreaterThanOrEqual(1);
    expect(r.intervals.columnNames()).toEqual(['t_ns', 'duration_ns', 'bytes', 'rx_bps', 'retransmits', 'packets']);
  });

  it('captures exactly the packets sent into a pcap file', async () => {
    const cap = await startCapture(net.b, net.ifB, `${dir}/b.pcap`, { filter: 'udp port 46100' });
    const run = await startTraffic([{ id: 1, from: net.a, to: net.b, dst: '10.0.0.2', dport: 46100, pps: 500, count: 50 }], { traceDir: dir });
    await run.wait();
    const { path, packets } = await cap.stop();
    expect(packets).toBe(50);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path).readUInt32LE(0)).toBe(0xa1b2c3d4); // pcap magic, microsecond timestamps
  });
});
