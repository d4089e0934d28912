// The legacy baseline: the same NAT and firewall as Python/Scapy VNFs in
// Docker containers (containers/legacy-vnf/vnf.py on the vnf-base image),
// one P4 switch steering the flows through the active one, and migration
// done the way a VNF without live migration moves: stop it (it writes its
// state), copy the state, start it on the other container, steer the flows there.
import { copyFileSync, existsSync, mkdirSync, watch } from 'node:fs';
import type { ColumnTable } from 'arquero';
import { P4labError } from '../errors.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network } from '../emulation/network.js';
import { CONTAINERS_DIR } from '../emulation/paths.js';
import { waitForLine } from '../emulation/wait-for-line.js';
import { inNetns, run } from '../emulation/run.js';
import type { HostProcess } from '../emulation/hosts/host.js';
import { EventLog } from '../events/index.js';
import { realtimeNs } from '../events/clock.js';
import type { TableEntrySpec } from '../p4runtime/client/table-entry.js';
import { NAT_PUBLIC } from './scenarios.js';
import { finishTraffic, flowCounts, runOutputs, startCapturedTraffic, until, withNetwork, type ScenarioResult } from './scenario-run.js';
import { StepLog } from './steps.js';
import type { OperationResult } from './manager.js';
import { PROGRAMS } from './nf.js';

export interface LegacyMigrationOptions {
  name: string;
  nf: 'nat' | 'firewall';
  /** Rate of the flow that must pass (paper: 500), and of the blocked one in the firewall case. */
  pps: number;
  duration_s: number;
  migrate_s: number;
  traceDir?: string;
}

export interface LegacyMigrationMetrics {
  sent: number;
  lost: number;
  /** Of them, those sent before the migration began (the VNF not keeping up, not the migration). */
  lost_before_migration: number;
  /** Longest gap between consecutive arrivals of the passing flow. */
  outage_s: number;
  /** Firewall: packets of the blocked flow that reached h2 (must be 0). NAT: packets that arrived untranslated. */
  leaked: number;
  migrate_ms: number;
}

const DPORT = 5000;
const VNF_DIR = '/opt/legacy-vnf';
const STATE_DIR = '/p4lab-vnf';
const READY_MS = 60_000;
const STOP_MS = 10_000;
const containerVnf = join(CONTAINERS_DIR, 'legacy-vnf', 'vnf.py');

function lostBefore(packets: ColumnTable, t_ns: number): number {
  const flow = packets.array('flow') as Uint32Array, lost = packets.array('lost') as Uint8Array, tx = packets.array('tx_ns') as Float64Array;
  let n = 0;
  for (let i = 0; i < flow.length; i++) if (flow[i] === 1 && lost[i] === 1 && tx[i]! < t_ns) n++;
  return n;
}

/** Resolves when `name` exists in `dir` (inotify, no polling); rejects after `deadlineMs`. */
function fileAppears(dir: string, name: string, deadlineMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      watcher.close();
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const watcher = watch(dir, () => {
      if (existsSync(join(dir, name))) done();
    });
    const timer = setTimeout(() => done(new Error(`no ${name} within ${deadlineMs / 1000} s`)), deadlineMs);
    if (existsSync(join(dir, name))) done();
  });
}

