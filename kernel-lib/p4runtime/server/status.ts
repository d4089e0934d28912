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

/**
 * The status of a Write where some updates failed: UNKNOWN, with a
 * google.rpc.Status in grpc-status-details-bin carrying one p4.v1.Error per
 * update, in order, OK for the updates that succeeded.
 */
export function writeFailureStatus(results: Array<RpcError | undefined>): Partial<grpc.StatusObject> {
  const failed = results.filter((r): r is RpcError => r !== undefined);
  const details = results.map((r) =>
    packAny('p4.v1.Error', r ? { canonical_code: r.code, message: r.message, space: 'p4lab' } : { canonical_code: grpc.status.OK }),
  );
  const summary = failed.length === 1 ? failed[0].message : `${failed.length} of ${results.length} updates failed; first: ${failed[0]?.message}`;
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', encodeMessage('google.rpc.Status', { code: grpc.status.UNKNOWN, message: summary, details }));
  return { code: grpc.status.UNKNOWN, details: summary, metadata };
}
