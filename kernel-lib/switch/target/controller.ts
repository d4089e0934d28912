// What the target service does, in the switch's own terms: queue settings,
// link emulation with its change log, ports, statistics, the clock and pcap.
// The gRPC layer (service.ts) only translates messages and errors.
import { P4labError } from '../../errors.js';
import { ControlError } from '../control-plane.js';
import type { Dataplane } from '../engine/dataplane.js';
import type { Logger } from '../io/logger.js';
import { PortError, type LinkDirection, type PortInfo } from '../io/ports.js';
import type { SwitchLoop } from '../io/switch-loop.js';
import { changedSettings, type LinkConfig } from '../link/config.js';
import { LinkChangeLog, type LinkChange } from '../link/change-log.js';

/** simple_switch's egress queue defaults: 64 packets, no rate limit. */
export const DEFAULT_QUEUE_DEPTH = 64;
const MAX_QUEUE_DEPTH = (1 << 19) - 1; // enq_qdepth is 19 bits wide

export interface QueueSetting {
  port?: number; // absent: the setting of every port
  priority?: number; // absent: every priority queue
  ratePps: number;
  depthPackets: number;
}

export interface QueueChange {
  port?: number;
  priority?: number;
  ratePps?: number;
  depthPackets?: number;
}

export interface PortStatsView extends Omit<PortInfo, 'link' | 'ingressLink'> {
  /** link*: the egress link (what the switch transmits); ingressLink*: what it receives. */
  linkLossDrops: number;
  linkQueueDrops: number;
  linkOversizeDrops: number;
  linkReordered: number;
  linkPending: number;
  ingressLinkLossDrops: number;
  ingressLinkQueueDrops: number;
  ingressLinkPending: number;
}

export interface ClockView {
  realtimeNs: bigint;
  startRealtimeNs: bigint;
  uptimeNs: bigint;
}

export interface TargetContext {
  dataplane: Dataplane;
  loop: SwitchLoop;
  log: Logger;
  /** The --cpu-port, which no interface may take. */
  cpuPort?: number;
  /** The --pcap directory, the default when capture is turned on at run time. */
  pcapDir?: string;
  startRealtimeNs: bigint;
  startMonotonicNs: bigint;
}

export class TargetController {
  private readonly queues = new Map<string, QueueSetting>();
  readonly linkLog = new LinkChangeLog();

  constructor(private readonly ctx: TargetContext) {}

  setQueue(change: QueueChange): QueueSetting {
    const { port, priority, ratePps, depthPackets } = change;
    if (ratePps === undefined && depthPackets === undefined) throw new ControlError('INVALID_ARGUMENT', 'SetQueue needs rate_pps, depth_packets or both');
    if (ratePps !== undefined && !(ratePps >= 0 && Number.isFinite(ratePps))) {
      throw new ControlError('INVALID_ARGUMENT', `rate_pps ${ratePps} is invalid: give packets per second >= 0 (0: unlimited)`);
    }
    if (depthPackets !== undefined && !(Number.isInteger(depthPackets) && depthPackets >= 1 && depthPackets <= MAX_QUEUE_DEPTH)) {
      throw new ControlError('INVALID_ARGUMENT', `depth_packets ${depthPackets} is invalid: give 1..${MAX_QUEUE_DEPTH}`);
    }
    if (priority !== undefined && !(priority >= 0 && priority <= 7)) throw new ControlError('INVALID_ARGUMENT', `priority ${priority} is invalid: give 0..7`);
    const dp = this.ctx.dataplane;
    if (ratePps !== undefined) dp.setQueueRate(port, ratePps, priority);
    if (depthPackets !== undefined) dp.setQueueDepth(port, depthPackets, priority);
    const current = this.getQueue(port, priority);
    const next: QueueSetting = { ...current, ratePps: ratePps ?? current.ratePps, depthPackets: depthPackets ?? current.depthPackets };
    // A setting for every port (or every priority) overrides what it sets in the
    // narrower ones and keeps the rest, as the dataplane (and simple_switch) does:
    // set_queue_depth N for all ports leaves each port's rate alone. Where it
    // crosses a stored setting (every priority of port 2, priority 3 of every
    // port) their intersection is stored first so that it takes only these fields.
    for (const s of [...this.queues.values()]) {
      const p = port ?? s.port;
      const q = priority ?? s.priority;
      if ((port === undefined || s.port === undefined || s.port === p) && (priority === undefined || s.priority === undefined || s.priority === q)) {
        if (!this.queues.has(queueKey(p, q))) this.queues.set(queueKey(p, q), this.getQueue(p, q));
      }
    }
    for (const s of this.queues.values()) {
      if ((port === undefined || s.port === port) && (priority === undefined || s.priority === priority)) {
        if (ratePps !== undefined) s.ratePps = ratePps;
        if (depthPackets !== undefined) s.depthPackets = depthPackets;
      }
    }
    this.queues.set(queueKey(port, priority), next);
    this.ctx.log.info(`queue ${describeQueue(port, priority)}: rate ${next.ratePps} pps, depth ${next.depthPackets} packets`);
    return next;
  }

  getQueue(port?: number, priority?: number): QueueSetting {
    const q = this.queues;
    const found = q.get(queueKey(port, priority)) ?? q.get(queueKey(port, undefined)) ?? q.get(queueKey(undefined, priority)) ?? q.get(queueKey(undefined, undefined));
    return { port, priority, ratePps: found?.ratePps ?? 0, depthPackets: found?.depthPackets ?? DEFAULT_QUEUE_DEPTH };
  }

