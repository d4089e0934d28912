// Bring-up and teardown of emulated networks. Prints, for linear,N (N hosts,
// N P4 switches running the L2 forwarder, flooding through a multicast group
// set by each switch's command file) with N = 5, 20, 50: p4lab's bring-up
// (until every switch serves its program and every interface is up) and
// teardown, beside Debian's Mininet with plain Linux bridges
// (`mn --switch lxbr --controller none --topo linear,N --test none`) in the
// same run, as a ratio of medians over RUNS runs, and the switch processes'
// resident memory per switch
// (switches share a few processes, one per core); then the start time of
// Docker hosts.
//
// Run as root after the build: node dist/bench/topology.js [N ...]
// Installs Debian's mininet and bridge-utils when missing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from '../kernel-lib/emulation/cleanup.js';
import { dockerAvailable } from '../kernel-lib/emulation/docker/engine.js';
import { buildImage } from '../kernel-lib/emulation/docker/images.js';
import { Network } from '../kernel-lib/emulation/network.js';
import { PACKAGE_ROOT } from '../kernel-lib/package-root.js';

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
const NS = SIZES.length ? SIZES : [5, 20, 50];
const DOCKER_HOSTS = 10;
const RUNS = 3;
const PROGRAM = join(PACKAGE_ROOT, 'p4', 'l2_forwarder.p4');
const work = mkdtempSync(join(tmpdir(), 'p4lab-bench-topo-'));

const seconds = (ns: bigint): number => Number(ns) / 1e9;

/** Resident memory of the processes, in MiB. */
function rssMiB(pids: Iterable<number>): number {
  let kib = 0;
  for (const pid of pids) kib += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return kib / 1024;
}

async function p4labLinear(n: number): Promise<{ up: number; down: number; mibPerSwitch: number }> {
  const name = `bench-lin${n}`;
  await cleanup(name);
  const net = new Network({ name });
  for (let i = 1; i <= n; i++) {
    // Ports: 1 = host, 2 = previous switch, 3 = next switch (as present).
    const ports = [1, ...(i > 1 ? [2] : []), ...(i < n ? [i > 1 ? 3 : 2] : [])];
    const commands = join(work, `s${i}.txt`);
    writeFileSync(commands, `mc_mgrp_create 1\nmc_node_create 0 ${ports.join(' ')}\nmc_node_associate 1 0\n`);
    net.addHost(`h${i}`);
    net.addP4Switch(`s${i}`, { program: PROGRAM, commands });
    net.addLink(`h${i}`, `s${i}`);
    if (i > 1) net.addLink(`s${i - 1}`, `s${i}`);
  }
  const t0 = process.hrtime.bigint();
  await net.start();
  const t1 = process.hrtime.bigint();
  const mibPerSwitch = rssMiB(new Set(Array.from({ length: n }, (_, i) => net.switch(`s${i + 1}`).pid!))) / n;
  // A check that the network works end to end, outside the timing.
  const ping = await net.host('h1').exec(['ping', '-c', '1', '-W', '5', net.ipOf(`h${n}`)!], { check: false });
  if (ping.code !== 0) console.error(`warning: h1 cannot ping h${n} in linear,${n}`);
  const t2 = process.hrtime.bigint();
  await net.stop();
  const t3 = process.hrtime.bigint();
  return { up: seconds(t1 - t0), down: seconds(t3 - t2), mibPerSwitch };
}

