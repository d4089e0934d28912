// Loads p4lab's own P4Runtime .proto declarations (kernel-lib/p4runtime/proto/)
// for protobufjs and for grpc-js. This is the one place where the conversion
// between protobuf messages and JavaScript objects is decided; the server, the
// client and the P4Info writer all use it:
//
//   keepCase: true   field names stay snake_case as in the .proto (table_id)
//   longs: String    64-bit integers are decimal strings ("42"); convert with BigInt()
//   enums: String    enums are their names ("INSERT")
//   bytes: Buffer    bytes fields are Buffers
//   defaults: false  fields at their default are absent (undefined), so an
//                    unset message (e.g. Index) differs from a zero one
//   oneofs: true     each oneof also appears as a virtual field holding the
//                    name of the member that is set (entity.entity === 'table_entry')
//
// When sending, protobufjs accepts numbers, decimal strings or bigint-free
// Long-likes for 64-bit fields, and Buffer/Uint8Array for bytes.
import { join } from 'node:path';
import protobuf from 'protobufjs';
import * as grpc from '@grpc/grpc-js';
import { PACKAGE_ROOT } from '../package-root.js';
import { loadProtoRoot } from './proto-load.js';
import { serviceDefinition } from './grpc-service.js';
import { writeRequestDecoder } from './write-request.js';

/** Directory holding the .proto tree (read from the sources, also by the built and bundled code). */
export const PROTO_DIR = join(PACKAGE_ROOT, 'kernel-lib', 'p4runtime', 'proto');

/** The entry file; it imports p4data, p4info, p4types and google.rpc.Status. */
const ENTRY = 'p4/v1/p4runtime.proto';
const EXTRA = ['google/rpc/code.proto'];

export const CONVERSION = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: false,
  oneofs: true,
} as const;

/** Options for protobufjs `Type.toObject` that match what grpc-js hands to handlers. */
export const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: false,
  oneofs: true,
};

let root: protobuf.Root | undefined;
let service: grpc.ServiceDefinition | undefined;

/** The protobufjs Root with every P4Runtime, P4Info and google.rpc type (cached). */
export function loadP4RuntimeRoot(): protobuf.Root {
  root ??= loadProtoRoot(PROTO_DIR, [ENTRY, ...EXTRA]);
  return root;
}

/** The message type of a fully qualified name, e.g. `p4.v1.WriteRequest`. */
export function messageType(fullName: string): protobuf.Type {
  return loadP4RuntimeRoot().lookupType(fullName);
}

/**
 * The `p4.v1.P4Runtime` service for `grpc.Server.addService`. The messages
 * that carry whole batches take faster paths with the same results: WriteRequest
 * and ReadResponse are encoded straight from the objects p4lab builds, skipping
 * the `fromObject` copy, which costs about as much as the encoding (below their
 * top level they hold no enum, and 64-bit values may be numbers or decimal
 * strings, so the bytes are the same); the switch decodes WriteRequest with
 * write-request.ts.
 */
export function p4runtimeServiceDefinition(): grpc.ServiceDefinition {
  if (!service) {
    const generic = serviceDefinition(loadP4RuntimeRoot(), 'p4.v1.P4Runtime', TO_OBJECT);
    const writeRequest = messageType('p4.v1.WriteRequest');
    const readResponse = messageType('p4.v1.ReadResponse');
    const updateTypes = loadP4RuntimeRoot().lookupEnum('p4.v1.Update.Type').values;
    const atomicities = loadP4RuntimeRoot().lookupEnum('p4.v1.WriteRequest.Atomicity').values;
    const enumValue = (values: Record<string, number>, name: unknown): unknown => (typeof name === 'string' ? (values[name] ?? name) : name);
    const encodeWrite = (request: { updates?: Array<{ type?: unknown; entity?: unknown }>; atomicity?: unknown }): Buffer => {
      const updates = (request.updates ?? []).map((u) => ({ type: enumValue(updateTypes, u.type), entity: u.entity }));
      return Buffer.from(writeRequest.encode({ ...request, updates, atomicity: enumValue(atomicities, request.atomicity) }).finish());
    };
    service = {
      ...generic,
      Write: { ...generic.Write!, requestSerialize: encodeWrite, requestDeserialize: writeRequestDecoder(loadP4RuntimeRoot(), TO_OBJECT) },
      Read: { ...generic.Read!, responseSerialize: (response: object) => Buffer.from(readResponse.encode(response).finish()) },
    };
  }
  return service;
}

/** The generated grpc-js client class of `p4.v1.P4Runtime` (`new Client(address, credentials)`). */
export function p4runtimeClientConstructor(): grpc.ServiceClientConstructor {
  return grpc.makeGenericClientConstructor(p4runtimeServiceDefinition(), 'P4Runtime');
}

const TYPE_URL_PREFIX = 'type.googleapis.com/';

export interface AnyMessage {
  type_url: string;
  value: Buffer;
}

/** Packs a plain object of message type `fullName` into a google.protobuf.Any. */
export function packAny(fullName: string, object: object): AnyMessage {
  const type = messageType(fullName);
  return { type_url: TYPE_URL_PREFIX + fullName, value: Buffer.from(type.encode(type.fromObject(object)).finish()) };
}

/** Unpacks an Any whose type is `fullName`; undefined when it holds another type. */
export function unpackAny<T = Record<string, unknown>>(any: { type_url?: string; value?: Uint8Array }, fullName: string): T | undefined {
  if (any.type_url !== TYPE_URL_PREFIX + fullName) return undefined;
  const type = messageType(fullName);
  return type.toObject(type.decode(any.value ?? new Uint8Array()), TO_OBJECT) as T;
}

/** Encodes a plain object as the bytes of message type `fullName`. */
export function encodeMessage(fullName: string, object: object): Buffer {
  const type = messageType(fullName);
  return Buffer.from(type.encode(type.fromObject(object)).finish());
}

/** Decodes bytes of message type `fullName` into a plain object (CONVERSION rules). */
export function decodeMessage<T = Record<string, unknown>>(fullName: string, bytes: Uint8Array): T {
  const type = messageType(fullName);
  return type.toObject(type.decode(bytes), TO_OBJECT) as T;
}