  setLink(port: number, patch: Partial<LinkConfig>, direction: LinkDirection = 'egress'): LinkConfig {
    const link = this.requirePort(port, direction);
    const before = link.config;
    let after: LinkConfig;
    try {
      after = link.configure(patch);
    } catch (err) {
      if (err instanceof P4labError) throw new ControlError('INVALID_ARGUMENT', err.describe());
      throw err;
    }
    const changed = changedSettings(before, after);
    this.linkLog.record({ realtimeNs: this.realtimeNs(), port, direction, changed, config: after });
    this.ctx.loop.kick();
    this.ctx.log.info(`link on port ${port} (${direction}): ${changed.map((k) => `${k}=${after[k]}`).join(' ') || 'unchanged'}`);
    return after;
  }

  getLink(port: number, direction: LinkDirection = 'egress'): LinkConfig {
    return this.requirePort(port, direction).config;
  }

  linkChanges(port?: number): LinkChange[] {
    return this.linkLog.list(port);
  }

  async addPort(port: number, iface: string): Promise<void> {
    if (port === this.ctx.cpuPort) throw new ControlError('INVALID_ARGUMENT', `port ${port} is the CPU port: bind the interface to another port number`);
    try {
      await this.ctx.loop.ports.add(port, iface);
    } catch (err) {
      throw portControlError(err);
    }
    this.ctx.log.info(`port ${port} added on ${iface}`);
  }

  removePort(port: number): void {
    try {
      this.ctx.loop.ports.remove(port);
    } catch (err) {
      throw portControlError(err);
    }
    this.ctx.log.info(`port ${port} removed`);
  }

  portStats(port?: number): PortStatsView[] {
    const all = this.ctx.loop.ports.list();
    const chosen = port === undefined ? all : all.filter((p) => p.port === port);
    if (port !== undefined && chosen.length === 0) throw new ControlError('NOT_FOUND', `port ${port} does not exist`);
    return chosen.map(({ link, ingressLink, ...rest }) => ({
      ...rest,
      linkLossDrops: link.counters.lossDrops,
      linkQueueDrops: link.counters.queueDrops,
      linkOversizeDrops: link.counters.oversizeDrops,
      linkReordered: link.counters.reordered,
      linkPending: link.pending,
      ingressLinkLossDrops: ingressLink.counters.lossDrops,
      ingressLinkQueueDrops: ingressLink.counters.queueDrops,
      ingressLinkPending: ingressLink.pending,
    }));
  }

  /** Drops by reason: the dataplane's, then the ports' and links' summed over ports. */
  drops(): Record<string, number> {
    const out: Record<string, number> = { ...this.ctx.dataplane.stats().drops };
    out.engineError = this.ctx.loop.engineErrors;
    out.unboundPort = this.ctx.loop.ports.unboundDrops;
    const sums = { kernelDrops: 0, rxTruncated: 0, txErrors: 0, linkLoss: 0, linkQueueFull: 0, linkOversize: 0 };
    for (const p of this.ctx.loop.ports.list()) {
      sums.kernelDrops += p.kernelDrops;
      sums.rxTruncated += p.rxTruncated;
      sums.txErrors += p.txErrors;
      for (const link of [p.link, p.ingressLink]) {
        sums.linkLoss += link.counters.lossDrops;
        sums.linkQueueFull += link.counters.queueDrops;
        sums.linkOversize += link.counters.oversizeDrops;
      }
    }
    return { ...out, ...sums };
  }

  clock(): ClockView {
    const uptimeNs = process.hrtime.bigint() - this.ctx.startMonotonicNs;
    return { realtimeNs: this.ctx.startRealtimeNs + uptimeNs, startRealtimeNs: this.ctx.startRealtimeNs, uptimeNs };
  }

  /** Wall clock derived from the monotonic one, so change times and the clock agree. */
  private realtimeNs(): bigint {
    return this.ctx.startRealtimeNs + (process.hrtime.bigint() - this.ctx.startMonotonicNs);
  }

  /** Turns capture on (into `directory`, or the --pcap one) or off; returns where files go. */
  setPcap(enabled: boolean, directory?: string): string | undefined {
    const ports = this.ctx.loop.ports;
    if (!enabled) {
      ports.setPcap(undefined);
      return undefined;
    }
    const dir = directory || this.ctx.pcapDir;
    if (!dir) throw new ControlError('INVALID_ARGUMENT', 'no pcap directory: give one in the request or start the switch with --pcap DIR');
    try {
      ports.setPcap(dir);
    } catch (err) {
      throw new ControlError('INVALID_ARGUMENT', err instanceof P4labError ? err.describe() : String(err));
    }
    return dir;
  }

  private requirePort(port: number, direction: LinkDirection) {
    const link = this.ctx.loop.ports.link(port, direction);
    if (!link) throw new ControlError('NOT_FOUND', `port ${port} does not exist: add it first (AddPort or -i ${port}@IFACE)`);
    return link;
  }
}

function queueKey(port: number | undefined, priority: number | undefined): string {
  return `${port ?? '*'}/${priority ?? '*'}`;
}

function describeQueue(port: number | undefined, priority: number | undefined): string {
  return `${port === undefined ? 'all ports' : `port ${port}`}${priority === undefined ? '' : ` priority ${priority}`}`;
}

function portControlError(err: unknown): unknown {
  if (!(err instanceof PortError)) return err;
  const message = err.describe();
  switch (err.code) {
    case 'PORT_IN_USE':
      return new ControlError('ALREADY_EXISTS', message);
    case 'PORT_NOT_FOUND':
    case 'IFACE_NOT_FOUND':
      return new ControlError('NOT_FOUND', message);
    case 'IFACE_DOWN':
      return new ControlError('FAILED_PRECONDITION', message);
    case 'INVALID_PORT':
      return new ControlError('INVALID_ARGUMENT', message);
    default:
      return new ControlError('INTERNAL', message);
  }
}
