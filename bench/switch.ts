// One switch process between two network namespaces running the IPv4 router,
// driven by p4lab-pktgen (64-byte frames). Prints: forwarding rate, added
// latency per hop (p50/p99/max) at 1k, 10k and 100k pps, loss and latency bump
// during a hitless program swap, resident memory, the pauses at 10k pps with
// and without --busy-poll beside a reference forwarder's, and the time from
// spawning `p4lab switch` to its ready line.
//
// Run as root after the build: node dist/bench/switch.js [--long]
//   --long  runs the 10k pps pause tests for 60 s (the pause target's window)
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { nativeToolPath } from '../kernel-lib/native/index.js';
import { runPktgen, type PktgenResult } from '../kernel-lib/native/pktgen.js';
import { Switch } from '../kernel-lib/p4runtime/client/index.js';
import type { P4Info } from '../kernel-lib/p4info/types.js';

const LONG = process.argv.includes('--long');
/** The 10k pps runs that look for pauses: the target's 60 s window with --long. */
const PAUSE_WINDOW_S = LONG ? 60 : 10;
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

function startSwitch(extraArgs: string[]): Promise<{ proc: ChildProcess; address: string; rx: string }> {
  const args = [`${ROOT}bin/p4lab.js`, 'switch', '--no-p4', '--grpc-server-addr', '127.0.0.1:0', '-i', `1@${ID}s1`, '-i', `2@${ID}s2`, '--log-level', 'warn', ...extraArgs];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  running = proc;
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

/** The forwarder on the ports s1/s2 right now, killed if the bench is interrupted. */
let running: ChildProcess | undefined;

async function stopRunning(): Promise<void> {
  const proc = running;
  if (!proc) return;
  running = undefined;
  if (proc.exitCode !== null || proc.signalCode !== null) return; // died on its own: 'exit' will not come again
  const exited = new Promise((r) => proc.on('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

/** Runs `work` with a switch on s1/s2 running the IPv4 router with its route, then stops it. */
async function withRouter<T>(extraArgs: string[], work: (sw: Switch, proc: ChildProcess, rx: string) => Promise<T>): Promise<T> {
  const { proc, address, rx } = await startSwitch(extraArgs);
  const sw = await Switch.connect(address);
  try {
    await sw.push(PROGRAM);
    await sw.tables['MyIngress.ipv4_lpm']!.insert(ROUTE);
    await throughSwitch(1000, 0.5); // warm-up: the JIT settles on the packet path
    return await work(sw, proc, rx);
  } finally {
    await sw.close();
    await stopRunning();
  }
}

/** Starts the reference forwarder (src/reference_forwarder.cc) on s1/s2. */
async function startReferenceForwarder(): Promise<void> {
  const tool = nativeToolPath('p4lab_reference_forwarder');
  if (!tool) throw new Error('the reference forwarder is not built: npm run setup');
  const proc = spawn(tool, [`${ID}s1`, `${ID}s2`], { stdio: ['ignore', 'pipe', 'inherit'] });
  running = proc;
  await new Promise<void>((resolve, reject) => {
    proc.stdout.once('data', () => resolve());
    proc.on('exit', (code) => reject(new Error(`the reference forwarder exited with ${code}`)));
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

const PROGRAM = {
  p4info: JSON.parse(readFileSync(`${FIXTURES}ipv4_router.p4info.json`, 'utf8')) as P4Info,
  bmv2: readFileSync(`${FIXTURES}ipv4_router.json`),
};
const ROUTE = { match: { 'hdr.ipv4.dstAddr': '10.0.2.0/24' }, action: 'MyIngress.ipv4_forward', params: { dstAddr: HOST_B_MAC, port: 2 } };

const kpps = (pps: number) => `${Math.round(pps).toLocaleString('en')} pps`;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench/switch needs root (network namespaces, packet sockets)');
  setUpNetwork();
  // An interrupted run (Ctrl-C, or a reader such as `head` closing stdout)
  // never reaches `finally`: stop the forwarder and remove the namespaces here.
  const abandon = (): void => {
    running?.kill('SIGKILL');
    tearDownNetwork();
    process.exit(130);
  };
  process.once('SIGINT', abandon);
  process.once('SIGTERM', abandon);
  process.stdout.once('error', abandon);
  try {
    const sleeping = await withRouter([], measureRateLatencySwap);
    await measurePauses(sleeping);
    await reportStartTime();
  } finally {
    await stopRunning();
    tearDownNetwork();
  }
}

/** Rate, latency per rate, swap and memory of a switch in its default mode; returns the 10k pps run. */
async function measureRateLatencySwap(sw: Switch, proc: ChildProcess, rx: string): Promise<PktgenResult> {
  console.log(`p4lab switch bench: IPv4 router, 64-byte frames, one switch process (receive: ${rx}), 2 cores shared with the load generator`);
  console.log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (figures are only meaningful on an otherwise idle machine)`);

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
  let at10k: PktgenResult | undefined;
  for (const [pps, seconds] of [
    [1000, 5],
    [10_000, PAUSE_WINDOW_S],
    [100_000, 5],
  ] as const) {
    const base = await direct(pps, seconds);
    const r = await throughSwitch(pps, seconds);
    if (pps === 10_000) at10k = r;
    const path = `${us(r.p50Ns)} / ${us(r.p99Ns)} / ${us(r.maxNs)}`;
    const baseline = `${us(base.p50Ns)} / ${us(base.p99Ns)} / ${us(base.maxNs)}`;
    console.log(`  ${String(pps).padStart(7)} pps  ${path.padStart(30)}   ${baseline.padStart(27)}   ${us(r.p50Ns - base.p50Ns).padStart(12)}   ${r.sent - r.received}`);
  }

  // Swap under 10k pps: save the same program, populate it, commit half-way.
  const before = await throughSwitch(10_000, 2);
  const during = throughSwitch(10_000, 4);
  await new Promise((r) => setTimeout(r, 1500));
  await sw.save(PROGRAM);
  await sw.tables['MyIngress.ipv4_lpm']!.insert(ROUTE);
  await sw.commit();
  const swap = await during;
  console.log(
    `swap under 10k pps: ${swap.sent - swap.received} of ${swap.sent} packets lost (target 0); worst latency ${us(swap.maxNs)} us vs ${us(before.maxNs)} us without a swap`,
  );
  console.log(`resident memory of the switch process: ${(residentKiB(proc.pid!) / 1024).toFixed(1)} MiB`);
  return at10k!;
}

/**
 * The pause target (none over 1 ms) at 10k pps, for the switch as it runs by
 * default (asleep in epoll between bursts), with --busy-poll, and for the
 * reference forwarder: the last shows what this machine itself adds to any
 * forwarder that never sleeps, whatever runs it.
 */
async function measurePauses(sleeping: PktgenResult): Promise<void> {
  const busy = await withRouter(['--busy-poll'], () => throughSwitch(10_000, PAUSE_WINDOW_S));
  await startReferenceForwarder();
  await throughSwitch(1000, 0.5);
  const reference = await throughSwitch(10_000, PAUSE_WINDOW_S);
  await stopRunning();
  console.log(`pauses at 10k pps over ${PAUSE_WINDOW_S} s (target: no pause over 1 ms in 60 s), p50 / p99 / max us, lost:`);
  for (const [what, r] of [
    ['p4lab switch (default: sleeps in epoll)', sleeping],
    ['p4lab switch --busy-poll (one core busy)', busy],
    ['reference forwarder (C, busy-polls, no P4)', reference],
  ] as const) {
    console.log(`  ${what.padEnd(44)} ${`${us(r.p50Ns)} / ${us(r.p99Ns)} / ${us(r.maxNs)}`.padStart(24)}   ${r.sent - r.received}`);
  }
}

main().catch((err: unknown) => {
  tearDownNetwork();
  console.error(`bench/switch: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
