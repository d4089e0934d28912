// The packet replication engine's configuration: multicast groups and clone
// (mirror) sessions, as P4Runtime's PacketReplicationEngineEntry sets them.
import { ControlError, type CloneSession, type Replica } from '../control-plane.js';

const MAX_SESSION = 32767;

function checkReplicas(replicas: Replica[]): void {
  for (const r of replicas) {
    if (!Number.isInteger(r.port) || r.port < 0 || r.port > 510) throw new ControlError('INVALID_ARGUMENT', `replica port ${r.port} is not a port number (0..510)`);
    if (!Number.isInteger(r.instance) || r.instance < 0 || r.instance > 0xffff) throw new ControlError('INVALID_ARGUMENT', `replica instance ${r.instance} does not fit in 16 bits`);
  }
}

export class Replication {
  private readonly groups = new Map<number, Replica[]>();
  private readonly sessions = new Map<number, CloneSession>();

  group(id: number): Replica[] | undefined {
    return this.groups.get(id);
  }

  session(id: number): CloneSession | undefined {
    return this.sessions.get(id);
  }

  clear(): void {
    this.groups.clear();
    this.sessions.clear();
  }

  multicastGroupSet(group: number, replicas: Replica[]): void {
    if (!Number.isInteger(group) || group < 1 || group > 0xffff) throw new ControlError('INVALID_ARGUMENT', `multicast group ${group} is outside 1..65535`);
    checkReplicas(replicas);
    this.groups.set(group, replicas.map((r) => ({ port: r.port, instance: r.instance })));
  }

  multicastGroupDelete(group: number): void {
    if (!this.groups.delete(group)) throw new ControlError('NOT_FOUND', `no multicast group ${group}`);
  }

  multicastGroups(): Map<number, Replica[]> {
    return new Map(this.groups);
  }

  cloneSessionSet(session: number, config: CloneSession): void {
    if (!Number.isInteger(session) || session < 1 || session > MAX_SESSION) throw new ControlError('INVALID_ARGUMENT', `clone session ${session} is outside 1..${MAX_SESSION}`);
    checkReplicas(config.replicas);
    if (config.packetLengthBytes < 0) throw new ControlError('INVALID_ARGUMENT', 'packet_length_bytes cannot be negative');
    this.sessions.set(session, { replicas: config.replicas.map((r) => ({ ...r })), classOfService: config.classOfService, packetLengthBytes: config.packetLengthBytes });
  }

  cloneSessionDelete(session: number): void {
    if (!this.sessions.delete(session)) throw new ControlError('NOT_FOUND', `no clone session ${session}`);
  }

  cloneSessions(): Map<number, CloneSession> {
    return new Map(this.sessions);
  }
}
