// Errors of the P4Runtime server as gRPC statuses. Every handler turns what it
// catches into an RpcError (canonical code + message naming the entity and
// field); anything that is not one of the known error kinds is a p4lab bug and
// still goes back as INTERNAL with its message, never as a crash.
import * as grpc from '@grpc/grpc-js';
import { ControlError, type ControlErrorCode } from '../../switch/control-plane.js';
import { BytestringError } from '../bytes.js';
import { encodeMessage, packAny } from '../proto.js';

export class RpcError extends Error {
  constructor(readonly code: grpc.status, message: string) {
    super(message);
    this.name = 'RpcError';
  }
}

const CONTROL_CODES: Record<ControlErrorCode, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  OUT_OF_RANGE: grpc.status.OUT_OF_RANGE,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED: grpc.status.RESOURCE_EXHAUSTED,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  UNIMPLEMENTED: grpc.status.UNIMPLEMENTED,
  INTERNAL: grpc.status.INTERNAL,
};

/** The RpcError for anything a handler caught; `context` prefixes messages of lower layers. */
export function toRpcError(error: unknown, context?: string): RpcError {
  if (error instanceof RpcError) return error;
  const prefix = context ? `${context}: ` : '';
  if (error instanceof ControlError) return new RpcError(CONTROL_CODES[error.code] ?? grpc.status.UNKNOWN, prefix + error.message);
  if (error instanceof BytestringError) return new RpcError(grpc.status.OUT_OF_RANGE, prefix + error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new RpcError(grpc.status.INTERNAL, `${prefix}internal error in the p4lab switch: ${message}`);
}

/** The status object a unary callback or a stream's emit('error') takes. */
export function statusOf(error: RpcError): Partial<grpc.StatusObject> {
  return { code: error.code, details: error.message };
}

// grpc-js clients lose a reply whose trailers pass ~60 KB (Node's HTTP/2 header
// list limit; grpc-js has no option to raise it) and wait for their deadline.
// The details stay well below that, whatever the batch.
const DETAILS_BUDGET = 48 * 1024;
/** Longest message of one p4.v1.Error, and of the status summary (grpc-message). */
const MAX_MESSAGE = 512;
// Encoded size of one detail in the Status (type_url and framing included), upper bounds:
const OK_SIZE = 36; // an OK p4.v1.Error
const FAILED_SIZE = 48; // a failed one without message; a message of L bytes adds at most L + 5

function bounded(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`;
}

/**
 * The status of a Write where some updates failed: UNKNOWN, with a
 * google.rpc.Status in grpc-status-details-bin carrying one p4.v1.Error per
 * update, in order, OK for the updates that succeeded. Messages are bounded;
 * when they still do not fit the trailer, the last failures keep only their
 * code. A batch too large for even that (about 1,000 updates failing) is answered
 * RESOURCE_EXHAUSTED, telling the client to send fewer updates per Write.
 */
export function writeFailureStatus(results: Array<RpcError | undefined>): Partial<grpc.StatusObject> {
  const failed = results.filter((r): r is RpcError => r !== undefined);
  const first = bounded(failed[0]?.message ?? '');
  const summary = failed.length === 1 ? first : `${failed.length} of ${results.length} updates failed; first: ${first}`;
  const messages = failed.map((r) => bounded(r.message));
  // 160: the Status' code and framing, and the note on left-out messages.
  const bare = (results.length - failed.length) * OK_SIZE + failed.length * FAILED_SIZE + Buffer.byteLength(summary) + 160;
  if (bare > DETAILS_BUDGET) {
    const most = Math.floor(DETAILS_BUDGET / FAILED_SIZE);
    return {
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: `${summary}; the other ${results.length - failed.length} took effect. The errors of ${results.length} updates do not fit a gRPC reply: send at most ${most} updates per Write to learn which ones failed`,
    };
  }
  let size = bare;
  for (const m of messages) size += Buffer.byteLength(m) + 5;
  let kept = messages.length; // failures, in order, that keep their message
  while (size > DETAILS_BUDGET) size -= Buffer.byteLength(messages[--kept]!) + 5;
  let f = 0;
  const details = results.map((r) => {
    if (!r) return packAny('p4.v1.Error', { canonical_code: grpc.status.OK });
    const message = f < kept ? messages[f] : undefined;
    f++;
    return packAny('p4.v1.Error', { canonical_code: r.code, message, space: 'p4lab' });
  });
  const note = kept < messages.length ? ` (messages of the last ${messages.length - kept} failures left out to fit the gRPC reply)` : '';
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', encodeMessage('google.rpc.Status', { code: grpc.status.UNKNOWN, message: summary + note, details }));
  return { code: grpc.status.UNKNOWN, details: summary + note, metadata };
}
