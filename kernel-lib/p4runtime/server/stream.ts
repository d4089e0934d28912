// StreamChannel: one session per controller stream. Arbitration comes first;
// then the primary may send PacketOut and digest acks. A bad message gets a
// StreamError on the same stream, which stays open; only an arbitration that
// cannot be honoured (wrong device, duplicate election id, role change) ends
// the stream, with a status that says why.
import * as grpc from '@grpc/grpc-js';
import type { DigestListAck, PacketOut, StreamError, StreamMessageRequest, StreamMessageResponse } from '../proto/messages.js';
import type { Arbitration, Session } from './arbitration.js';
import type { DigestService } from './digests.js';
import { RpcError, toRpcError } from './status.js';

type StreamCall = grpc.ServerDuplexStream<StreamMessageRequest, StreamMessageResponse>;

export interface StreamDeps {
  arbitration: Arbitration;
  digests: DigestService;
  /** Injects a PacketOut on the CPU port; throws RpcError for a bad one. */
  packetOut(packet: PacketOut): void;
}

function streamError(error: RpcError, details: Pick<StreamError, 'packet_out' | 'digest_list_ack' | 'other'>): StreamMessageResponse {
  return { error: { canonical_code: error.code, message: error.message, space: 'p4lab', ...details } };
}

export class StreamChannels {
  private readonly calls = new Set<StreamCall>();

  constructor(private readonly deps: StreamDeps) {}

  handle(call: StreamCall): void {
    this.calls.add(call);
    let open = true;
    let congested = false; // grpc-js buffers without bound; a controller that stops reading must not grow it
    const finish = () => {
      if (!open) return;
      open = false;
      this.calls.delete(call);
      this.deps.arbitration.remove(session);
    };
    // Sends run inside the dataplane's packet path (packet-ins, digests): they must never throw.
    const send = (message: StreamMessageResponse) => {
      if (!open) return;
      try {
        if (!call.write(message)) congested = true;
      } catch {
        finish();
      }
    };
    const session: Session = {
      role: undefined,
      electionId: undefined,
      send,
      offer: (message) => {
        if (!open || congested) return false;
        send(message);
        return true;
      },
    };
    call.on('drain', () => (congested = false));
    call.on('data', (message: StreamMessageRequest) => {
      try {
        this.dispatch(session, message);
      } catch (e) {
        // Only arbitration failures get here: they end the stream with their status.
        const error = toRpcError(e);
        finish();
        call.emit('error', { code: error.code, details: error.message });
      }
    });
    call.on('end', () => {
      finish();
      call.end();
    });
    call.on('cancelled', finish);
    call.on('error', finish);
    call.on('close', finish);
  }

  /** Ends every stream (switch shutdown). */
  close(): void {
    for (const call of [...this.calls]) call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'the switch is shutting down' });
    this.calls.clear();
  }

  private dispatch(session: Session, message: StreamMessageRequest): void {
    switch (message.update) {
      case 'arbitration':
        this.deps.arbitration.arbitrate(session, message.arbitration ?? {});
        return;
      case 'packet': {
        const packet = message.packet ?? {};
        this.guard(session, 'PacketOut', { packet_out: { packet_out: packet } }, () => this.deps.packetOut(packet));
        return;
      }
      case 'digest_ack': {
        const ack: DigestListAck = message.digest_ack ?? {};
        this.guard(session, 'DigestListAck', { digest_list_ack: { digest_list_ack: ack } }, () => this.deps.digests.ack(ack));
        return;
      }
      case 'other':
        session.send(
          streamError(new RpcError(grpc.status.UNIMPLEMENTED, 'StreamMessageRequest.other: the p4lab switch has no architecture-specific stream messages'), {
            other: { other: message.other },
          }),
        );
        return;
      default:
        session.send(streamError(new RpcError(grpc.status.INVALID_ARGUMENT, 'StreamMessageRequest: no update is set (arbitration, packet or digest_ack)'), { other: {} }));
    }
  }

  /** Runs a primary-only stream operation; failures go back as a StreamError. */
  private guard(session: Session, what: string, details: Pick<StreamError, 'packet_out' | 'digest_list_ack'>, run: () => void): void {
    try {
      if (session.role === undefined) throw new RpcError(grpc.status.FAILED_PRECONDITION, `${what}: send an arbitration message on this stream first`);
      if (!this.deps.arbitration.isPrimary(session)) throw new RpcError(grpc.status.PERMISSION_DENIED, `${what}: only the primary controller may send this`);
      run();
    } catch (e) {
      session.send(streamError(toRpcError(e, what), details));
    }
  }
}
