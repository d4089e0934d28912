// The switch's one-pass WriteRequest decoder gives exactly what the generic
// protobufjs conversion gives, for the table entries it reads itself and for
// everything it hands over (other entities, unknown fields, repeated fields).
import { describe, expect, it } from 'vitest';
import type { WriteRequest as WriteRequestObject } from '../../kernel-lib/p4runtime/proto/messages.js';
import { messageType, p4runtimeServiceDefinition, TO_OBJECT } from '../../kernel-lib/p4runtime/proto.js';

const WriteRequest = messageType('p4.v1.WriteRequest');
// The switch's decoding, as grpc-js calls it for each Write it receives.
const decodeWriteRequest = (bytes: Buffer) => p4runtimeServiceDefinition().Write.requestDeserialize(bytes) as WriteRequestObject;
const b = (...bytes: number[]) => Buffer.from(bytes);

function encode(request: object): Buffer {
  return Buffer.from(WriteRequest.encode(WriteRequest.fromObject(request)).finish());
}

function generic(bytes: Buffer): unknown {
  return WriteRequest.toObject(WriteRequest.decode(bytes), TO_OBJECT);
}

const header = { device_id: '1', election_id: { high: '0', low: '5' }, role: 'r', atomicity: 'CONTINUE_ON_ERROR' };
const entries = [
  { table_id: 7, match: [{ field_id: 1, lpm: { value: b(10, 0, 1, 0), prefix_len: 24 } }], action: { action: { action_id: 3, params: [{ param_id: 1, value: b(1, 2) }, { param_id: 2, value: b(0) }] } } },
  {
    table_id: 8,
    match: [
      { field_id: 1, exact: { value: b(8, 0) } },
      { field_id: 2, ternary: { value: b(6), mask: b(255) } },
      { field_id: 3, range: { low: b(0, 80), high: b(1, 187) } },
      { field_id: 4, optional: { value: b(17) } },
    ],
    priority: 10,
    idle_timeout_ns: '5000000000',
    metadata: b(1, 2, 3),
    action: { action: { action_id: 4 } },
  },
  { table_id: 7, is_default_action: true, action: { action: { action_id: 5 } } },
  { table_id: 7, match: [{ field_id: 1, exact: {} }], action: { action: {} } },
  {},
];

describe('WriteRequest decoding on the switch', () => {
  it('table entries of every match kind come out as the generic conversion gives them', () => {
    const bytes = encode({ ...header, updates: entries.map((table_entry, i) => ({ type: ['INSERT', 'MODIFY', 'DELETE'][i % 3], entity: { table_entry } })) });
    const fast = decodeWriteRequest(bytes);
    expect(fast).toStrictEqual(generic(bytes));
    expect(fast.updates![1]!.entity!.table_entry!.match![0]!.field_match_type).toBe('exact');
  });

  it('other entities, and table entries with fields it does not read, go through the generic conversion', () => {
    const updates = [
      { type: 'MODIFY', entity: { register_entry: { register_id: 9, index: { index: '3' }, data: { bitstring: b(7) } } } },
      { type: 'MODIFY', entity: { table_entry: { ...entries[0], counter_data: { byte_count: '10', packet_count: '1' } } } },
      { type: 'INSERT', entity: { table_entry: { ...entries[0], action: { action_profile_member_id: 4 } } } },
      { type: 'MODIFY', entity: { packet_replication_engine_entry: { multicast_group_entry: { multicast_group_id: 1, replicas: [{ egress_port: 2, instance: 1 }] } } } },
      { type: 'INSERT', entity: {} },
      {},
    ];
    const bytes = encode({ ...header, updates });
    expect(decodeWriteRequest(bytes)).toStrictEqual(generic(bytes));
  });

  it('fields given twice, unknown enum values and an empty request decode as the generic conversion does', () => {
    // Two serialized messages back to back are one message with every field twice.
    const twice = Buffer.concat([encode({ ...header, updates: [{ type: 'INSERT', entity: { table_entry: entries[0] } }] }), encode({ device_id: '2' })]);
    expect(decodeWriteRequest(twice)).toStrictEqual(generic(twice));
    const update = encode({ updates: [{ type: 'INSERT', entity: { table_entry: entries[0] } }] });
    const nested = Buffer.concat([update, update]);
    expect(decodeWriteRequest(nested)).toStrictEqual(generic(nested));
    const unknownEnum = encode({ atomicity: 7, updates: [{ type: 9 }] });
    expect(decodeWriteRequest(unknownEnum)).toStrictEqual(generic(unknownEnum));
    expect(decodeWriteRequest(Buffer.alloc(0))).toStrictEqual(generic(Buffer.alloc(0)));
  });

  it('a truncated request fails as the generic decoding does', () => {
    const bytes = encode({ ...header, updates: [{ type: 'INSERT', entity: { table_entry: entries[1] } }] }).subarray(0, 40);
    expect(() => generic(bytes)).toThrow(RangeError);
    expect(() => decodeWriteRequest(bytes)).toThrow(RangeError);
  });
});
