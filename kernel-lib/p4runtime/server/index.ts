// The P4Runtime service of one device over p4lab's dataplane. S2's switch
// process adds it to its grpc-js server:
//
//   const handle = addP4RuntimeService(server, { deviceId: 1n, dataplane, cpuPort: 255 });
//   ...
//   handle.close(); // ends the controller streams on shutdown
//
// Every handler validates its request once, here at the boundary; whatever
// goes wrong becomes a gRPC status with a canonical code and a message naming
// the entity and field. No request, however malformed, throws out of a handler.
import * as grpc from '@grpc/grpc-js';
import type { EntryView } from '../../switch/control-plane.js';
import type { Dataplane } from '../../switch/engine/dataplane.js';
import { p4runtimeServiceDefinition } from '../proto.js';
import type {
  CapabilitiesResponse,
  Entity,
  GetForwardingPipelineConfigRequest,
  GetForwardingPipelineConfigResponse,
  Int64,
  PacketOut,
  ReadRequest,
  ReadResponse,
  SetForwardingPipelineConfigRequest,
  StreamMessageRequest,
  StreamMessageResponse,
  WriteRequest,
} from '../proto/messages.js';
import { Arbitration, uint128 } from './arbitration.js';
import { DigestService } from './digests.js';
import { readEntity, writeEntity, type EntityServices } from './entities.js';
import { packetInOf, packetOutBytes } from './packet-io.js';
import { PipelineManager } from './pipeline.js';
import { ReplicationService } from './replication.js';
import { RpcError, statusOf, toRpcError, writeFailureStatus } from './status.js';
import { StreamChannels } from './stream.js';
import { entryKeyMessage, entryKeyText } from './table-codec.js';

/** The P4Runtime API version this server implements. */
export const P4RUNTIME_API_VERSION = '1.5.0';

/**
 * Entities per ReadResponse. The switch forwards packets between two
 * responses: a whole 4096-cell register, which held it for several ms in one
 * piece, now holds it ~0.2 ms at a time once the process is warm. Register,
 * counter and meter cells are read slice by slice; other entities are
 * collected at once, and only their encoding is spread.
 */
const READ_SLICE = 256;

export interface P4RuntimeDevice {
  deviceId: bigint;
  dataplane: Dataplane;
  /** The CPU port (--cpu-port); without one, PacketOut is refused. */
  cpuPort?: number;
}

export interface P4RuntimeServiceHandle {
  /** Ends every controller stream and stops delivering packet-ins, digests and notifications. */
  close(): void;
  /** Packet-ins not delivered: no primary controller, or its stream was congested, or shorter than packet_in. */
  packetInDrops(): number;
}

