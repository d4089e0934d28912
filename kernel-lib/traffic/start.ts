// Launches receivers and senders for a schedule inside their hosts, all
// senders starting at one realtime instant, and collects their traces.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { P4labError } from '../errors.js';
import { realtimeNs } from '../events/clock.js';
import type { TrafficHost } from './host.js';
import { expandSchedule, flowArgument, type FlowSpec, type Schedule } from './spec.js';
import { ToolProcess } from './tool-process.js';

export interface TrafficOptions {
  /** Directory (on this machine) for the traces; containers must see it (a volume). Default /tmp/p4lab-traffic/<run id>. */
  traceDir?: string;
  /** Seconds from launch to the common start instant, so every sender is ready; default 0.5. */
  lead_s?: number;
  /** The start instant itself (CLOCK_REALTIME ns), e.g. shared with another run; overrides lead_s. */
  startNs?: bigint;
  /** Seconds receivers keep listening after the last sender finished; default 0.5. */
  drain_s?: number;
}

export interface TrafficSummary {
  /** The instant flows' start_s count from (CLOCK_REALTIME ns). */
  startNs: bigint;
  /** Trace paths on this machine. */
  sendTraces: string[];
  recvTraces: string[];
  sent: number;
  received: number;
  /** CPU seconds the senders used (user + system): near the run's length means sender-limited. */
  senderCpu_s: number;
}

export interface TrafficRun {
  readonly startNs: bigint;
  readonly sendTraces: readonly string[];
  readonly recvTraces: readonly string[];
  readonly senders: readonly ToolProcess[];
  readonly receivers: readonly ToolProcess[];
  /** Waits for every sender to finish, lets packets drain, stops the receivers. */
  wait(): Promise<TrafficSummary>;
  /** Stops everything now (the traces keep what was sent and received). */
  stop(): Promise<TrafficSummary>;
}

let runCounter = 0;

export async function startTraffic(schedule: Schedule | FlowSpec[], options: TrafficOptions = {}): Promise<TrafficRun> {
  const flows = expandSchedule(schedule);
  const runId = `${process.pid}-${++runCounter}-${Date.now()}`;
  const dir = options.traceDir ?? `/tmp/p4lab-traffic/${runId}`;
  const lead = options.lead_s ?? 0.5;
  const drain = options.drain_s ?? 0.5;
  mkdirSync(dir, { recursive: true });

  const receivers: ToolProcess[] = [];
  const senders: ToolProcess[] = [];
  const recvTraces: string[] = [];
  const sendTraces: string[] = [];
  const kill = () => [...senders, ...receivers].forEach((p) => p.signal('SIGKILL'));

  try {
    for (const [host, hostFlows] of byHost(flows, (f) => f.to)) {
      const ports = [...new Set(hostFlows.map((f) => f.dport))].join(',');
      const trace = path.join(dir, `recv-${host.name}.trace`);
      const p = new ToolProcess(`p4lab-recv in ${host.name}`,
        host.spawn([path.posix.join(host.toolDir, 'p4lab-recv'), '--port', ports, '--trace', host.hostPath(trace)]));
      receivers.push(p);
      recvTraces.push(trace);
    }
    await Promise.all(receivers.map((p) => p.waitFor(/^ready$/m, 10_000)));

    const startNs = options.startNs ?? realtimeNs() + BigInt(Math.round(lead * 1e9));
    for (const [host, hostFlows] of byHost(flows, (f) => f.from)) {
      const trace = path.join(dir, `send-${host.name}.trace`);
      const argv = [path.posix.join(host.toolDir, 'p4lab-send'), '--at', startNs.toString(), '--trace', host.hostPath(trace)];
      for (const f of hostFlows) argv.push('-f', flowArgument(f));
      senders.push(new ToolProcess(`p4lab-send in ${host.name}`, host.spawn(argv)));
      sendTraces.push(trace);
    }

    const finish = async (): Promise<TrafficSummary> => {
      receivers.forEach((p) => p.signal('SIGTERM'));
      const sent = await Promise.all(senders.map((p) => p.summary<{ sent: number; cpu_s: number }>()));
      const received = await Promise.all(receivers.map((p) => p.summary<{ received: number }>()));
      return {
        startNs, sendTraces, recvTraces,
        sent: sent.reduce((a, s) => a + s.sent, 0),
        received: received.reduce((a, r) => a + r.received, 0),
        senderCpu_s: sent.reduce((a, s) => a + s.cpu_s, 0),
      };
    };
    return {
      startNs, sendTraces, recvTraces, senders, receivers,
      async wait() {
        try {
          await Promise.all(senders.map((p) => p.exited));
          await sleep(drain * 1000);
          return await finish();
        } catch (e) {
          kill();
          throw e;
        }
      },
      async stop() {
        senders.forEach((p) => p.signal('SIGTERM'));
        await Promise.all(senders.map((p) => p.exited));
        return finish();
      },
    };
  } catch (e) {
    kill();
    throw e;
  }
}

function byHost(flows: FlowSpec[], side: (f: FlowSpec) => TrafficHost): Map<TrafficHost, FlowSpec[]> {
  const m = new Map<TrafficHost, FlowSpec[]>();
  const names = new Map<string, TrafficHost>();
  for (const f of flows) {
    const h = side(f);
    // Trace files are named after hosts.
    if ((names.get(h.name) ?? h) !== h) throw new P4labError(`two different hosts are named ${h.name}`, 'give every host its own name');
    names.set(h.name, h);
    m.set(h, [...(m.get(h) ?? []), f]);
  }
  return m;
}
