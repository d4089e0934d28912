// A typed client of the switch's target service (p4lab.target.v1.Target) and
// of its health check, for the emulator, the runtime CLI and notebooks.
import * as grpc from '@grpc/grpc-js';
import { P4labError } from '../../errors.js';
import type { LinkConfig } from '../link/config.js';
import type { LinkChange } from '../link/change-log.js';
import type { LinkDirection } from '../io/ports.js';
import type { ClockView, PortStatsView, QueueChange, QueueSetting } from './controller.js';
import { linkFromMessage, linkToMessage } from './convert.js';
import { loadTargetProtos } from './proto.js';

export type { ClockView, PortStatsView, QueueChange, QueueSetting, LinkConfig, LinkChange, LinkDirection };

/** A failed call: the gRPC status name (e.g. NOT_FOUND) and the switch's explanation. */
export class TargetCallError extends P4labError {
  constructor(
    readonly method: string,
    readonly code: string,
    details: string,
  ) {
    super(`target service ${method} failed (${code}): ${details}`);
  }
}

// grpc-js hands responses over as plain objects; each field is read with a default below.
type Message = Record<string, any>;

export class TargetClient {
  private readonly client: grpc.Client;

  constructor(readonly address: string) {
    this.client = new (loadTargetProtos().Target)(address, grpc.credentials.createInsecure());
  }

  async setQueue(change: QueueChange): Promise<QueueSetting> {
    return queueFrom(await this.call('SetQueue', { port: change.port, priority: change.priority, rate_pps: change.ratePps, depth_packets: change.depthPackets }));
  }

  /** simple_switch's set_queue_rate: packets per second, 0 unlimited; no port: every port. */
  setQueueRate(port: number | undefined, ratePps: number, priority?: number): Promise<QueueSetting> {
    return this.setQueue({ port, priority, ratePps });
  }

  /** simple_switch's set_queue_depth, in packets. */
  setQueueDepth(port: number | undefined, depthPackets: number, priority?: number): Promise<QueueSetting> {
    return this.setQueue({ port, priority, depthPackets });
  }

  async getQueue(port?: number, priority?: number): Promise<QueueSetting> {
    return queueFrom(await this.call('GetQueue', { port, priority }));
  }

  /**
   * Changes the settings given and keeps the others; returns the full settings
   * of that direction: egress (the default) emulates what the switch sends out
   * of the port, ingress what it receives on it.
   */
  async setLink(port: number, settings: Partial<LinkConfig>, direction: LinkDirection = 'egress'): Promise<LinkConfig> {
    return linkFromMessage(await this.call('SetLink', { port, config: linkToMessage(settings), direction: directionMessage(direction) })) as LinkConfig;
  }

  async getLink(port: number, direction: LinkDirection = 'egress'): Promise<LinkConfig> {
    return linkFromMessage(await this.call('GetLink', { port, direction: directionMessage(direction) })) as LinkConfig;
  }

  async linkLog(port?: number): Promise<LinkChange[]> {
    const r = await this.call('GetLinkLog', { port });
    return ((r.changes ?? []) as Message[]).map((c) => ({
      realtimeNs: BigInt(c.realtime_ns ?? 0),
      port: c.port ?? 0,
      direction: c.direction === 'INGRESS' ? 'ingress' : 'egress',
      changed: ((c.changed ?? []) as string[]).map(camel) as Array<keyof LinkConfig>,
      config: linkFromMessage(c.config) as LinkConfig,
    }));
  }

  async addPort(port: number, iface: string): Promise<void> {
    await this.call('AddPort', { port, iface });
  }

  async removePort(port: number): Promise<void> {
    await this.call('RemovePort', { port });
  }

  async listPorts(): Promise<Array<{ port: number; iface: string }>> {
    const r = await this.call('ListPorts', {});
    return ((r.ports ?? []) as Message[]).map((p) => ({ port: p.port ?? 0, iface: p.iface ?? '' }));
  }

