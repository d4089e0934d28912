// The packet replication engine: multicast groups and clone sessions.
import { P4RuntimeValueError } from '../errors.js';
import type { EntityIO } from './entity-io.js';
import type { Replica as WireReplica, UpdateType } from './wire.js';

/** A copy's egress port and instance (its egress_rid); a bare number is port with instance 0. */
export type ReplicaInput = number | { port: number; instance?: number };

export interface ReplicaView {
  port: number;
  instance: number;
}

export interface CloneSessionInput {
  replicas: ReplicaInput[];
  classOfService?: number;
  /** 0 (default): clones are not truncated. */
  packetLengthBytes?: number;
}

export interface CloneSessionView {
  session: number;
  replicas: ReplicaView[];
  classOfService: number;
  packetLengthBytes: number;
}

function encodeReplicas(replicas: ReplicaInput[], where: string): WireReplica[] {
  return replicas.map((r) => {
    const port = typeof r === 'number' ? r : r.port;
    const instance = typeof r === 'number' ? 0 : (r.instance ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 0xffffffff) throw new P4RuntimeValueError(`${where}, replica port`, port, 'a port number');
    if (!Number.isInteger(instance) || instance < 0 || instance > 0xffff) throw new P4RuntimeValueError(`${where}, replica instance`, instance, 'an instance (egress_rid) in 0..65535');
    // egress_port rather than the newer bytes `port`: every BMv2 release reads it.
    return { egress_port: port, instance };
  });
}

function decodeReplicas(replicas: WireReplica[] | undefined): ReplicaView[] {
  return (replicas ?? []).map((r) => ({
    port: r.egress_port ?? (r.port && r.port.length ? r.port.readUIntBE(0, Math.min(r.port.length, 6)) : 0),
    instance: r.instance ?? 0,
  }));
}

function checkId(id: number, max: number, where: string): void {
  if (!Number.isInteger(id) || id < 1 || id > max) throw new P4RuntimeValueError(where, id, `an integer in 1..${max}`);
}

export class MulticastGroups {
  constructor(private readonly io: EntityIO) {}

  insert(group: number, replicas: ReplicaInput[]): Promise<void> {
    return this.apply('INSERT', group, replicas);
  }

  modify(group: number, replicas: ReplicaInput[]): Promise<void> {
    return this.apply('MODIFY', group, replicas);
  }

  delete(group: number): Promise<void> {
    return this.apply('DELETE', group, []);
  }

  private async apply(type: UpdateType, group: number, replicas: ReplicaInput[]): Promise<void> {
    const where = `multicast group ${group}`;
    checkId(group, 0xffff, where);
    const entry = { multicast_group_id: group, replicas: encodeReplicas(replicas, where) };
    await this.io.write([{ type, entity: { packet_replication_engine_entry: { multicast_group_entry: entry } } }]);
  }

  /** Every group (or one), as group id → replicas. */
  async read(group?: number): Promise<Map<number, ReplicaView[]>> {
    const entities = await this.io.read([{ packet_replication_engine_entry: { multicast_group_entry: { multicast_group_id: group ?? 0 } } }]);
    const out = new Map<number, ReplicaView[]>();
    for (const e of entities) {
      const g = e.packet_replication_engine_entry?.multicast_group_entry;
      if (g) out.set(g.multicast_group_id, decodeReplicas(g.replicas));
    }
    return out;
  }
}

export class CloneSessions {
  constructor(private readonly io: EntityIO) {}

  insert(session: number, config: CloneSessionInput): Promise<void> {
    return this.apply('INSERT', session, config);
  }

  modify(session: number, config: CloneSessionInput): Promise<void> {
    return this.apply('MODIFY', session, config);
  }

  delete(session: number): Promise<void> {
    return this.apply('DELETE', session, { replicas: [] });
  }

  private async apply(type: UpdateType, session: number, config: CloneSessionInput): Promise<void> {
    const where = `clone session ${session}`;
    checkId(session, 32767, where);
    const entry = {
      session_id: session,
      replicas: encodeReplicas(config.replicas, where),
      class_of_service: config.classOfService ?? 0,
      packet_length_bytes: config.packetLengthBytes ?? 0,
    };
    await this.io.write([{ type, entity: { packet_replication_engine_entry: { clone_session_entry: entry } } }]);
  }

  async read(session?: number): Promise<CloneSessionView[]> {
    const entities = await this.io.read([{ packet_replication_engine_entry: { clone_session_entry: { session_id: session ?? 0 } } }]);
    const out: CloneSessionView[] = [];
    for (const e of entities) {
      const c = e.packet_replication_engine_entry?.clone_session_entry;
      if (!c) continue;
      out.push({
        session: c.session_id,
        replicas: decodeReplicas(c.replicas),
        classOfService: c.class_of_service ?? 0,
        packetLengthBytes: c.packet_length_bytes ?? 0,
      });
    }
    return out;
  }
}
