// A v1model program (BMv2 JSON with its P4Info) that uses every entity the
// client writes: an LPM table with a direct counter and idle timeout, a
// ternary table with a direct meter, a register, an indexed counter, a meter, a digest, clone,
// multicast and packet-in/out. Hand-written like p4c's output for:
//
//   parser: packet_out (from the CPU port) → ethernet → ipv4
//   ingress: from CPU: egress_spec = packet_out.egress_port, strip packet_out;
//            else count the packet per ingress port (counter, register, meter),
//            ipv4_lpm (forward / drop / to_cpu / set_mcast), then acl on
//            etherType (clone_it / learn).
import type { P4Info } from '../../kernel-lib/p4info/types.js';

export const CPU_PORT = 64;

const field = (h: string, f: string) => ({ type: 'field', value: [h, f] });
const hex = (v: number) => ({ type: 'hexstr', value: `0x${v.toString(16)}` });
const rd = (i: number) => ({ type: 'runtime_data', value: i });
const valid = (h: string) => ({ type: 'expression', value: { op: 'd2b', left: null, right: { type: 'expression', value: { op: 'valid', left: null, right: { type: 'header', value: h } } } } });
const prim = (op: string, ...parameters: unknown[]) => ({ op, parameters });

const STANDARD_METADATA = [
  ['ingress_port', 9, false], ['egress_spec', 9, false], ['egress_port', 9, false], ['instance_type', 32, false],
  ['packet_length', 32, false], ['enq_timestamp', 32, false], ['enq_qdepth', 19, false], ['deq_timedelta', 32, false],
  ['deq_qdepth', 19, false], ['ingress_global_timestamp', 48, false], ['egress_global_timestamp', 48, false],
  ['mcast_grp', 16, false], ['egress_rid', 16, false], ['checksum_error', 1, false], ['parser_error', 32, false],
  ['priority', 3, false], ['_padding', 3, false],
];

const ACTIONS = [
  { name: 'NoAction', id: 0, runtime_data: [], primitives: [] },
  { name: 'MyIngress.drop', id: 1, runtime_data: [], primitives: [prim('mark_to_drop', { type: 'header', value: 'standard_metadata' })] },
  {
    name: 'MyIngress.ipv4_forward',
    id: 2,
    runtime_data: [{ name: 'dstAddr', bitwidth: 48 }, { name: 'port', bitwidth: 9 }],
    primitives: [
      prim('assign', field('standard_metadata', 'egress_spec'), rd(1)),
      prim('assign', field('ethernet', 'srcAddr'), field('ethernet', 'dstAddr')),
      prim('assign', field('ethernet', 'dstAddr'), rd(0)),
    ],
  },
  {
    name: 'MyIngress.to_cpu',
    id: 3,
    runtime_data: [],
    primitives: [
      prim('assign', field('standard_metadata', 'egress_spec'), hex(CPU_PORT)),
      prim('add_header', { type: 'header', value: 'packet_in' }),
      prim('assign', field('packet_in', 'ingress_port'), field('standard_metadata', 'ingress_port')),
    ],
  },
  { name: 'MyIngress.set_mcast', id: 4, runtime_data: [{ name: 'grp', bitwidth: 16 }], primitives: [prim('assign', field('standard_metadata', 'mcast_grp'), rd(0))] },
  { name: 'MyIngress.clone_it', id: 5, runtime_data: [{ name: 'session', bitwidth: 32 }], primitives: [prim('clone_ingress_pkt_to_egress', rd(0), hex(0))] },
  { name: 'MyIngress.learn', id: 6, runtime_data: [], primitives: [prim('generate_digest', hex(1), hex(1))] },
  {
    name: 'MyIngress.from_cpu',
    id: 7,
    runtime_data: [],
    primitives: [prim('assign', field('standard_metadata', 'egress_spec'), field('packet_out', 'egress_port')), prim('remove_header', { type: 'header', value: 'packet_out' })],
  },
  {
    name: 'MyIngress.account',
    id: 8,
    runtime_data: [],
    primitives: [
      prim('count', { type: 'counter_array', value: 'MyIngress.port_counter' }, field('standard_metadata', 'ingress_port')),
      prim('register_read', field('scalars', 'tmp'), { type: 'register_array', value: 'MyIngress.pkt_count' }, field('standard_metadata', 'ingress_port')),
      prim('register_write', { type: 'register_array', value: 'MyIngress.pkt_count' }, field('standard_metadata', 'ingress_port'), {
        type: 'expression',
        value: { op: '&', left: { type: 'expression', value: { op: '+', left: field('scalars', 'tmp'), right: hex(1) } }, right: hex(0xffffffff) },
      }),
      prim('execute_meter', { type: 'meter_array', value: 'MyIngress.port_meter' }, field('standard_metadata', 'ingress_port'), field('scalars', 'color')),
    ],
  },
];

