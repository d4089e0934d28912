// The target and health gRPC services: message translation and error mapping
// around TargetController. A bad request gets a gRPC error that names the
// field and the fix; nothing a client sends can throw out of a handler.
import * as grpc from '@grpc/grpc-js';
import { ControlError } from '../control-plane.js';
import type { TargetController } from './controller.js';
import { linkFieldName, linkFromMessage, linkToMessage, type LinkConfigMessage } from './convert.js';
import { loadTargetProtos } from './proto.js';

type Handler = (request: Record<string, unknown>) => object | Promise<object>;

export function addTargetService(server: grpc.Server, target: TargetController): void {
  const handlers: Record<string, Handler> = {
    SetQueue: (r) =>
      queueMessage(
        target.setQueue({
          port: optional(r.port),
          priority: optional(r.priority),
          ratePps: optional(r.rate_pps),
          depthPackets: optional(r.depth_packets),
        }),
      ),
    GetQueue: (r) => queueMessage(target.getQueue(optional(r.port), optional(r.priority))),
    SetLink: (r) => linkToMessage(target.setLink(uint(r.port), linkFromMessage(r.config as LinkConfigMessage | undefined), direction(r.direction))),
    GetLink: (r) => linkToMessage(target.getLink(uint(r.port), direction(r.direction))),
    GetLinkLog: (r) => ({
      changes: target.linkChanges(optional(r.port)).map((c) => ({
        realtime_ns: c.realtimeNs.toString(),
        port: c.port,
        changed: c.changed.map(linkFieldName),
        config: linkToMessage(c.config),
        direction: c.direction === 'ingress' ? 'INGRESS' : 'EGRESS',
      })),
    }),
    AddPort: async (r) => {
      const port = uint(r.port);
      const iface = typeof r.iface === 'string' ? r.iface : '';
      if (!iface) throw new ControlError('INVALID_ARGUMENT', 'iface is empty: name the interface to bind');
      await target.addPort(port, iface);
      return { port, iface };
    },
    RemovePort: (r) => {
      target.removePort(uint(r.port));
      return {};
    },
    ListPorts: () => ({ ports: target.portStats().map((p) => ({ port: p.port, iface: p.iface })) }),
    GetPortStats: (r) => ({
      ports: target.portStats(optional(r.port)).map((p) => ({
        port: p.port,
        iface: p.iface,
        rx_packets: p.counters.rxPackets,
        rx_bytes: p.counters.rxBytes,
        tx_packets: p.counters.txPackets,
        tx_bytes: p.counters.txBytes,
        kernel_drops: p.kernelDrops,
        rx_truncated: p.rxTruncated,
        tx_errors: p.txErrors,
        link_loss_drops: p.linkLossDrops,
        link_queue_drops: p.linkQueueDrops,
        link_oversize_drops: p.linkOversizeDrops,
        link_reordered: p.linkReordered,
        link_pending: p.linkPending,
        ingress_link_loss_drops: p.ingressLinkLossDrops,
        ingress_link_queue_drops: p.ingressLinkQueueDrops,
        ingress_link_pending: p.ingressLinkPending,
        rx_checksums: p.rxChecksums,
        rx_mode: p.rxMode,
      })),
    }),
    GetDrops: () => ({ by_reason: target.drops() }),
    GetClock: () => {
      const c = target.clock();
      return { realtime_ns: c.realtimeNs.toString(), start_realtime_ns: c.startRealtimeNs.toString(), uptime_ns: c.uptimeNs.toString() };
    },
    SetPcap: (r) => ({ directory: target.setPcap(r.enabled === true, typeof r.directory === 'string' ? r.directory : undefined) ?? '' }),
  };
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) {
    impl[name] = async (call: grpc.ServerUnaryCall<Record<string, unknown>, object>, callback: grpc.sendUnaryData<object>) => {
      let reply: object;
      try {
        reply = await handler(call.request);
      } catch (err) {
        return callback(toServiceError(err));
      }
      callback(null, reply);
    };
  }
  server.addService(loadTargetProtos().Target.service, impl);
}

/** grpc.health.v1.Health/Check: SERVING for the whole server and for each service it names. */
export function addHealthService(server: grpc.Server, services: string[]): void {
  const known = new Set(['', ...services]);
  server.addService(loadTargetProtos().Health.service, {
    Check: (call: grpc.ServerUnaryCall<{ service?: string }, object>, callback: grpc.sendUnaryData<object>) => {
      const name = call.request.service ?? '';
      if (!known.has(name)) callback({ code: grpc.status.NOT_FOUND, details: `unknown service '${name}'` });
      else callback(null, { status: 'SERVING' });
    },
  });
}

function queueMessage(q: { port?: number; priority?: number; ratePps: number; depthPackets: number }): object {
  return { port: q.port, priority: q.priority, rate_pps: q.ratePps, depth_packets: q.depthPackets };
}

/** proto3: an absent enum is its first value, EGRESS, which keeps older callers working. */
function direction(value: unknown): 'egress' | 'ingress' {
  return value === 'INGRESS' ? 'ingress' : 'egress';
}

function uint(value: unknown): number {
  return typeof value === 'number' ? value : 0; // proto3: an absent uint32 is 0
}

function optional(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function toServiceError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof ControlError) return { code: grpc.status[err.code], details: err.message };
  return { code: grpc.status.INTERNAL, details: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}
