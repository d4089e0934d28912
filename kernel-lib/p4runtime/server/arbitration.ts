// Client arbitration: per role, the stream with the highest election id is the
// primary. Every change of primary (a higher id arrives, the primary leaves)
// is announced to every stream of the role: OK to the primary, ALREADY_EXISTS
// to backups, NOT_FOUND to all when there is no primary. A stream without an
// election id is a backup for good. Only the primary may Write or set the
// pipeline (PERMISSION_DENIED otherwise).
import * as grpc from '@grpc/grpc-js';
import type { MasterArbitrationUpdate, StreamMessageResponse, Uint128 } from '../proto/messages.js';
import { RpcError } from './status.js';

export interface Session {
  role: string | undefined; // undefined until the stream's first arbitration
  electionId: bigint | undefined;
  send(message: StreamMessageResponse): void;
  /** Sends unless the controller is not keeping up (its stream is congested); false when dropped. */
  offer(message: StreamMessageResponse): boolean;
}

export function uint128(value: Uint128 | undefined): bigint | undefined {
  if (!value) return undefined;
  return (BigInt(value.high ?? 0) << 64n) | BigInt(value.low ?? 0);
}

function uint128Message(value: bigint): Uint128 {
  return { high: (value >> 64n).toString(), low: (value & 0xffffffffffffffffn).toString() };
}

export class Arbitration {
  private readonly sessions = new Set<Session>();

  constructor(private readonly deviceId: bigint) {}

  /** Applies a stream's arbitration message. Throws for errors that end the stream. */
  arbitrate(session: Session, update: MasterArbitrationUpdate): void {
    const deviceId = BigInt(update.device_id ?? 0);
    if (deviceId !== this.deviceId) {
      throw new RpcError(grpc.status.NOT_FOUND, `arbitration: device_id ${deviceId} is not this switch (device ${this.deviceId})`);
    }
    if (update.role?.config) {
      throw new RpcError(grpc.status.UNIMPLEMENTED, 'arbitration: role configs are not supported by the p4lab switch; every role has full pipeline access');
    }
    const role = update.role?.name ?? '';
    if (session.role !== undefined && session.role !== role) {
      throw new RpcError(grpc.status.FAILED_PRECONDITION, `arbitration: this stream is for role "${session.role}"; open another stream for role "${role}"`);
    }
    const electionId = uint128(update.election_id);
    if (electionId !== undefined) {
      for (const other of this.sessions) {
        if (other !== session && other.role === role && other.electionId === electionId) {
          throw new RpcError(grpc.status.INVALID_ARGUMENT, `arbitration: election_id ${electionId} is already used by another controller of role "${role}"`);
        }
      }
    }
    const before = this.primary(role);
    session.role = role;
    session.electionId = electionId;
    this.sessions.add(session);
    if (this.primary(role) !== before) this.announce(role);
    else session.send(this.updateFor(session));
  }

  /** A stream ended; announces the new state if it was the primary. */
  remove(session: Session): void {
    if (!this.sessions.delete(session) || session.role === undefined) return;
    const role = session.role;
    const wasPrimary = this.primaryAmong(role, [...this.sessions, session]) === session;
    if (wasPrimary) this.announce(role);
  }

  primary(role: string): Session | undefined {
    return this.primaryAmong(role, this.sessions);
  }

  /** The primary of every role that has one: receivers of packet-ins, digests and notifications. */
  primaries(): Session[] {
    const roles = new Set([...this.sessions].map((s) => s.role ?? ''));
    return [...roles].map((r) => this.primary(r)).filter((s): s is Session => s !== undefined);
  }

  isPrimary(session: Session): boolean {
    return session.role !== undefined && this.primary(session.role) === session;
  }

  /** Throws PERMISSION_DENIED unless `electionId` is the primary's of `role`. */
  checkWriter(role: string, electionId: bigint | undefined, rpc: string): void {
    const label = role ? `role "${role}"` : 'the default role';
    const primary = this.primary(role);
    if (!primary) {
      throw new RpcError(grpc.status.PERMISSION_DENIED, `${rpc}: ${label} has no primary controller; open a StreamChannel and send an arbitration with an election_id first`);
    }
    if (electionId === undefined) throw new RpcError(grpc.status.PERMISSION_DENIED, `${rpc}: election_id is unset; only the primary controller may do this`);
    if (electionId !== primary.electionId) {
      throw new RpcError(grpc.status.PERMISSION_DENIED, `${rpc}: election_id ${electionId} is not the primary's (${primary.electionId}) for ${label}`);
    }
  }

  private primaryAmong(role: string, sessions: Iterable<Session>): Session | undefined {
    let best: Session | undefined;
    for (const s of sessions) {
      if (s.role !== role || s.electionId === undefined) continue;
      if (!best || s.electionId > (best.electionId as bigint)) best = s;
    }
    return best;
  }

  private announce(role: string): void {
    for (const s of this.sessions) if (s.role === role) s.send(this.updateFor(s));
  }

  private updateFor(session: Session): StreamMessageResponse {
    const role = session.role ?? '';
    const primary = this.primary(role);
    const status = !primary
      ? { code: grpc.status.NOT_FOUND, message: 'no primary controller' }
      : primary === session
        ? { code: grpc.status.OK, message: 'you are the primary controller' }
        : { code: grpc.status.ALREADY_EXISTS, message: 'another controller is primary' };
    const update: MasterArbitrationUpdate = { device_id: this.deviceId.toString(), status };
    if (role) update.role = { name: role };
    if (primary?.electionId !== undefined) update.election_id = uint128Message(primary.electionId);
    return { arbitration: update };
  }
}