const hiddenTable = (name: string, id: number, action: string, actionId: number, next: string | null) => ({
  name,
  id,
  key: [],
  match_type: 'exact',
  type: 'simple',
  max_size: 1024,
  with_counters: false,
  support_timeout: false,
  direct_meters: null,
  action_ids: [actionId],
  actions: [action],
  base_default_next: next,
  next_tables: { [action]: next },
  default_entry: { action_id: actionId, action_const: true, action_data: [], action_entry_const: true },
});

export const bmv2 = {
  program: 'rt_all.p4',
  __meta__: { version: [2, 23], compiler: 'hand-written' },
  header_types: [
    { name: 'scalars_0', id: 0, fields: [['tmp', 32, false], ['color', 32, false]] },
    { name: 'standard_metadata', id: 1, fields: STANDARD_METADATA },
    { name: 'ethernet_t', id: 2, fields: [['dstAddr', 48, false], ['srcAddr', 48, false], ['etherType', 16, false]] },
    {
      name: 'ipv4_t',
      id: 3,
      fields: [
        ['version', 4, false], ['ihl', 4, false], ['diffserv', 8, false], ['totalLen', 16, false], ['identification', 16, false],
        ['flags', 3, false], ['fragOffset', 13, false], ['ttl', 8, false], ['protocol', 8, false], ['hdrChecksum', 16, false],
        ['srcAddr', 32, false], ['dstAddr', 32, false],
      ],
    },
    { name: 'packet_in_t', id: 4, fields: [['ingress_port', 9, false], ['_pad', 7, false]] },
    { name: 'packet_out_t', id: 5, fields: [['egress_port', 9, false], ['_pad', 7, false]] },
  ],
  headers: [
    { name: 'scalars', id: 0, header_type: 'scalars_0', metadata: true, pi_omit: true },
    { name: 'standard_metadata', id: 1, header_type: 'standard_metadata', metadata: true, pi_omit: true },
    { name: 'ethernet', id: 2, header_type: 'ethernet_t', metadata: false, pi_omit: true },
    { name: 'ipv4', id: 3, header_type: 'ipv4_t', metadata: false, pi_omit: true },
    { name: 'packet_in', id: 4, header_type: 'packet_in_t', metadata: false, pi_omit: true },
    { name: 'packet_out', id: 5, header_type: 'packet_out_t', metadata: false, pi_omit: true },
  ],
  header_stacks: [],
  header_union_types: [],
  header_unions: [],
  header_union_stacks: [],
  field_lists: [],
  errors: [['NoError', 0], ['PacketTooShort', 1], ['NoMatch', 2], ['StackOutOfBounds', 3], ['HeaderTooShort', 4], ['ParserTimeout', 5], ['ParserInvalidArgument', 6]],
  enums: [],
  parsers: [
    {
      name: 'parser',
      id: 0,
      init_state: 'start',
      parse_states: [
        {
          name: 'start',
          id: 0,
          parser_ops: [],
          transition_key: [field('standard_metadata', 'ingress_port')],
          transitions: [
            { type: 'hexstr', value: `0x${CPU_PORT.toString(16).padStart(4, '0')}`, mask: null, next_state: 'parse_packet_out' },
            { type: 'default', value: null, mask: null, next_state: 'parse_ethernet' },
          ],
        },
        {
          name: 'parse_packet_out',
          id: 1,
          parser_ops: [{ op: 'extract', parameters: [{ type: 'regular', value: 'packet_out' }] }],
          transition_key: [],
          transitions: [{ type: 'default', value: null, mask: null, next_state: 'parse_ethernet' }],
        },
        {
          name: 'parse_ethernet',
          id: 2,
          parser_ops: [{ op: 'extract', parameters: [{ type: 'regular', value: 'ethernet' }] }],
          transition_key: [field('ethernet', 'etherType')],
          transitions: [
            { type: 'hexstr', value: '0x0800', mask: null, next_state: 'parse_ipv4' },
            { type: 'default', value: null, mask: null, next_state: null },
          ],
        },
        {
          name: 'parse_ipv4',
          id: 3,
          parser_ops: [{ op: 'extract', parameters: [{ type: 'regular', value: 'ipv4' }] }],
          transition_key: [],
          transitions: [{ type: 'default', value: null, mask: null, next_state: null }],
        },
      ],
    },
  ],
  parse_vsets: [],
  deparsers: [{ name: 'deparser', id: 0, order: ['packet_in', 'ethernet', 'ipv4'], primitives: [] }],
  meter_arrays: [
    { name: 'MyIngress.port_meter', id: 0, is_direct: false, rate_count: 2, type: 'packets', size: 16 },
    { name: 'MyIngress.acl_meter', id: 1, is_direct: true, rate_count: 2, type: 'packets', size: 256, binding: 'MyIngress.acl', result_target: ['scalars', 'color'] },
  ],
  counter_arrays: [
    { name: 'MyIngress.port_counter', id: 0, is_direct: false, size: 16 },
    { name: 'MyIngress.lpm_hits', id: 1, is_direct: true, size: 1024, binding: 'MyIngress.ipv4_lpm' },
  ],
  register_arrays: [{ name: 'MyIngress.pkt_count', id: 0, size: 16, bitwidth: 32 }],
  calculations: [],
  learn_lists: [
    { id: 1, name: 'mac_learn_digest_t', elements: [field('ethernet', 'srcAddr'), field('standard_metadata', 'ingress_port')] },
  ],
  actions: ACTIONS,
  pipelines: [
    {
      name: 'ingress',
      id: 0,
      init_table: 'node_from_cpu',
      action_profiles: [],
      tables: [
        hiddenTable('tbl_from_cpu', 0, 'MyIngress.from_cpu', 7, null),
        hiddenTable('tbl_account', 1, 'MyIngress.account', 8, 'node_ipv4'),
        {
          name: 'MyIngress.ipv4_lpm',
          id: 2,
          key: [{ match_type: 'lpm', name: 'hdr.ipv4.dstAddr', target: ['ipv4', 'dstAddr'], mask: null }],
          match_type: 'lpm',
          type: 'simple',
          max_size: 1024,
          with_counters: true,
          support_timeout: true,
          direct_meters: null,
          action_ids: [2, 1, 3, 4, 0],
          actions: ['MyIngress.ipv4_forward', 'MyIngress.drop', 'MyIngress.to_cpu', 'MyIngress.set_mcast', 'NoAction'],
          base_default_next: 'MyIngress.acl',
          next_tables: { 'MyIngress.ipv4_forward': 'MyIngress.acl', 'MyIngress.drop': 'MyIngress.acl', 'MyIngress.to_cpu': 'MyIngress.acl', 'MyIngress.set_mcast': 'MyIngress.acl', NoAction: 'MyIngress.acl' },
          default_entry: { action_id: 1, action_const: false, action_data: [], action_entry_const: false },
        },
        {
          name: 'MyIngress.acl',
          id: 3,
          key: [{ match_type: 'ternary', name: 'hdr.ethernet.etherType', target: ['ethernet', 'etherType'], mask: null }],
          match_type: 'ternary',
          type: 'simple',
          max_size: 256,
          with_counters: false,
          support_timeout: false,
          direct_meters: 'MyIngress.acl_meter',
          action_ids: [5, 6, 0],
          actions: ['MyIngress.clone_it', 'MyIngress.learn', 'NoAction'],
          base_default_next: null,
          next_tables: { 'MyIngress.clone_it': null, 'MyIngress.learn': null, NoAction: null },
          default_entry: { action_id: 0, action_const: false, action_data: [], action_entry_const: false },
        },
      ],
      conditionals: [
        { name: 'node_from_cpu', id: 0, expression: valid('packet_out'), true_next: 'tbl_from_cpu', false_next: 'tbl_account' },
        { name: 'node_ipv4', id: 1, expression: valid('ipv4'), true_next: 'MyIngress.ipv4_lpm', false_next: 'MyIngress.acl' },
      ],
    },
    { name: 'egress', id: 1, init_table: null, action_profiles: [], tables: [], conditionals: [] },
  ],
  checksums: [],
  force_arith: [],
  extern_instances: [],
  field_aliases: [
    ['queueing_metadata.enq_timestamp', ['standard_metadata', 'enq_timestamp']],
    ['queueing_metadata.enq_qdepth', ['standard_metadata', 'enq_qdepth']],
    ['queueing_metadata.deq_timedelta', ['standard_metadata', 'deq_timedelta']],
    ['queueing_metadata.deq_qdepth', ['standard_metadata', 'deq_qdepth']],
    ['intrinsic_metadata.ingress_global_timestamp', ['standard_metadata', 'ingress_global_timestamp']],
    ['intrinsic_metadata.egress_global_timestamp', ['standard_metadata', 'egress_global_timestamp']],
    ['intrinsic_metadata.mcast_grp', ['standard_metadata', 'mcast_grp']],
    ['intrinsic_metadata.egress_rid', ['standard_metadata', 'egress_rid']],
    ['intrinsic_metadata.priority', ['standard_metadata', 'priority']],
  ],
};

