// What the scenario runners share: a network started and always stopped,
// traffic with a capture at the receiver, actions at given instants of the
// run, and the result's tables.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { TrafficAnalysis } from '../analysis/traffic-analysis.js';
import type { Network } from '../emulation/network.js';
import { realtimeNs } from '../events/clock.js';
import type { EventLog } from '../events/index.js';
import { startCapture, type Capture } from '../traffic/capture.js';
import { startTraffic, type TrafficRun } from '../traffic/start.js';
import type { FlowSpec } from '../traffic/spec.js';
import { readCapturedPackets, type CapturedPacket } from './captured-sources.js';
import type { OperationResult } from './manager.js';
import type { Method } from './nf.js';

export interface ScenarioResult<M> {
  scenario: string;
  /** The reconfiguration method; 'legacy' for the container VNF baseline. */
  method: Method | 'legacy';
  metrics: M;
  /** Instantiations and migrations with their steps. */
  operations: OperationResult[];
  /** The run's event log (steps, pipeline saves/commits, writes). */
  events: EventLog;
  /** The topology drawing (SVG). */
  topology: string;
  analysis: TrafficAnalysis;
  /** Per packet (analysis.packets()), per flow, and per flow and bin. */
  packets: ColumnTable;
  flows: ColumnTable;
  series: ColumnTable;
  bin_ms: number;
  /** The instant times count from (CLOCK_REALTIME ns). */
  startNs: bigint;
  traceDir: string;
}

/** What every scenario result carries besides its metrics. */
export type RunOutputs = Omit<ScenarioResult<never>, 'scenario' | 'method' | 'metrics'>;

/** A finished run's outputs, each table built once (the runners' metrics read them too). */
export function runOutputs(o: {
  net: Network;
  events: EventLog;
  operations: OperationResult[];
  analysis: TrafficAnalysis;
  startNs: bigint;
  traceDir: string;
  bin_ms: number;
}): RunOutputs {
  const { analysis, bin_ms } = o;
  return {
    operations: o.operations,
    events: o.events,
    topology: o.net.svg(),
    analysis,
    packets: analysis.packets(),
    flows: analysis.flows(),
    series: analysis.series({ bin_ms, byFlow: true }),
    bin_ms,
    startNs: o.startNs,
    traceDir: o.traceDir,
  };
}

/** Waits until `at_s` seconds after the run's start instant. */
export async function until(startNs: bigint, at_s: number): Promise<void> {
  const ms = Number(startNs + BigInt(Math.round(at_s * 1e9)) - realtimeNs()) / 1e6;
  if (ms > 0) await sleep(ms);
}

export interface TrafficWithCapture {
  run: TrafficRun;
  capture: Capture;
}

/** Starts a capture of the flows' packets at `receiver`'s eth0, then the flows. */
export async function startCapturedTraffic(net: Network, receiver: string, flows: FlowSpec[], traceDir: string): Promise<TrafficWithCapture> {
  mkdirSync(traceDir, { recursive: true });
  const ports = [...new Set(flows.map((f) => f.dport))].map((p) => `udp dst port ${p}`).join(' or ');
  const capture = await startCapture(net.host(receiver), 'eth0', join(traceDir, `${receiver}.pcap`), { filter: ports });
  try {
    return { run: await startTraffic(flows, { traceDir }), capture };
  } catch (e) {
    await capture.stop();
    throw e;
  }
}

export interface Finished {
  analysis: TrafficAnalysis;
  captured: CapturedPacket[];
}

export async function finishTraffic(t: TrafficWithCapture): Promise<Finished> {
  const summary = await t.run.wait();
  const cap = await t.capture.stop();
  const analysis = await TrafficAnalysis.load({ sendTraces: summary.sendTraces, recvTraces: summary.recvTraces, startNs: summary.startNs });
  return { analysis, captured: await readCapturedPackets(cap.path, summary.startNs) };
}

/** Starts the network, runs `body`, and stops the network whatever happens. */
export async function withNetwork<T>(net: Network, body: () => Promise<T>): Promise<T> {
  await net.start();
  try {
    return await body();
  } finally {
    await net.stop();
  }
}

/** Per-flow sums from TrafficAnalysis.flows(). */
export function flowCounts(flows: ColumnTable, flow: number): { sent: number; received: number; lost: number } {
  const ids = flows.array('flow') as Uint32Array;
  const i = ids.indexOf(flow);
  if (i < 0) return { sent: 0, received: 0, lost: 0 };
  const get = (c: string) => Number((flows.array(c) as ArrayLike<number>)[i]);
  return { sent: get('sent'), received: get('received'), lost: get('lost') };
}

/** One mark per operation (start of each instantiation or migration), for Plot.events(). */
export function operationMarks(r: ScenarioResult<unknown>): ColumnTable {
  return aq.table({
    t_ns: Float64Array.from(r.operations, (o) => Number(o.start_ns - r.startNs)),
    label: r.operations.map((o) => o.operation),
  });
}
