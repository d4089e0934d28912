// Typed errors of the P4Runtime client. Each is a P4labError, so the CLI and
// notebooks print the message and the fix without a stack trace.
import { P4labError } from '../errors.js';

/** A value a user wrote (match key, action parameter, index) that cannot be encoded. */
export class P4RuntimeValueError extends P4labError {
  constructor(
    readonly where: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${where}: ${describeValue(value)} is not valid: expected ${expected}`);
    this.name = 'P4RuntimeValueError';
  }
}

/** A name (table, action, field, register, …) the loaded P4Info does not have. */
export class P4RuntimeNameError extends P4labError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'P4RuntimeNameError';
  }
}

/** The switch cannot be reached, or the connection ended. */
export class P4RuntimeConnectionError extends P4labError {
  constructor(
    readonly address: string,
    message: string,
    hint?: string,
  ) {
    super(`switch ${address}: ${message}`, hint);
    this.name = 'P4RuntimeConnectionError';
  }
}

/** The client is not primary (or lost mastership) for an operation that needs it. */
export class P4RuntimeArbitrationError extends P4labError {
  constructor(
    readonly address: string,
    message: string,
    hint?: string,
  ) {
    super(`switch ${address}: ${message}`, hint);
    this.name = 'P4RuntimeArbitrationError';
  }
}

/** A failed unary RPC other than Write (Read, SetForwardingPipelineConfig, …). */
export class P4RuntimeRpcError extends P4labError {
  constructor(
    readonly rpc: string,
    readonly code: string,
    readonly detail: string,
    hint?: string,
  ) {
    super(`${rpc} failed: ${code}: ${detail}`, hint);
    this.name = 'P4RuntimeRpcError';
  }
}

/** One update of a Write that the switch rejected. */
export interface WriteFailure {
  /** Position of the update in the batch. */
  index: number;
  type: 'INSERT' | 'MODIFY' | 'DELETE';
  /** What the update addressed, e.g. `table MyIngress.ipv4_lpm {hdr.ipv4.dstAddr=10.0.1.0/24}`. */
  entity: string;
  /** The match field or action parameter the switch's message names, if any. */
  field?: string;
  /** gRPC canonical code name, e.g. `ALREADY_EXISTS`. */
  code: string;
  message: string;
}

/** A Write in which one or more updates failed; `failures` has one item per failed update. */
export class P4RuntimeWriteError extends P4labError {
  constructor(
    readonly failures: WriteFailure[],
    readonly total: number,
  ) {
    const head = failures
      .slice(0, 5)
      .map((f) => `  #${f.index} ${f.type} ${f.entity}${f.field ? ` (${f.field})` : ''}: ${f.code}: ${f.message}`)
      .join('\n');
    const more = failures.length > 5 ? `\n  … and ${failures.length - 5} more` : '';
    super(`Write failed for ${failures.length} of ${total} update(s):\n${head}${more}`);
    this.name = 'P4RuntimeWriteError';
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `bytes 0x${Buffer.from(value).toString('hex')}`;
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