const ID = {
  NoAction: 0x01000001, drop: 0x01000002, ipv4_forward: 0x01000003, to_cpu: 0x01000004, set_mcast: 0x01000005, clone_it: 0x01000006, learn: 0x01000007,
  ipv4_lpm: 0x02000001, acl: 0x02000002,
  packet_in: 0x04000001, packet_out: 0x04000002,
  port_counter: 0x12000001, lpm_hits: 0x13000001, port_meter: 0x14000001, acl_meter: 0x15000001, pkt_count: 0x16000001, digest: 0x17000001,
};

const action = (id: number, name: string, params: Array<[string, number]> = []) => ({
  preamble: { id, name, alias: name.split('.').pop()! },
  params: params.map(([n, w], i) => ({ id: i + 1, name: n, bitwidth: w })),
});

export const p4info: P4Info = {
  pkg_info: { arch: 'v1model' },
  tables: [
    {
      preamble: { id: ID.ipv4_lpm, name: 'MyIngress.ipv4_lpm', alias: 'ipv4_lpm' },
      match_fields: [{ id: 1, name: 'hdr.ipv4.dstAddr', bitwidth: 32, match_type: 'LPM' }],
      action_refs: [{ id: ID.ipv4_forward }, { id: ID.drop }, { id: ID.to_cpu }, { id: ID.set_mcast }, { id: ID.NoAction }],
      direct_resource_ids: [ID.lpm_hits],
      size: 1024,
      idle_timeout_behavior: 'NOTIFY_CONTROL',
    },
    {
      preamble: { id: ID.acl, name: 'MyIngress.acl', alias: 'acl' },
      match_fields: [{ id: 1, name: 'hdr.ethernet.etherType', bitwidth: 16, match_type: 'TERNARY' }],
      action_refs: [{ id: ID.clone_it }, { id: ID.learn }, { id: ID.NoAction }],
      direct_resource_ids: [ID.acl_meter],
      size: 256,
    },
  ],
  actions: [
    action(ID.NoAction, 'NoAction'),
    action(ID.drop, 'MyIngress.drop'),
    action(ID.ipv4_forward, 'MyIngress.ipv4_forward', [['dstAddr', 48], ['port', 9]]),
    action(ID.to_cpu, 'MyIngress.to_cpu'),
    action(ID.set_mcast, 'MyIngress.set_mcast', [['grp', 16]]),
    action(ID.clone_it, 'MyIngress.clone_it', [['session', 32]]),
    action(ID.learn, 'MyIngress.learn'),
  ],
  action_profiles: [],
  counters: [{ preamble: { id: ID.port_counter, name: 'MyIngress.port_counter', alias: 'port_counter' }, spec: { unit: 'BOTH' }, size: 16 }],
  direct_counters: [{ preamble: { id: ID.lpm_hits, name: 'MyIngress.lpm_hits', alias: 'lpm_hits' }, spec: { unit: 'BOTH' }, direct_table_id: ID.ipv4_lpm }],
  meters: [{ preamble: { id: ID.port_meter, name: 'MyIngress.port_meter', alias: 'port_meter' }, spec: { unit: 'PACKETS' }, size: 16 }],
  direct_meters: [{ preamble: { id: ID.acl_meter, name: 'MyIngress.acl_meter', alias: 'acl_meter' }, spec: { unit: 'PACKETS' }, direct_table_id: ID.acl }],
  controller_packet_metadata: [
    {
      preamble: { id: ID.packet_in, name: 'packet_in', alias: 'packet_in', annotations: ['@controller_header("packet_in")'] },
      metadata: [{ id: 1, name: 'ingress_port', bitwidth: 9 }, { id: 2, name: '_pad', bitwidth: 7 }],
    },
    {
      preamble: { id: ID.packet_out, name: 'packet_out', alias: 'packet_out', annotations: ['@controller_header("packet_out")'] },
      metadata: [{ id: 1, name: 'egress_port', bitwidth: 9 }, { id: 2, name: '_pad', bitwidth: 7 }],
    },
  ],
  value_sets: [],
  registers: [{ preamble: { id: ID.pkt_count, name: 'MyIngress.pkt_count', alias: 'pkt_count' }, type_spec: { bitstring: { bit: { bitwidth: 32 } } }, size: 16 }],
  digests: [{ preamble: { id: ID.digest, name: 'mac_learn_digest_t', alias: 'mac_learn_digest_t' }, type_spec: { struct: { name: 'mac_learn_digest_t' } } }],
  type_info: {
    structs: {
      mac_learn_digest_t: {
        members: [
          { name: 'srcAddr', type_spec: { bitstring: { bit: { bitwidth: 48 } } } },
          { name: 'ingress_port', type_spec: { bitstring: { bit: { bitwidth: 9 } } } },
        ],
      },
    },
  },
};

/** An Ethernet + IPv4 frame with a valid header checksum and a TTL of 64. */
export function ipv4Frame(dst: string, src = '10.0.0.1', srcMac = '00:00:00:00:00:01', extra = 0): Uint8Array {
  const frame = Buffer.alloc(14 + 20 + extra);
  Buffer.from('000000000002', 'hex').copy(frame, 0);
  Buffer.from(srcMac.replaceAll(':', ''), 'hex').copy(frame, 6);
  frame.writeUInt16BE(0x0800, 12);
  frame[14] = 0x45;
  frame.writeUInt16BE(20 + extra, 16);
  frame[22] = 64;
  frame[23] = 17;
  Buffer.from(src.split('.').map(Number)).copy(frame, 26);
  Buffer.from(dst.split('.').map(Number)).copy(frame, 30);
  let sum = 0;
  for (let i = 14; i < 34; i += 2) sum += frame.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  frame.writeUInt16BE(~sum & 0xffff, 24);
  return frame;
}
