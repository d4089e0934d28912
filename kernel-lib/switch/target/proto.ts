// Loads the target and health service declarations for grpc-js, with the same
// conversions as the P4Runtime protos (snake_case fields, 64-bit integers as
// decimal strings, enums as names, unset fields absent).
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { PACKAGE_ROOT } from '../../package-root.js';
import { serviceDefinition } from '../../p4runtime/grpc-service.js';
import { loadProtoRoot } from '../../p4runtime/proto-load.js';

const DIR = join(PACKAGE_ROOT, 'kernel-lib', 'switch', 'target');

const CONVERSION: protobuf.IConversionOptions = { longs: String, enums: String, defaults: false, oneofs: true };

export interface TargetProtos {
  Target: grpc.ServiceClientConstructor;
  Health: grpc.ServiceClientConstructor;
}

let protos: TargetProtos | undefined;

export function loadTargetProtos(): TargetProtos {
  if (!protos) {
    const root = loadProtoRoot(DIR, ['target.proto', 'health.proto']);
    protos = {
      Target: grpc.makeGenericClientConstructor(serviceDefinition(root, 'p4lab.target.v1.Target', CONVERSION), 'Target'),
      Health: grpc.makeGenericClientConstructor(serviceDefinition(root, 'grpc.health.v1.Health', CONVERSION), 'Health'),
    };
  }
  return protos;
}
