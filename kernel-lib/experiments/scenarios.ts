// The three reproduced experiments as runners: each builds its topology,
// runs the flows, reconfigures at the given instants, and measures.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { P4labError } from '../errors.js';
import { EventLog } from '../events/index.js';
import type { Network } from '../emulation/network.js';
import { blockedSlots } from './firewall-state.js';
import { latencyImpact, type LatencyImpact } from './latency-impact.js';
import { NfManager, type OperationResult } from './manager.js';
import { flowSlot, type Method, type NfConfig } from './nf.js';
import { finishTraffic, flowCounts, runOutputs, startCapturedTraffic, until, withNetwork, type ScenarioResult } from './scenario-run.js';
import { threeTierTopology, twoNodeTopology } from './topologies.js';

const DPORT = 5000;
/** H1's address after NAT (TEST-NET-2, routed nowhere: only the forward path is used). */
export const NAT_PUBLIC = '198.51.100.1';
const BIN_MS = 10;

interface Common {
  /** Network name, unique among running networks. */
  name: string;
  method: Method;
  /** Where traces and the capture go; default a fresh directory in /tmp. */
  traceDir?: string;
}

function traceDirOf(c: Common): string {
  return c.traceDir ?? join(tmpdir(), `p4lab-${c.name}-${Date.now()}`);
}

function requirePath(net: Network, from: string, to: string, path: string[]): void {
  const p = net.shortestPath(from, to);
  if (p?.join() !== [from, ...path, to].join()) throw new P4labError(`${from}→${to} takes ${p?.join('-')}, not ${path.join('-')}`, 'the topology builder declares links in the order that gives this path');
}

function check(what: string, ok: boolean, fix: string): void {
  if (!ok) throw new P4labError(`scenario settings: ${what}`, fix);
}

// ---- stateless: NAT on S1 at instantiate_s, migrated to S3 (or elsewhere) at migrate_s (P4NFV Fig. 8) ----

export interface NatMigrationOptions extends Common {
  pps: number;
  /** UDP payload bytes (≥ 20). */
  size: number;
  duration_s: number;
  instantiate_s: number;
  migrate_s: number;
  /** The switch the NAT moves to; default S3, on H1's route. */
  to?: string;
  /** H1 → H4's path after the migration, when `to` is off H1's route (e.g. h1-s1-s4-s5-h4 for S4). */
  path?: string[];
}

export interface NatMigrationMetrics {
  sent: number;
  received: number;
  lost: number;
  /** Packets that arrived with a source address other than the one the NAT's state at their send time implies. */
  wrongly_translated: number;
  /** Packets the receiver's capture saw (should equal received), and of them those carrying the public address. */
  captured: number;
  translated: number;
  latency: LatencyImpact;
  instantiate_ms: number;
  migrate_ms: number;
}

export async function runNatMigration(o: NatMigrationOptions): Promise<ScenarioResult<NatMigrationMetrics>> {
  check('instantiate_s < migrate_s < duration_s', 0 < o.instantiate_s && o.instantiate_s < o.migrate_s && o.migrate_s < o.duration_s, 'e.g. 5, 10, 15');
  const events = new EventLog();
  const net = threeTierTopology({ name: o.name, events });
  const traceDir = traceDirOf(o);
  return withNetwork(net, async () => {
    requirePath(net, 'h1', 'h4', ['s1', 's3', 's5']);
    const mgr = await NfManager.create(net, { method: o.method, events });
    const privateIp = net.ipOf('h1')!;
    const nat: NfConfig = { kind: 'nat', rules: [{ private: privateIp, public: NAT_PUBLIC }] };
    const t = await startCapturedTraffic(net, 'h4', [
      { id: 1, from: net.host('h1'), to: net.host('h4'), dst: net.ipOf('h4')!, dport: DPORT, size: o.size, pps: o.pps, duration_s: o.duration_s },
    ], traceDir);
    const ops: OperationResult[] = [];
    await until(t.run.startNs, o.instantiate_s);
    ops.push(await mgr.instantiate(nat, 's1'));
    await until(t.run.startNs, o.migrate_s);
    ops.push(await mgr.migrateNF({ nf: nat, from: 's1', to: o.to ?? 's3', ...(o.path ? { path: o.path } : {}) }));
    const { analysis, captured } = await finishTraffic(t);
    const rel = (ns: bigint) => Number(ns - t.run.startNs);
    // Before the NAT starts a packet must keep its address; once it runs, carry the public one.
    // Packets sent while it was being set up may carry either.
    const natFrom = rel(ops[0]!.start_ns), natOn = rel(ops[0]!.end_ns);
    const wrong = captured.filter((p) => (p.tx_ns < natFrom ? p.src !== privateIp : p.tx_ns >= natOn ? p.src !== NAT_PUBLIC : p.src !== privateIp && p.src !== NAT_PUBLIC)).length;
    const out = runOutputs({ net, events, operations: ops, analysis, startNs: t.run.startNs, traceDir, bin_ms: BIN_MS });
    const { flows, series } = out;
    return {
      scenario: 'p4nfv-nat-migration',
      method: o.method,
      metrics: {
        ...flowCounts(flows, 1),
        wrongly_translated: wrong,
        captured: captured.length,
        translated: captured.filter((p) => p.src === NAT_PUBLIC).length,
        latency: latencyImpact(series, { flow: 1, bin_ms: BIN_MS, baselineFrom_ns: natOn + 0.5e9, from_ns: rel(ops[1]!.start_ns), to_ns: Math.min(rel(ops[1]!.start_ns) + 2e9, o.duration_s * 1e9) }),
        instantiate_ms: Number(ops[0]!.end_ns - ops[0]!.start_ns) / 1e6,
        migrate_ms: Number(ops[1]!.end_ns - ops[1]!.start_ns) / 1e6,
      },
      ...out,
    };
  });
}

