// gRPC failures → the client's typed errors. A failed Write carries one
// p4.v1.Error per update in `grpc-status-details-bin` (a google.rpc.Status).
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { decodeMessage, unpackAny } from '../proto.js';
import {
  P4RuntimeArbitrationError,
  P4RuntimeConnectionError,
  P4RuntimeRpcError,
  P4RuntimeWriteError,
  type WriteFailure,
} from '../errors.js';
import type { Update } from './wire.js';

export function codeName(code: number | undefined): string {
  return GrpcStatus[code ?? GrpcStatus.UNKNOWN] ?? `code ${code}`;
}

interface RpcStatus {
  code?: number;
  message?: string;
  details?: Array<{ type_url?: string; value?: Buffer }>;
}

interface P4Error {
  canonical_code?: number;
  message?: string;
}

/** How the client names an update's entity, and the field and parameter names it carries. */
export interface UpdateNames {
  entity(u: Update): string;
  fields(u: Update): string[];
}

/** The first of `names` that the switch's message mentions as a whole word. */
function fieldIn(message: string, names: string[]): string | undefined {
  return names.find((n) => new RegExp(`(^|[^\\w.])${n.replace(/[.$]/g, '\\$&')}($|[^\\w.])`).test(message));
}

/**
 * The typed error of a failed Write of `updates`, which start at `offset` in
 * the caller's batch.
 */
export function writeError(err: ServiceError, updates: readonly Update[], offset: number, address: string, names: UpdateNames): Error {
  const common = commonError(err, 'Write', address);
  if (common) return common;
  const raw = err.metadata?.get('grpc-status-details-bin')[0];
  if (raw instanceof Buffer) {
    const status = decodeMessage<RpcStatus>('google.rpc.Status', raw);
    const failures: WriteFailure[] = [];
    (status.details ?? []).forEach((any, i) => {
      const e = unpackAny<P4Error>(any, 'p4.v1.Error');
      if (!e || !e.canonical_code) return; // OK: this update succeeded
      const update = updates[i];
      // A switch may leave messages out to keep its reply small (p4lab does past ~48 KB of errors).
      const message = e.message || '(the switch sent no message for this update)';
      const field = update ? fieldIn(message, names.fields(update)) : undefined;
      failures.push({
        index: offset + i,
        type: update?.type ?? 'INSERT',
        entity: update ? names.entity(update) : '?',
        ...(field === undefined ? {} : { field }),
        code: codeName(e.canonical_code),
        message,
      });
    });
    if (failures.length) return new P4RuntimeWriteError(failures, updates.length);
  }
  // A switch that fails the whole batch without details (e.g. INVALID_ARGUMENT).
  const only = updates.length === 1 ? updates[0] : undefined;
  return new P4RuntimeWriteError(
    [{ index: offset, type: only?.type ?? 'INSERT', entity: only ? names.entity(only) : `batch of ${updates.length}`, code: codeName(err.code), message: err.details }],
    updates.length,
  );
}

/** Errors any RPC can end with: unreachable switch, lost mastership. */
export function commonError(err: ServiceError, rpc: string, address: string): Error | undefined {
  if (err.code === GrpcStatus.UNAVAILABLE || err.code === GrpcStatus.DEADLINE_EXCEEDED) {
    return new P4RuntimeConnectionError(address, `${rpc}: ${err.details || codeName(err.code)}`, 'is the switch running? The client reconnects by itself; retry once it is ready');
  }
  if (err.code === GrpcStatus.PERMISSION_DENIED) {
    return new P4RuntimeArbitrationError(address, `${rpc} refused: ${err.details}`, 'only the primary controller may write; connect with a higher election id or wait until the primary leaves');
  }
  return undefined;
}

export function rpcError(err: ServiceError, rpc: string, address: string): Error {
  return commonError(err, rpc, address) ?? new P4RuntimeRpcError(rpc, codeName(err.code), err.details);
}
