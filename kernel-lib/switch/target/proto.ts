// Loads the target and health service declarations for grpc-js, with the same
// conversions as the P4Runtime protos (snake_case fields, 64-bit integers as
// decimal strings, enums as names, unset fields absent).
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { serviceDefinition } from '../../p4runtime/grpc-service.js';

const DIR = fileURLToPath(new URL('./', import.meta.url));

const CONVERSION: protobuf.IConversionOptions = { longs: String, enums: String, defaults: false, oneofs: true };

export interface TargetProtos {
  Target: grpc.ServiceClientConstructor;
  Health: grpc.ServiceClientConstructor;
}

let protos: TargetProtos | undefined;

export function loadTargetProtos(): TargetProtos {
  if (!protos) {
    const root = new protobuf.Root();
    root.loadSync([`${DIR}target.proto`, `${DIR}health.proto`], { keepCase: true });
    root.resolveAll();
    protos = {
      Target: grpc.makeGenericClientConstructor(serviceDefinition(root, 'p4lab.target.v1.Target', CONVERSION), 'Target'),
      Health: grpc.makeGenericClientConstructor(serviceDefinition(root, 'grpc.health.v1.Health', CONVERSION), 'Health'),
    };
  }
  return protos;
}
