import { describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import {
  decodeMessage,
  encodeMessage,
  loadP4RuntimeRoot,
  p4runtimeClientConstructor,
  p4runtimeServiceDefinition,
  packAny,
  unpackAny,
} from '../../kernel-lib/p4runtime/proto.js';

describe('P4Runtime proto declarations', () => {
  it('declare the service with its six methods and streaming kinds', () => {
    const def = p4runtimeServiceDefinition();
    expect(Object.keys(def).sort()).toEqual(
      ['Capabilities', 'GetForwardingPipelineConfig', 'Read', 'SetForwardingPipelineConfig', 'StreamChannel', 'Write'],
    );
    expect(def.Read.responseStream).toBe(true);
    expect(def.StreamChannel.requestStream && def.StreamChannel.responseStream).toBe(true);
    expect(def.Write.path).toBe('/p4.v1.P4Runtime/Write');
    expect(typeof p4runtimeClientConstructor()).toBe('function');
  });

  it('use the standard field numbers on the wire', () => {
    // TableEntry{table_id=1: 7, priority=4: 3, is_default_action=8: true}
    const bytes = encodeMessage('p4.v1.TableEntry', { table_id: 7, priority: 3, is_default_action: true });
    expect([...bytes]).toEqual([0x08, 7, 0x20, 3, 0x40, 1]);
    // Entity.register_entry = 11 (length-delimited), RegisterEntry.register_id = 1
    expect([...encodeMessage('p4.v1.Entity', { register_entry: { register_id: 1 } })]).toEqual([0x5a, 2, 0x08, 1]);
    // P4Info.type_info = 200
    expect([...encodeMessage('p4.config.v1.P4Info', { type_info: {} })]).toEqual([0xc2, 0x0c, 0]);
    const root = loadP4RuntimeRoot();
    expect(root.lookupEnum('p4.config.v1.MatchField.MatchType').values.OPTIONAL).toBe(6);
    expect(root.lookupType('p4.v1.StreamMessageResponse').fields.error.id).toBe(6);
    expect(root.lookupType('google.rpc.Status').fields.details.repeated).toBe(true);
  });

  it('convert with snake_case names, string longs, string enums, Buffers and oneof names', () => {
    const req = decodeMessage<Record<string, any>>(
      'p4.v1.WriteRequest',
      encodeMessage('p4.v1.WriteRequest', {
        device_id: '18446744073709551615',
        election_id: { high: 0, low: 5 },
        updates: [{ type: 'INSERT', entity: { table_entry: { table_id: 1, match: [{ field_id: 1, lpm: { value: Buffer.from([10]), prefix_len: 8 } }] } } }],
      }),
    );
    expect(req.device_id).toBe('18446744073709551615');
    expect(req.election_id).toEqual({ high: '0', low: '5' });
    expect(req.updates[0].type).toBe('INSERT');
    expect(req.updates[0].entity.entity).toBe('table_entry');
    const m = req.updates[0].entity.table_entry.match[0];
    expect(m.field_match_type).toBe('lpm');
    expect(Buffer.isBuffer(m.lpm.value)).toBe(true);
    expect(req.atomicity).toBeUndefined(); // defaults: false
  });

  it('pack and unpack google.protobuf.Any', () => {
    const any = packAny('p4.v1.Error', { canonical_code: 5, message: 'no such table' });
    expect(any.type_url).toBe('type.googleapis.com/p4.v1.Error');
    expect(unpackAny(any, 'p4.v1.Error')).toEqual({ canonical_code: 5, message: 'no such table' });
    expect(unpackAny(any, 'p4.v1.PacketIn')).toBeUndefined();
  });

  it('serve through grpc-js', () => {
    const server = new grpc.Server();
    expect(() => server.addService(p4runtimeServiceDefinition(), {})).not.toThrow();
    server.forceShutdown();
  });
});

describe('batch messages encoded without the fromObject copy', () => {
  const b = (...bytes: number[]) => Buffer.from(bytes);
  const entities = [
    { table_entry: { table_id: 7, match: [{ field_id: 1, lpm: { value: b(10, 0, 1, 0), prefix_len: 24 } }], action: { action: { action_id: 3, params: [{ param_id: 1, value: b(1) }] } }, idle_timeout_ns: '1000' } },
    { register_entry: { register_id: 9, index: { index: 3 }, data: { bitstring: b(7) } } },
    { counter_entry: { counter_id: 2, index: { index: '4' }, data: { byte_count: '18446744073709551615', packet_count: 1 } } },
    { packet_replication_engine_entry: { multicast_group_entry: { multicast_group_id: 1, replicas: [{ egress_port: 2, instance: 1 }] } } },
  ];
  const generic = (type: string, object: object) => encodeMessage(type, object);

  it('a WriteRequest has the bytes of the generic encoding', () => {
    const request = { device_id: '1', election_id: { high: '0', low: '2' }, role: '', atomicity: 'ROLLBACK_ON_ERROR', updates: entities.map((entity) => ({ type: 'MODIFY', entity })) };
    expect(p4runtimeServiceDefinition().Write.requestSerialize(request)).toEqual(generic('p4.v1.WriteRequest', request));
  });

  it('a ReadResponse has the bytes of the generic encoding', () => {
    const response = { entities };
    expect(p4runtimeServiceDefinition().Read.responseSerialize(response)).toEqual(generic('p4.v1.ReadResponse', response));
  });
});
