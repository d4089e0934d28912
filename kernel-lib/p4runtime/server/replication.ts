// Write and Read of PacketReplicationEngineEntry: multicast groups and clone
// sessions. They belong to the switch, not to a program, so they are written
// to the dataplane whatever pipeline is pending, and survive COMMIT.
import * as grpc from '@grpc/grpc-js';
import type { Replica } from '../../switch/control-plane.js';
import type { Dataplane } from '../../switch/engine/dataplane.js';
import { encodeBytes } from '../bytes.js';
import type { Entity, PacketReplicationEngineEntry, Replica as ReplicaMsg, UpdateType } from '../proto/messages.js';
import { RpcError } from './status.js';
import { valueOf } from './values.js';

const MAX_CLONE_SESSION = 32767; // as simple_switch's mirroring sessions

function invalid(message: string): RpcError {
  return new RpcError(grpc.status.INVALID_ARGUMENT, message);
}

function replicasOf(replicas: ReplicaMsg[] | undefined, where: string): Replica[] {
  const seen = new Set<string>();
  return (replicas ?? []).map((r, i) => {
    const port = r.port_kind === 'port' ? Number(valueOf(r.port, 32, `${where} replica ${i} port`)) : (r.egress_port ?? 0);
    const instance = r.instance ?? 0;
    if (instance > 0xffff) throw new RpcError(grpc.status.OUT_OF_RANGE, `${where} replica ${i}: instance ${instance} does not fit egress_rid (16 bits)`);
    const id = `${port}/${instance}`;
    if (seen.has(id)) throw invalid(`${where}: replica (port ${port}, instance ${instance}) appears twice`);
    seen.add(id);
    return { port, instance };
  });
}

function replicaMessages(replicas: Replica[]): ReplicaMsg[] {
  return replicas.map((r) => ({ port: encodeBytes(BigInt(r.port)), instance: r.instance }));
}

export class ReplicationService {
  /** MulticastGroupEntry.metadata as written (opaque to the switch). */
  private readonly groupMetadata = new Map<number, Buffer>();

  constructor(private readonly dataplane: Dataplane) {}

  /** The dataplane cleared its replication state (a full program load). */
  cleared(): void {
    this.groupMetadata.clear();
  }

  write(type: UpdateType | undefined, e: PacketReplicationEngineEntry): void {
    if (e.type === 'multicast_group_entry') return this.writeGroup(type, e.multicast_group_entry ?? {});
    if (e.type === 'clone_session_entry') return this.writeSession(type, e.clone_session_entry ?? {});
    throw invalid('packet replication engine entry: set multicast_group_entry or clone_session_entry');
  }

  private checkExistence(type: UpdateType | undefined, exists: boolean, what: string): void {
    if (type === 'INSERT' && exists) throw new RpcError(grpc.status.ALREADY_EXISTS, `${what} already exists; use MODIFY to change it`);
    if ((type === 'MODIFY' || type === 'DELETE') && !exists) throw new RpcError(grpc.status.NOT_FOUND, `${what} does not exist; INSERT it first`);
    if (type !== 'INSERT' && type !== 'MODIFY' && type !== 'DELETE') throw invalid(`${what}: update type ${type ?? 'UNSPECIFIED'} is not INSERT, MODIFY or DELETE`);
  }

  private writeGroup(type: UpdateType | undefined, e: NonNullable<PacketReplicationEngineEntry['multicast_group_entry']>): void {
    const id = e.multicast_group_id ?? 0;
    const what = `multicast group ${id}`;
    if (id === 0) throw invalid('multicast group entry: multicast_group_id 0 is not a group (mcast_grp 0 means no multicast)');
    if (id > 0xffff) throw new RpcError(grpc.status.OUT_OF_RANGE, `${what}: does not fit mcast_grp (16 bits)`);
    this.checkExistence(type, this.dataplane.multicastGroups().has(id), what);
    if (type === 'DELETE') {
      this.dataplane.multicastGroupDelete(id);
      this.groupMetadata.delete(id);
      return;
    }
    this.dataplane.multicastGroupSet(id, replicasOf(e.replicas, what));
    if (e.metadata?.length) this.groupMetadata.set(id, Buffer.from(e.metadata));
    else this.groupMetadata.delete(id);
  }

  private writeSession(type: UpdateType | undefined, e: NonNullable<PacketReplicationEngineEntry['clone_session_entry']>): void {
    const id = e.session_id ?? 0;
    const what = `clone session ${id}`;
    if (id < 1 || id > MAX_CLONE_SESSION) throw new RpcError(grpc.status.OUT_OF_RANGE, `${what}: session ids are 1..${MAX_CLONE_SESSION}`);
    this.checkExistence(type, this.dataplane.cloneSessions().has(id), what);
    if (type === 'DELETE') return this.dataplane.cloneSessionDelete(id);
    const packetLengthBytes = e.packet_length_bytes ?? 0;
    if (packetLengthBytes < 0) throw invalid(`${what}: packet_length_bytes is negative`);
    this.dataplane.cloneSessionSet(id, { replicas: replicasOf(e.replicas, what), classOfService: e.class_of_service ?? 0, packetLengthBytes });
  }

  read(e: PacketReplicationEngineEntry, out: Entity[]): void {
    if (e.type === 'multicast_group_entry') {
      const want = e.multicast_group_entry?.multicast_group_id ?? 0;
      for (const [id, replicas] of this.dataplane.multicastGroups()) {
        if (want && id !== want) continue;
        const group: NonNullable<PacketReplicationEngineEntry['multicast_group_entry']> = { multicast_group_id: id, replicas: replicaMessages(replicas) };
        const metadata = this.groupMetadata.get(id);
        if (metadata) group.metadata = metadata;
        out.push({ packet_replication_engine_entry: { multicast_group_entry: group } });
      }
      return;
    }
    if (e.type === 'clone_session_entry') {
      const want = e.clone_session_entry?.session_id ?? 0;
      for (const [id, s] of this.dataplane.cloneSessions()) {
        if (want && id !== want) continue;
        out.push({
          packet_replication_engine_entry: {
            clone_session_entry: { session_id: id, replicas: replicaMessages(s.replicas), class_of_service: s.classOfService, packet_length_bytes: s.packetLengthBytes },
          },
        });
      }
      return;
    }
    throw invalid('read packet replication engine entry: set multicast_group_entry or clone_session_entry (with id 0 for all)');
  }
}
