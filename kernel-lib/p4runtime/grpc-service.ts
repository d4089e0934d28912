// grpc-js service definitions straight from a parsed protobufjs Root, with the
// same message conversion @grpc/proto-loader applies (fromObject/encode out,
// decode/toObject in). proto-loader also builds a descriptor of every file for
// reflection, which we never use and which cost a switch about 60 ms of CPU
// at each start.
import type * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';

/** The definition of service `fullName` (e.g. `p4.v1.P4Runtime`) for `grpc.Server.addService` and `makeGenericClientConstructor`. */
export function serviceDefinition(root: protobuf.Root, fullName: string, conversion: protobuf.IConversionOptions): grpc.ServiceDefinition {
  const service = root.lookupService(fullName);
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${fullName}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request, conversion),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response, conversion),
      // Clients get a lowerCamelCase alias of each method, as with proto-loader.
      originalName: method.name[0]!.toLowerCase() + method.name.slice(1),
    };
  }
  return definition as grpc.ServiceDefinition;
}

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => Buffer.from(type.encode(type.fromObject(value)).finish());
}

function deserializer(type: protobuf.Type, conversion: protobuf.IConversionOptions): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), conversion);
}
