// One switch process between two network namespaces running the IPv4 router,
// driven by p4lab-pktgen (64-byte frames). Prints: forwarding rate, added
// latency per hop (p50/p99/max) at 1k, 10k and 100k pps, the longest pause,
// loss and latency bump during a hitless program swap, resident memory, and
// the time from spawning `p4lab switch` to its ready line.
//
// Run as root after the build: node dist/bench/switch.js [--long]
//   --long  runs the 10k pps latency test for 60 s (the pause target's window)
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runPktgen, type PktgenResult } from '../kernel-lib/native/pktgen.js';
import { Switch } from '../kernel-lib/p4runtime/client/index.js';
import type { P4Info } from '../kernel-lib/p4info/types.js';

const LONG = process.argv.includes('--long');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = `${ROOT}test/fixtures/bmv2/`;
const ID = `bs${process.pid % 10000}`;
const NS_A = `${ID}a`;
const NS_B = `${ID}b`;
const HOST_B_MAC = '02:00:00:00:00:0b';


function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

function setUpNetwork(): void {
  ip('netns', 'add', NS_A);
  ip('netns', 'add', NS_B);
  // s1/s2: the switch's ports; d1/d2: a direct pair, the baseline without a switch.
  for (const [near, far, ns] of [
    [`${ID}s1`, `${ID}h1`, NS_A],
    [`${ID}s2`, `${ID}h2`, NS_B],
  ] as const) {
    ip('link', 'add', near, 'type', 'veth', 'peer', 'name', far);
    ip('link', 'set', far, 'netns', ns);
    ip('link', 'set', near, 'up');
    ip('-n', ns, 'link', 'set', far, 'up');
    spawnSync('sysctl', ['-qw', `net.ipv6.conf.${near}.disable_ipv6=1`]);
  }
  ip('link', 'add', `${ID}d1`, 'netns', NS_A, 'type', 'veth', 'peer', 'name', `${ID}d2`, 'netns', NS_B);
  ip('-n', NS_A, 'link', 'set', `${ID}d1`, 'up');
  ip('-n', NS_B, 'link', 'set', `${ID}d2`, 'up');
  for (const ns of [NS_A, NS_B]) spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
}

function tearDownNetwork(): void {
  spawnSync('ip', ['link', 'del', `${ID}s1`]);
  spawnSync('ip', ['link', 'del', `${ID}s2`]);
  spawnSync('ip', ['netns', 'del', NS_A]);
  spawnSync('ip', ['netns', 'del', NS_B]);
}

/** Spawns `p4lab switch` without ports; returns ms to its ready line and the CPU ms it used until then. */
async function timeToReady(): Promise<{ ms: number; cpuMs: number }> {
  const t0 = process.hrtime.bigint();
  const proc = spawn(process.execPath, [`${ROOT}bin/p4lab.js`, 'switch', '--no-p4', '--grpc-server-addr', '127.0.0.1:0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => proc.on('exit', r));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('p4lab-switch ready')) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`switch exited with ${code} before it was ready`)));
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpuMs = cpuSeconds(proc.pid!) * 1000;
  proc.kill('SIGTERM');
  await exited;
  return { ms, cpuMs };
}

async function reportStartTime(): Promise<void> {
  const runs: Array<{ ms: number; cpuMs: number }> = [];
  for (let i = 0; i < 6; i++) runs.push(await timeToReady());
  const [first, ...warm] = runs;
  warm.sort((a, b) => a.ms - b.ms);
  const median = warm[Math.floor(warm.length / 2)]!;
  console.log(
    `switch start to ready line: first ${first!.ms.toFixed(0)} ms (${first!.cpuMs.toFixed(0)} ms CPU); then best ${warm[0]!.ms.toFixed(0)} ms, median ${median.ms.toFixed(0)} ms (${median.cpuMs.toFixed(0)} ms CPU)`,
  );
}

function startSwitch(): Promise<{ proc: ChildProcess; address: string; rx: string }> {
  const proc = spawn(process.execPath, [`${ROOT}bin/p4lab.js`, 'switch', '--no-p4', '--grpc-server-addr', '127.0.0.1:0', '-i', `1@${ID}s1`, '-i', `2@${ID}s2`, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /p4lab-switch ready .*grpc=(\S+).* rx=(\S+)/.exec(out);
      if (m) resolve({ proc, address: m[1], rx: m[2] });
    });
    proc.on('exit', (code) => reject(new Error(`switch exited with ${code} before it was ready`)));
  });
}

function pktgen(tx: string, rx: string, rate: number, duration: number): Promise<PktgenResult> {
  return runPktgen(tx, rx, { rate, duration, size: 64, dstIp: '10.0.2.1' });
}

const throughSwitch = (rate: number, duration: number) => pktgen(`${NS_A}:${ID}h1`, `${NS_B}:${ID}h2`, rate, duration);
const direct = (rate: number, duration: number) => pktgen(`${NS_A}:${ID}d1`, `${NS_B}:${ID}d2`, rate, duration);

const us = (ns: number) => (ns / 1000).toFixed(1);

/** CPU time (user + system) a process has used, in seconds. */
function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

/** Restricts every thread of `pid` to the CPUs in `list` (taskset syntax, e.g. "0-2"). */
function pin(pid: number, list: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
}

function residentKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench/switch needs root (network namespaces, packet sockets)');
  const program = {
    p4info: JSON.parse(readFileSync(`${FIXTURES}ipv4_router.p4info.json`, 'utf8')) as P4Info,
    bmv2: readFileSync(`${FIXTURES}ipv4_router.json`),
  };
  const route = { match: { 'hdr.ipv4.dstAddr': '10.0.2.0/24' }, action: 'MyIngress.ipv4_forward', params: { dstAddr: HOST_B_MAC, port: 2 } };
  setUpNetwork();
  const { proc, address, rx } = await startSwitch();
  // An interrupted run (Ctrl-C, or a reader such as `head` closing stdout)
  // never reaches `finally`: stop the switch and remove the namespaces here.
  const abandon = (): void => {
    proc.kill('SIGKILL');
    tearDownNetwork();
    process.exit(130);
  };
  process.once('SIGINT', abandon);
  process.once('SIGTERM', abandon);
  process.stdout.once('error', abandon);
  const sw = await Switch.connect(address);
  try {
    await sw.push(program);
    await sw.tables['MyIngress.ipv4_lpm']!.insert(route);

    console.log(`p4lab switch bench: IPv4 router, 64-byte frames, one switch process (receive: ${rx}), 2 cores shared with the load generator`);
    console.log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (figures are only meaningful on an otherwise idle machine)`);
    await throughSwitch(1000, 0.5); // warm-up: the JIT settles on the packet path

    // Throughput is measured as benchmarks of switches do: the device under
    // test on a core of its own, the load generator on the others. Sharing
    // cores, the generator (and the kernel's delivery work it pays for) takes
    // CPU the switch would use. Latency runs share the cores again below.
    const cores = availableParallelism();
    const pinned = cores >= 2;
    if (pinned) {
      pin(proc.pid!, `${cores - 1}`);
      pin(process.pid, `0-${cores - 2}`);
    }
    const cpuBefore = cpuSeconds(proc.pid!);
    const rate = await throughSwitch(0, 3);
    const cpuUsed = cpuSeconds(proc.pid!) - cpuBefore;
    const ceiling = await direct(0, 3);
    const zeroLoss = await throughSwitch(300_000, 3);
    if (pinned) {
      pin(proc.pid!, `0-${cores - 1}`);
      pin(process.pid, `0-${cores - 1}`);
    }
    const kpps = (pps: number) => `${Math.round(pps).toLocaleString('en')} pps`;
    console.log(
      `forwarding rate: ${kpps(rate.rxPps)} received of ${kpps(rate.txPps)} offered (target >= 300,000)${pinned ? `; switch on CPU ${cores - 1}, load generator on the other${cores > 2 ? 's' : ''}` : ''}`,
    );
    console.log(`  at 300,000 pps offered: ${kpps(zeroLoss.rxPps)} forwarded, ${zeroLoss.sent - zeroLoss.received} of ${zeroLoss.sent} lost`);
    console.log(`  the load generator's ceiling on this machine (direct veth pair, no switch): ${kpps(ceiling.rxPps)}`);
    const usPerPacket = (cpuUsed / rate.received) * 1e6;
    console.log(`  switch CPU time per forwarded packet: ${usPerPacket.toFixed(2)} us (kernel I/O included), i.e. ${kpps(1e6 / usPerPacket)} per core`);

    console.log('one-way latency through the switch, and over a direct veth pair at the same rate (the baseline), all cores shared;');
    console.log('  stamped by the sender and by the receiving kernel (SO_TIMESTAMPNS), so the receiver\'s own wake-up is not counted:');
    console.log('  rate          switch p50 / p99 / max us     direct p50 / p99 / max us   added p50 us   lost');
    let longestPause = 0;
    for (const [pps, seconds] of [
      [1000, 5],
      [10_000, LONG ? 60 : 10],
      [100_000, 5],
    ] as const) {
      const base = await direct(pps, seconds);
      const r = await throughSwitch(pps, seconds);
      longestPause = Math.max(longestPause, r.maxNs);
      const path = `${us(r.p50Ns)} / ${us(r.p99Ns)} / ${us(r.maxNs)}`;
      const baseline = `${us(base.p50Ns)} / ${us(base.p99Ns)} / ${us(base.maxNs)}`;
      console.log(`  ${String(pps).padStart(7)} pps  ${path.padStart(30)}   ${baseline.padStart(27)}   ${us(r.p50Ns - base.p50Ns).padStart(12)}   ${r.sent - r.received}`);
    }
    console.log(`longest pause (worst one-way latency in the latency runs): ${us(longestPause)} us`);

    // Swap under 10k pps: save the same program, populate it, commit half-way.
    const before = await throughSwitch(10_000, 2);
    const during = throughSwitch(10_000, 4);
    await new Promise((r) => setTimeout(r, 1500));
    await sw.save(program);
    await sw.tables['MyIngress.ipv4_lpm']!.insert(route);
    await sw.commit();
    const swap = await during;
    console.log(
      `swap under 10k pps: ${swap.sent - swap.received} of ${swap.sent} packets lost (target 0); worst latency ${us(swap.maxNs)} us vs ${us(before.maxNs)} us without a swap`,
    );
    console.log(`resident memory of the switch process: ${(residentKiB(proc.pid!) / 1024).toFixed(1)} MiB`);
    await reportStartTime();
  } finally {
    await sw.close();
    proc.kill('SIGTERM');
    await new Promise((r) => proc.on('exit', r));
    tearDownNetwork();
  }
}

main().catch((err: unknown) => {
  tearDownNetwork();
  console.error(`bench/switch: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