export async function runLegacyMigration(o: LegacyMigrationOptions): Promise<ScenarioResult<LegacyMigrationMetrics>> {
  const events = new EventLog();
  const traceDir = o.traceDir ?? join(tmpdir(), `p4lab-${o.name}-${Date.now()}`);
  const stateDir = join(traceDir, 'vnf-state');
  mkdirSync(stateDir, { recursive: true });
  const net = new Network({ name: o.name, addressing: 'l3', events });
  net.addP4Switch('s1', { program: PROGRAMS.macRewriter });
  for (const h of ['h1', 'h2', 'h3']) net.addHost(h);
  for (const d of ['d1', 'd2']) net.addHost(d, { image: 'vnf-base', volumes: [`${join(CONTAINERS_DIR, 'legacy-vnf')}:${VNF_DIR}:ro`, `${stateDir}:${STATE_DIR}`] });
  for (const n of ['h1', 'h2', 'h3', 'd1', 'd2']) void net.addLink(n, 's1');
  return withNetwork(net, async () => {
    const sw = net.switch('s1').client;
    const toward = (node: string, from: string): TableEntrySpec => ({
      match: { ingress_port: net.portOf('s1', from) },
      action: 'rewrite',
      params: { src_mac: '06:00:00:00:00:01', dst_mac: net.macOf(node)!, port: net.portOf('s1', node) },
    });
    const senders = o.nf === 'firewall' ? ['h1', 'h3'] : ['h1'];
    await sw.tables['MyIngress.port_forward']!.insert([...senders.map((h) => toward('d1', h)), toward('h2', 'd1'), toward('h2', 'd2')]);
    const h2 = net.ipOf('h2')!;
    const vnfArgs = o.nf === 'nat' ? ['--nf', 'nat', '--nat', `${net.ipOf('h1')}=${NAT_PUBLIC}`] : ['--nf', 'firewall', '--block', `${net.ipOf('h3')},${h2}`];
    const startVnf = async (d: string): Promise<HostProcess> => {
      const p = net.host(d).background(['python3', '-u', `${VNF_DIR}/vnf.py`, ...vnfArgs, '--state', `${STATE_DIR}/${d}.json`]);
      await waitForLine(p, /^ready$/m, READY_MS, `VNF in ${d}`);
      return p;
    };
    // The VNF forwards; the container's kernel must not forward the same packets too.
    // (From outside: the container's own /proc/sys is read-only.)
    await Promise.all(['d1', 'd2'].map((d) => run(`host ${d}: IP forwarding off`, inNetns(net.host(d).netnsPath, ['sysctl', '-qw', 'net.ipv4.ip_forward=0']))));
    const vnf1 = await startVnf('d1');
    const t = await startCapturedTraffic(net, 'h2', senders.map((h, i) => ({ id: i + 1, from: net.host(h), to: net.host('h2'), dst: h2, dport: DPORT, size: 64, pps: o.pps, duration_s: o.duration_s })), traceDir);
    await until(t.run.startNs, o.migrate_s);
    const log = new StepLog(`legacy ${o.nf} d1→d2`, events);
    const start_ns = realtimeNs();
    await log.run('d1', 'stop VNF (it writes its state)', async () => {
      // The signal reaches the VNF through nsenter, which exits first: the state file's appearance is the VNF's end.
      const saved = fileAppears(stateDir, 'd1.json', STOP_MS);
      await vnf1.kill('SIGTERM');
      await saved.catch((e: Error) => {
        throw new P4labError(`the VNF in d1 wrote no state when stopped (${e.message}); its last output:\n  ${vnf1.tail(10).replace(/\n/g, '\n  ')}`, `see ${containerVnf}`);
      });
    });
    await log.run('d2', 'copy state', async () => copyFileSync(join(stateDir, 'd1.json'), join(stateDir, 'd2.json')));
    const vnf2 = await log.run('d2', 'start VNF', () => startVnf('d2'));
    await log.run('s1', 'steer flows to d2', () => sw.tables['MyIngress.port_forward']!.modify(senders.map((h) => toward('d2', h))));
    const op: OperationResult = { operation: `legacy ${o.nf} migration d1→d2`, method: 'legacy', steps: log.steps, start_ns, end_ns: realtimeNs() };
    const { analysis, captured } = await finishTraffic(t);
    await vnf2.kill('SIGTERM');
    const out = runOutputs({ net, events, operations: [op], analysis, startNs: t.run.startNs, traceDir, bin_ms: 10 });
    const { packets, flows } = out;
    const passing = flowCounts(flows, 1);
    const outages = analysis.outages({ threshold_ms: 1 }).filter((d) => d.flow === 1);
    const durations = outages.array('duration_ns') as Float64Array;
    return {
      scenario: `legacy-${o.nf}-migration`,
      method: 'legacy',
      metrics: {
        sent: passing.sent,
        lost: passing.lost,
        lost_before_migration: lostBefore(packets, Number(op.start_ns - t.run.startNs)),
        outage_s: durations.reduce((a, d) => Math.max(a, d), 0) / 1e9,
        leaked: o.nf === 'firewall' ? flowCounts(flows, 2).received : captured.filter((p) => p.flow === 1 && p.src !== NAT_PUBLIC).length,
        migrate_ms: Number(op.end_ns - op.start_ns) / 1e6,
      },
      ...out,
    };
  });
}