// ---- stateful: firewall S1 → S5 at migrate_s; H1's fast flow blocked, H2's passes (P4NFV Fig. 9) ----

export interface FirewallMigrationOptions extends Common {
  /** H2's rate, which must pass (paper: 1000). */
  pps: number;
  /** H1's rate, above the threshold's rate, which must stay blocked. */
  attack_pps: number;
  size: number;
  duration_s: number;
  migrate_s: number;
  /**
   * 0: the operator blocks H1's flow when the firewall starts. Above 0: the
   * firewall learns it, blocking flows whose mean gap (µs) falls below this,
   * as in the paper; it must lie between the two flows' gaps. p4lab's switch
   * stamps packets when it processes them, so on a busy machine a stall of a
   * few ms turns H2's backlog into a burst that looks fast and gets H2
   * blocked too: rate learning is for a quiet machine.
   */
  threshold_us: number;
}

export interface FirewallMigrationMetrics {
  /** H1 packets that reached H4 though sent after the block held (from the start; 0.5 s after the firewall's start when it learns the rate): must be 0. */
  blocked_leaked: number;
  /** Every H1 packet that reached H4 (when it learns the rate: before the firewall started, and while it learnt). */
  blocked_received: number;
  h2_sent: number;
  h2_lost: number;
  /** H1's flow was blocked in the state copied from S1, and is blocked on S5 after the run. */
  blocked_on_source: boolean;
  blocked_on_target: boolean;
  copied_flows: number;
  latency: LatencyImpact;
  migrate_ms: number;
}

/** When a learning firewall starts on S1. */
const FIREWALL_AT_S = 0.5;
/** Time a learnt block may take after the firewall started (the operator's block holds at once). */
const LEARNING_S = 0.5;

export async function runFirewallMigration(o: FirewallMigrationOptions): Promise<ScenarioResult<FirewallMigrationMetrics>> {
  check('migrate_s between 1.5 s and duration_s', o.migrate_s >= FIREWALL_AT_S + LEARNING_S + 0.5 && o.migrate_s < o.duration_s, 'e.g. migrate_s 5 of 10');
  check('threshold_us 0, or between the gaps of attack_pps and pps', o.threshold_us === 0 || (1e6 / o.attack_pps < o.threshold_us && o.threshold_us < 1e6 / o.pps), 'e.g. pps 1000, attack_pps 3000, threshold_us 500');
  const events = new EventLog();
  const net = threeTierTopology({ name: o.name, events });
  const traceDir = traceDirOf(o);
  return withNetwork(net, async () => {
    requirePath(net, 'h1', 'h4', ['s1', 's3', 's5']);
    const mgr = await NfManager.create(net, { method: o.method, events });
    const h4 = net.ipOf('h4')!;
    const attack = { src: net.ipOf('h1')!, dst: h4 };
    const slot = flowSlot(attack);
    const fw: NfConfig = { kind: 'firewall', threshold_us: o.threshold_us, ...(o.threshold_us === 0 ? { block: [attack] } : {}) };
    const learns = o.threshold_us > 0;
    // The operator's block is in place before the flows start. A learning
    // firewall starts once they run steadily: a switch's first packets are
    // slow (code paths compile), and the backlog then arrives as a burst
    // whose near-zero gaps would make any flow look fast.
    const ops: OperationResult[] = learns ? [] : [await mgr.instantiate(fw, 's1')];
    const t = await startCapturedTraffic(net, 'h4', [
      { id: 1, from: net.host('h1'), to: net.host('h4'), dst: h4, dport: DPORT, size: o.size, pps: o.attack_pps, duration_s: o.duration_s },
      { id: 2, from: net.host('h2'), to: net.host('h4'), dst: h4, dport: DPORT, size: o.size, pps: o.pps, duration_s: o.duration_s },
    ], traceDir);
    if (learns) {
      await until(t.run.startNs, FIREWALL_AT_S);
      ops.push(await mgr.instantiate(fw, 's1'));
    }
    await until(t.run.startNs, o.migrate_s);
    const mig = await mgr.migrateNF({ nf: fw, from: 's1', to: 's5' });
    ops.push(mig);
    const { analysis } = await finishTraffic(t);
    // Read once the flows stopped: a read is no free look at a switch that forwards (see firewall-state.ts).
    const onTarget = (await blockedSlots(net.switch('s5').client)).includes(slot);
    const out = runOutputs({ net, events, operations: ops, analysis, startNs: t.run.startNs, traceDir, bin_ms: BIN_MS });
    const { packets, flows, series } = out;
    const txs = packets.array('tx_ns') as Float64Array, fl = packets.array('flow') as Uint32Array, lost = packets.array('lost') as Uint8Array;
    const blockHeld = learns ? Number(ops[0]!.end_ns - t.run.startNs) + LEARNING_S * 1e9 : 0;
    let leaked = 0, h1received = 0;
    for (let i = 0; i < fl.length; i++) {
      if (fl[i] !== 1 || lost[i] === 1) continue;
      h1received++;
      if (txs[i]! >= blockHeld) leaked++;
    }
    const h2 = flowCounts(flows, 2);
    const from_ns = Number(mig.start_ns - t.run.startNs);
    return {
      scenario: 'p4nfv-firewall-migration',
      method: o.method,
      metrics: {
        blocked_leaked: leaked,
        blocked_received: h1received,
        h2_sent: h2.sent,
        h2_lost: h2.lost,
        blocked_on_source: mig.copied?.slots.get(slot)?.['MyIngress.fw_blocked'] === 1n,
        blocked_on_target: onTarget,
        copied_flows: mig.copied?.slots.size ?? 0,
        latency: latencyImpact(series, { flow: 2, bin_ms: BIN_MS, baselineFrom_ns: Math.max(blockHeld + 0.2e9, 0.5e9), from_ns, to_ns: Math.min(from_ns + 2e9, o.duration_s * 1e9) }),
        migrate_ms: Number(mig.end_ns - mig.start_ns) / 1e6,
      },
      ...out,
    };
  });
}