function ensureMininet(): boolean {
  if (spawnSync('sh', ['-c', 'command -v mn && command -v brctl']).status === 0) return true;
  console.log('installing Debian packages mininet and bridge-utils for the comparison…');
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'mininet', 'bridge-utils'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

/** Mininet's bring-up ends where it starts stopping ("*** Stopping"); teardown is the rest. */
function mininetLinear(n: number): Promise<{ up: number; down: number } | undefined> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let stopping: bigint | undefined;
    const mn = spawn('mn', ['--switch', 'lxbr', '--controller', 'none', '--topo', `linear,${n}`, '--test', 'none'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const watch = (b: Buffer): void => {
      log += b.toString();
      if (stopping === undefined && log.includes('*** Stopping')) stopping = process.hrtime.bigint();
    };
    mn.stdout.on('data', watch);
    mn.stderr.on('data', watch);
    mn.on('close', (code) => {
      const t1 = process.hrtime.bigint();
      if (code !== 0 || stopping === undefined) {
        console.error(`mininet linear,${n} failed (exit ${code}):\n${log.trim().split('\n').slice(-5).join('\n')}`);
        return resolve(undefined);
      }
      resolve({ up: seconds(stopping - t0), down: seconds(t1 - stopping) });
    });
  });
}

async function dockerStart(): Promise<string> {
  if (!(await dockerAvailable())) return 'Docker hosts: skipped (the Docker engine does not answer)';
  await buildImage('vnf-base');
  const name = 'bench-docker';
  await cleanup(name);
  const net = new Network({ name });
  net.addBridge('b1');
  for (let i = 1; i <= DOCKER_HOSTS; i++) {
    net.addHost(`d${i}`, { backend: 'docker', image: 'vnf-base' });
    net.addLink(`d${i}`, 'b1');
  }
  const t0 = process.hrtime.bigint();
  await net.start();
  const all = seconds(process.hrtime.bigint() - t0);
  const t1 = process.hrtime.bigint();
  await net.addHost('late', { backend: 'docker', image: 'vnf-base' });
  await net.addLink('late', 'b1');
  const one = seconds(process.hrtime.bigint() - t1);
  await net.stop();
  return [
    `Docker hosts (vnf-base, on a bridge; target <= 0.5 s per container):`,
    `  ${DOCKER_HOSTS} at start(): ${all.toFixed(2)} s total, ${(all / DOCKER_HOSTS).toFixed(2)} s per container`,
    `  1 added while running (addHost + addLink): ${one.toFixed(2)} s`,
  ].join('\n');
}

const pad = (s: string, n: number): string => s.padStart(n);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
try {
  const mininet = ensureMininet();
  console.log(`linear,N: N hosts, N P4 switches (L2 forwarder) vs Mininet with Linux bridges; seconds, median of ${RUNS} runs each, taken in turn`);
  console.log(`${pad('N', 4)} ${pad('p4lab up', 10)} ${pad('p4lab down', 11)} ${pad('mn up', 8)} ${pad('mn down', 8)} ${pad('up ratio', 9)} ${pad('down ratio', 11)} ${pad('MiB/switch', 11)}  p4lab up, each run`);
  for (const n of NS) {
    const ps: Array<Awaited<ReturnType<typeof p4labLinear>>> = [];
    const ms: Array<{ up: number; down: number }> = [];
    for (let r = 0; r < RUNS; r++) {
      ps.push(await p4labLinear(n));
      const m = mininet ? await mininetLinear(n) : undefined;
      if (m) ms.push(m);
    }
    const p = { up: median(ps.map((x) => x.up)), down: median(ps.map((x) => x.down)), mib: median(ps.map((x) => x.mibPerSwitch)) };
    const m = ms.length ? { up: median(ms.map((x) => x.up)), down: median(ms.map((x) => x.down)) } : undefined;
    const f = (x: number | undefined, w: number): string => pad(x === undefined ? '-' : x.toFixed(2), w);
    console.log(`${pad(String(n), 4)} ${f(p.up, 10)} ${f(p.down, 11)} ${f(m?.up, 8)} ${f(m?.down, 8)} ${f(m && p.up / m.up, 9)} ${f(m && p.down / m.down, 11)} ${pad(p.mib.toFixed(1), 11)}  ${ps.map((x) => x.up.toFixed(2)).join(' ')}`);
  }
  console.log('(ratio = p4lab / Mininet; below 1 means p4lab is faster. The first p4lab run of the process also loads its modules; compilations come from the on-disk cache once made.)\n');
  console.log(await dockerStart());
} finally {
  rmSync(work, { recursive: true, force: true });
}
