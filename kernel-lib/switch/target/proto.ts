// Loads the target and health service declarations for grpc-js, with the same
// conversions as the P4Runtime protos (snake_case fields, 64-bit integers as
// decimal strings, enums as names, unset fields absent).
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const DIR = fileURLToPath(new URL('./', import.meta.url));

const OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [DIR],
};

export interface TargetProtos {
  Target: grpc.ServiceClientConstructor;
  Health: grpc.ServiceClientConstructor;
}

let protos: TargetProtos | undefined;

export function loadTargetProtos(): TargetProtos {
  if (!protos) {
    const def = grpc.loadPackageDefinition(protoLoader.loadSync(['target.proto', 'health.proto'], OPTIONS));
    const target = (def.p4lab as grpc.GrpcObject).target as grpc.GrpcObject;
    const health = (def.grpc as grpc.GrpcObject).health as grpc.GrpcObject;
    protos = {
      Target: (target.v1 as grpc.GrpcObject).Target as grpc.ServiceClientConstructor,
      Health: (health.v1 as grpc.GrpcObject).Health as grpc.ServiceClientConstructor,
    };
  }
  return protos;
}