  async portStats(port?: number): Promise<PortStatsView[]> {
    const r = await this.call('GetPortStats', { port });
    return ((r.ports ?? []) as Message[]).map((p) => ({
      port: p.port ?? 0,
      iface: p.iface ?? '',
      counters: { rxPackets: num(p.rx_packets), rxBytes: num(p.rx_bytes), txPackets: num(p.tx_packets), txBytes: num(p.tx_bytes) },
      kernelDrops: num(p.kernel_drops),
      rxTruncated: num(p.rx_truncated),
      txErrors: num(p.tx_errors),
      linkLossDrops: num(p.link_loss_drops),
      linkQueueDrops: num(p.link_queue_drops),
      linkOversizeDrops: num(p.link_oversize_drops),
      linkReordered: num(p.link_reordered),
      linkPending: num(p.link_pending),
      ingressLinkLossDrops: num(p.ingress_link_loss_drops),
      ingressLinkQueueDrops: num(p.ingress_link_queue_drops),
      ingressLinkPending: num(p.ingress_link_pending),
      rxChecksums: num(p.rx_checksums),
      rxMode: p.rx_mode === 'ring' ? 'ring' : 'recvmmsg',
    }));
  }

  async drops(): Promise<Record<string, number>> {
    const r = await this.call('GetDrops', {});
    return Object.fromEntries(Object.entries((r.by_reason ?? {}) as Record<string, string>).map(([k, v]) => [k, Number(v)]));
  }

  async clock(): Promise<ClockView> {
    const r = await this.call('GetClock', {});
    return { realtimeNs: BigInt(r.realtime_ns ?? 0), startRealtimeNs: BigInt(r.start_realtime_ns ?? 0), uptimeNs: BigInt(r.uptime_ns ?? 0) };
  }

  /** Turns pcap capture on (into `directory`, or the switch's --pcap one) or off; returns the directory. */
  async setPcap(enabled: boolean, directory?: string): Promise<string | undefined> {
    const r = await this.call('SetPcap', { enabled, directory });
    return r.directory || undefined;
  }

  close(): void {
    this.client.close();
  }

  private call(method: string, request: Message): Promise<Message> {
    return new Promise((resolve, reject) => {
      const fn = (this.client as unknown as Record<string, Function>)[method]!;
      fn.call(this.client, request, { deadline: Date.now() + 10_000 }, (err: grpc.ServiceError | null, response: Message) => {
        if (err) reject(new TargetCallError(method, grpc.status[err.code] ?? String(err.code), err.details || err.message));
        else resolve(response);
      });
    });
  }
}

/**
 * Waits until the switch at `address` answers its health check with SERVING;
 * a P4labError after `timeoutMs`.
 */
export async function waitForSwitch(address: string, timeoutMs = 10_000): Promise<void> {
  const client = new (loadTargetProtos().Health)(address, grpc.credentials.createInsecure());
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const status = await new Promise<string | undefined>((resolve) => {
        client.waitForReady(deadline, (readyErr) => {
          if (readyErr) return resolve(undefined);
          (client as unknown as Record<string, Function>).Check!.call(client, {}, { deadline }, (err: Error | null, r: Message) => resolve(err ? undefined : r?.status));
        });
      });
      if (status === 'SERVING') return;
      if (Date.now() >= deadline) throw new P4labError(`the switch at ${address} did not become ready within ${timeoutMs} ms`, 'check that it started (its log) and that the address is right');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.close();
  }
}

function directionMessage(direction: LinkDirection): 'EGRESS' | 'INGRESS' {
  return direction === 'ingress' ? 'INGRESS' : 'EGRESS';
}

function queueFrom(r: Message): QueueSetting {
  return { port: r.port, priority: r.priority, ratePps: r.rate_pps ?? 0, depthPackets: r.depth_packets ?? 0 };
}

function num(value: unknown): number {
  return value === undefined ? 0 : Number(value);
}

function camel(field: string): string {
  return field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