export function addP4RuntimeService(server: grpc.Server, device: P4RuntimeDevice): P4RuntimeServiceHandle {
  const { deviceId, dataplane } = device;
  let closed = false;
  const arbitration = new Arbitration(deviceId);
  const toPrimaries = (message: StreamMessageResponse) => {
    if (closed) return;
    for (const s of arbitration.primaries()) s.send(message);
  };
  const digests = new DigestService((list) => toPrimaries({ digest: list }));
  const replication = new ReplicationService(dataplane);
  const pipelines = new PipelineManager(dataplane, (pipeline, reloaded) => {
    digests.setPipeline(pipeline);
    if (reloaded) replication.cleared();
  });
  const services: EntityServices = { pipelines, replication, digests };

  const packetOut = (packet: PacketOut) => {
    if (device.cpuPort === undefined) {
      throw new RpcError(grpc.status.FAILED_PRECONDITION, 'PacketOut: the switch has no CPU port; start it with --cpu-port');
    }
    const running = pipelines.current;
    if (!running) throw new RpcError(grpc.status.FAILED_PRECONDITION, 'PacketOut: no forwarding pipeline is set');
    dataplane.injectFromCpu(packetOutBytes(running.info.packetOut, packet));
  };
  const streams = new StreamChannels({ arbitration, digests, packetOut });

  let packetInDrops = 0;
  dataplane.onPacketToCpu((packet) => {
    const running = pipelines.current;
    if (closed || !running) return;
    const packetIn = packetInOf(running.info.packetIn, packet);
    const receivers = arbitration.primaries();
    let delivered = false;
    if (packetIn) for (const s of receivers) delivered = s.offer({ packet: packetIn }) || delivered;
    if (!delivered) packetInDrops++;
  });
  dataplane.onDigest((digest) => {
    if (!closed) digests.handle(digest);
  });
  dataplane.onIdleTimeout((tableName, entries) => {
    const running = pipelines.current;
    const table = running?.info.tableByName.get(tableName);
    if (closed || !running || !table) return;
    const tableEntries = entries.map((e: EntryView) => {
      const entry = entryKeyMessage(table, e.key, e.priority);
      if (e.idleTimeoutNs) entry.idle_timeout_ns = e.idleTimeoutNs.toString();
      const metadata = running.entryMetadata.size ? running.entryMetadata.get(entryKeyText(table.id, e.key, e.priority)) : undefined;
      if (metadata) entry.metadata = metadata;
      return entry;
    });
    toPrimaries({ idle_timeout_notification: { table_entry: tableEntries, timestamp: (BigInt(Date.now()) * 1_000_000n).toString() } });
  });

  const checkDevice = (id: Int64 | undefined, rpc: string) => {
    const asked = BigInt(id ?? 0);
    if (asked !== deviceId) throw new RpcError(grpc.status.NOT_FOUND, `${rpc}: device_id ${asked} is not this switch (device ${deviceId})`);
  };

  /** Runs a unary handler body; any failure becomes its status. */
  function unary<Req, Res>(rpc: string, body: (request: Req) => Res): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      let response: Res;
      try {
        response = body(call.request);
      } catch (e) {
        callback(statusOf(toRpcError(e, rpc)));
        return;
      }
      callback(null, response);
    };
  }

  const write: grpc.handleUnaryCall<WriteRequest, object> = (call, callback) => {
    const request = call.request;
    try {
      checkDevice(request.device_id, 'Write');
      arbitration.checkWriter(request.role ?? '', uint128(request.election_id), 'Write');
      if (request.atomicity && request.atomicity !== 'CONTINUE_ON_ERROR') {
        throw new RpcError(grpc.status.UNIMPLEMENTED, `Write: atomicity ${request.atomicity} is not supported by the p4lab switch; use CONTINUE_ON_ERROR`);
      }
    } catch (e) {
      callback(statusOf(toRpcError(e, 'Write')));
      return;
    }
    // Each error lands in the details at its update's position, so messages need not repeat it.
    const results = (request.updates ?? []).map((update) => {
      try {
        writeEntity(services, update.type, update.entity);
        return undefined;
      } catch (e) {
        return toRpcError(e);
      }
    });
    if (results.some((r) => r !== undefined)) callback(writeFailureStatus(results));
    else callback(null, {});
  };

  const read: grpc.handleServerStreamingCall<ReadRequest, ReadResponse> = (call) => {
    const fail = (e: unknown) => {
      const error = toRpcError(e, 'Read');
      call.emit('error', { code: error.code, details: error.message });
    };
    let sources: Iterable<Entity>[];
    try {
      checkDevice(call.request.device_id, 'Read');
      // Every entity is checked before the first response goes out.
      sources = (call.request.entities ?? []).map((entity) => readEntity(services, entity));
    } catch (e) {
      fail(e);
      return;
    }
    let source = 0;
    let entities: Iterator<Entity> | undefined;
    const nextEntity = (): Entity | undefined => {
      for (; source < sources.length; source++, entities = undefined) {
        entities ??= sources[source]![Symbol.iterator]();
        const r = entities.next();
        if (!r.done) return r.value;
      }
      return undefined;
    };
    const sendSlice = () => {
      if (call.cancelled) return;
      const slice: Entity[] = [];
      let done = false;
      try {
        while (slice.length < READ_SLICE) {
          const entity = nextEntity();
          if (!entity) {
            done = true;
            break;
          }
          slice.push(entity);
        }
      } catch (e) {
        fail(e);
        return;
      }
      const flowing = slice.length === 0 || call.write({ entities: slice });
      if (done) call.end();
      else if (flowing) setImmediate(sendSlice);
      else call.once('drain', sendSlice);
    };
    sendSlice();
  };

  const implementation = {
    Capabilities: unary<object, CapabilitiesResponse>('Capabilities', () => ({ p4runtime_api_version: P4RUNTIME_API_VERSION })),
    SetForwardingPipelineConfig: unary<SetForwardingPipelineConfigRequest, object>('SetForwardingPipelineConfig', (request) => {
      checkDevice(request.device_id, 'SetForwardingPipelineConfig');
      arbitration.checkWriter(request.role ?? '', uint128(request.election_id), 'SetForwardingPipelineConfig');
      pipelines.set(request.action, request.config);
      return {};
    }),
    GetForwardingPipelineConfig: unary<GetForwardingPipelineConfigRequest, GetForwardingPipelineConfigResponse>('GetForwardingPipelineConfig', (request) => {
      checkDevice(request.device_id, 'GetForwardingPipelineConfig');
      return { config: pipelines.get(request.response_type) };
    }),
    Write: write,
    Read: read,
    StreamChannel: (call: grpc.ServerDuplexStream<StreamMessageRequest, StreamMessageResponse>) => streams.handle(call),
  };
  server.addService(p4runtimeServiceDefinition(), implementation as unknown as grpc.UntypedServiceImplementation);

  return {
    packetInDrops: () => packetInDrops,
    close() {
      if (closed) return;
      closed = true;
      streams.close();
      digests.close();
    },
  };
}