// ---- two nodes: firewall s1 → s2 with F_A passing and F_B blocked (He et al.) ----

export interface TwoNodeOptions extends Common {
  /** F_A's rate (paper: 3000) and payload. */
  pps_a: number;
  size_a: number;
  /** F_B's rate (paper: 1000); the operator blocks F_B. */
  pps_b: number;
  duration_s: number;
  migrate_s: number;
}

export interface TwoNodeMetrics {
  /** F_B packets that reached h3: must be 0 (F_B is blocked before it starts). */
  fb_leaked: number;
  fa_sent: number;
  fa_lost: number;
  latency: LatencyImpact;
  migrate_ms: number;
}

export async function runTwoNodeMigration(o: TwoNodeOptions): Promise<ScenarioResult<TwoNodeMetrics>> {
  check('0 < migrate_s < duration_s', o.migrate_s > 0.5 && o.migrate_s < o.duration_s, 'e.g. migrate_s 5 of 10');
  const events = new EventLog();
  const net = twoNodeTopology({ name: o.name, events });
  const traceDir = traceDirOf(o);
  return withNetwork(net, async () => {
    const mgr = await NfManager.create(net, { method: o.method, events });
    const h3 = net.ipOf('h3')!;
    // Blocked by the operator, not by rate: F_B is the slower flow, so a rate threshold would block F_A first.
    const fw: NfConfig = { kind: 'firewall', threshold_us: 0, block: [{ src: net.ipOf('h2')!, dst: h3 }] };
    const ops: OperationResult[] = [await mgr.instantiate(fw, 's1')];
    const t = await startCapturedTraffic(net, 'h3', [
      { id: 1, from: net.host('h1'), to: net.host('h3'), dst: h3, dport: DPORT, size: o.size_a, pps: o.pps_a, duration_s: o.duration_s },
      { id: 2, from: net.host('h2'), to: net.host('h3'), dst: h3, dport: DPORT, size: 64, pps: o.pps_b, duration_s: o.duration_s },
    ], traceDir);
    await until(t.run.startNs, o.migrate_s);
    const mig = await mgr.migrateNF({ nf: fw, from: 's1', to: 's2' });
    ops.push(mig);
    const { analysis } = await finishTraffic(t);
    const out = runOutputs({ net, events, operations: ops, analysis, startNs: t.run.startNs, traceDir, bin_ms: BIN_MS });
    const { flows, series } = out;
    const fa = flowCounts(flows, 1);
    const from_ns = Number(mig.start_ns - t.run.startNs);
    return {
      scenario: 'reconfiguration-two-nodes',
      method: o.method,
      metrics: {
        fb_leaked: flowCounts(flows, 2).received,
        fa_sent: fa.sent,
        fa_lost: fa.lost,
        latency: latencyImpact(series, { flow: 1, bin_ms: BIN_MS, baselineFrom_ns: 0.5e9, from_ns, to_ns: Math.min(from_ns + 2e9, o.duration_s * 1e9) }),
        migrate_ms: Number(mig.end_ns - mig.start_ns) / 1e6,
      },
      ...out,
    };
  });
}
