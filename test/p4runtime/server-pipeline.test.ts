// The P4Runtime server over real gRPC and the real dataplane: pipeline
// configs, every writable entity, reads with wildcards, per-update errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { encodeMessage, messageType } from '../../kernel-lib/p4runtime/proto.js';
import { fixture, rejection, startServer, updateErrors, type Controller, type Harness } from './server-harness.js';

const b = (hex: string) => Buffer.from(hex, 'hex');
const ELECTION = { high: 0, low: 10 };

// p4rt_features.p4info.json ids
const T_EXACT = 0x02000002;
const T_TERNARY = 0x02000003;
const T_CONST = 0x02000004;
const A_NOACTION = 0x01000001;
const A_SET_PORT = 0x01000002;
const A_TO_CPU = 0x01000003;
const REG = 0x16000001;
const CNT = 0x12000001;
const MTR = 0x14000001;
const VSET = 0x03000001;
const DIGEST = 0x17000001;

// ipv4_router.p4info.json ids
const T_LPM = 37375156;
const A_FWD = 28792405;

const features = fixture('p4rt_features');
const router = fixture('ipv4_router');

let h: Harness;
let primary: Controller;
const sent: Array<{ port: number; data: Buffer }> = [];

function setPipeline(which: { json: Buffer; p4info: object }, action = 'VERIFY_AND_COMMIT', cookie?: number) {
  return h.unary('SetForwardingPipelineConfig', {
    device_id: 1,
    election_id: ELECTION,
    action,
    config: { p4info: which.p4info, p4_device_config: which.json, ...(cookie !== undefined ? { cookie: { cookie } } : {}) },
  });
}

function write(...updates: object[]) {
  return h.unary('Write', { device_id: 1, election_id: ELECTION, updates });
}

function exactEntry(mac: string, action: object, extra: object = {}) {
  return { table_id: T_EXACT, match: [{ field_id: 1, exact: { value: b(mac) } }], action: { action }, ...extra };
}

const setPort = (port: number) => ({ action_id: A_SET_PORT, params: [{ param_id: 1, value: Buffer.from([port]) }] });

function frame(dst: string, src: string, etherType: string): Buffer {
  return Buffer.concat([b(dst), b(src), b(etherType), Buffer.alloc(46)]);
}

function inject(port: number, packet: Buffer): Array<{ port: number; data: Buffer }> {
  sent.length = 0;
  h.dataplane.receive(port, packet);
  h.dataplane.service();
  return [...sent];
}

beforeAll(async () => {
  h = await startServer();
  h.dataplane.onTransmit((port, data, length) => sent.push({ port, data: Buffer.from(data.subarray(0, length)) }));
  primary = await h.controller(10);
});

afterAll(async () => {
  await h?.close();
});

describe('P4Runtime server: pipeline config', () => {
  it('answers Capabilities with the API version', async () => {
    expect(await h.unary('Capabilities', {})).toEqual({ p4runtime_api_version: '1.5.0' });
  });

  it('returns an empty config before any pipeline is set, and refuses writes', async () => {
    expect(await h.unary('GetForwardingPipelineConfig', { device_id: 1 })).toEqual({ config: {} });
    const err = await rejection(write({ type: 'INSERT', entity: { table_entry: exactEntry('000000000001', setPort(1)) } }));
    expect(err.code).toBe(grpc.status.UNKNOWN);
    expect(updateErrors(err)[0]).toMatchObject({ canonical_code: grpc.status.FAILED_PRECONDITION });
  });

  it('checks the P4Info against the BMv2 JSON and names the first mismatch', async () => {
    const p4info = structuredClone(router.p4info);
    p4info.tables[0].preamble.name = 'MyIngress.ipv4_lpm_typo';
    const err = await rejection(setPipeline({ json: router.json, p4info }, 'VERIFY'));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/table MyIngress.ipv4_lpm_typo is not in the BMv2 JSON/);
    const params = structuredClone(router.p4info);
    params.actions[2].params[1].bitwidth = 16;
    expect((await rejection(setPipeline({ json: router.json, p4info: params }, 'VERIFY'))).details).toMatch(/param port: P4Info says 16 bits, the BMv2 JSON 9/);
  });

  it('rejects device configs that are not BMv2 JSON, and unsupported actions', async () => {
    const notJson = await rejection(setPipeline({ json: Buffer.from('{oops'), p4info: router.p4info }));
    expect(notJson.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(notJson.details).toMatch(/not BMv2 JSON/);
    const badProgram = await rejection(setPipeline({ json: Buffer.from('{"pipelines": 3}'), p4info: router.p4info }));
    expect(badProgram.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await rejection(setPipeline(router, 'RECONCILE_AND_COMMIT'))).code).toBe(grpc.status.UNIMPLEMENTED);
    expect((await rejection(setPipeline(router, 'UNSPECIFIED'))).code).toBe(grpc.status.INVALID_ARGUMENT);
    const commit = await rejection(h.unary('SetForwardingPipelineConfig', { device_id: 1, election_id: ELECTION, action: 'COMMIT' }));
    expect(commit.code).toBe(grpc.status.FAILED_PRECONDITION);
  });

  it('commits a pipeline and returns it for every response type', async () => {
    await setPipeline(router, 'VERIFY_AND_COMMIT', 42);
    const all = (await h.unary('GetForwardingPipelineConfig', { device_id: 1 })).config;
    expect(all.cookie).toEqual({ cookie: '42' });
    expect(all.p4_device_config.equals(router.json)).toBe(true);
    expect(all.p4info.tables[0].preamble.name).toBe('MyIngress.ipv4_lpm');
    const only = (type: string) => h.unary('GetForwardingPipelineConfig', { device_id: 1, response_type: type }).then((r) => Object.keys(r.config).sort());
    expect(await only('COOKIE_ONLY')).toEqual(['cookie']);
    expect(await only('P4INFO_AND_COOKIE')).toEqual(['cookie', 'p4info']);
    expect(await only('DEVICE_CONFIG_AND_COOKIE')).toEqual(['cookie', 'p4_device_config']);
  });

  it('writes LPM entries that forward packets, and reads them back', async () => {
    const entry = {
      table_id: T_LPM,
      match: [{ field_id: 1, lpm: { value: b('0a000100'), prefix_len: 24 } }],
      action: { action: { action_id: A_FWD, params: [{ param_id: 1, value: b('000000000102') }, { param_id: 2, value: b('03') }] } },
    };
    await write({ type: 'INSERT', entity: { table_entry: entry } });
    const [read] = await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_LPM } }] });
    expect(read.table_entry.match[0].lpm).toEqual({ value: b('0a000100'), prefix_len: 24 });
    expect(read.table_entry.action.action.params[1].value).toEqual(b('03'));
    const ipv4 = b('450000140000000040110000' + '0a000001' + '0a000105');
    const out = inject(1, Buffer.concat([b('aaaaaaaaaaaa'), b('bbbbbbbbbbbb'), b('0800'), ipv4]));
    expect(out.map((p) => p.port)).toEqual([3]);
    expect(out[0].data.subarray(0, 6)).toEqual(b('000000000102'));
    const bits = await rejection(write({ type: 'INSERT', entity: { table_entry: { ...entry, match: [{ field_id: 1, lpm: { value: b('0a000101'), prefix_len: 24 } }] } } }));
    expect(updateErrors(bits)[0].message).toMatch(/bits set beyond the \/24 prefix/);
  });

  it('saves a pipeline aside, writes to it, and commits it with its state', async () => {
    await setPipeline(features, 'VERIFY_AND_SAVE');
    // Writes now address the saved program (its P4Info ids), the running one still forwards.
    await write({ type: 'INSERT', entity: { table_entry: exactEntry('000000000009', setPort(9)) } });
    const staged = await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_EXACT } }] });
    expect(staged).toHaveLength(1);
    expect((await h.unary('GetForwardingPipelineConfig', { device_id: 1 })).config.p4info.tables[0].preamble.name).toBe('MyIngress.ipv4_lpm');
    await h.unary('SetForwardingPipelineConfig', { device_id: 1, election_id: ELECTION, action: 'COMMIT' });
    expect(inject(1, frame('000000000009', '000000000001', '0801')).map((p) => p.port)).toEqual([9]);
    await write({ type: 'DELETE', entity: { table_entry: exactEntry('000000000009', setPort(9)) } });
  });
});

describe('P4Runtime server: tables', () => {
  it('inserts, modifies, reads and deletes exact entries with direct counters and metadata', async () => {
    const entry = exactEntry('000000000002', setPort(2), { counter_data: { byte_count: 100, packet_count: 1 }, metadata: b('c0ffee') });
    await write({ type: 'INSERT', entity: { table_entry: entry } });
    expect(inject(1, frame('000000000002', '000000000001', '0801')).map((p) => p.port)).toEqual([2]);
    let [read] = await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_EXACT, counter_data: {} } }] });
    expect(read.table_entry).toMatchObject({ table_id: T_EXACT, metadata: b('c0ffee'), counter_data: { byte_count: '160', packet_count: '2' } });
    await write({ type: 'MODIFY', entity: { table_entry: exactEntry('000000000002', setPort(4)) } });
    expect(inject(1, frame('000000000002', '000000000001', '0801')).map((p) => p.port)).toEqual([4]);
    [read] = await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_EXACT, match: [{ field_id: 1, exact: { value: b('000000000002') } }] } }] });
    expect(read.table_entry.action.action.params[0].value).toEqual(b('04'));
    expect(read.table_entry.metadata).toBeUndefined();
    const dup = await rejection(write({ type: 'INSERT', entity: { table_entry: exactEntry('000000000002', setPort(4)) } }));
    expect(updateErrors(dup)[0].canonical_code).toBe(grpc.status.ALREADY_EXISTS);
    await write({ type: 'DELETE', entity: { table_entry: exactEntry('000000000002', setPort(4)) } });
    expect(await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_EXACT } }] })).toEqual([]);
    const gone = await rejection(write({ type: 'DELETE', entity: { table_entry: exactEntry('000000000002', setPort(4)) } }));
    expect(updateErrors(gone)[0].canonical_code).toBe(grpc.status.NOT_FOUND);
  });

  it('handles ternary, range and optional fields with priorities', async () => {
    const entry = (priority: number, port: number) => ({
      table_id: T_TERNARY,
      match: [
        { field_id: 1, ternary: { value: b('0800'), mask: b('ff00') } },
        { field_id: 2, range: { low: b('01'), high: b('0f') } },
        { field_id: 3, optional: { value: b('01') } },
      ],
      priority,
      action: { action: setPort(port) },
    });
    await write({ type: 'INSERT', entity: { table_entry: entry(10, 5) } }, { type: 'INSERT', entity: { table_entry: { table_id: T_TERNARY, priority: 1, action: { action: setPort(6) } } } });
    expect(inject(1, frame('0000000000ee', '000000000003', '0806')).map((p) => p.port)).toEqual([5]);
    expect(inject(2, frame('0000000000ee', '000000000003', '0806')).map((p) => p.port)).toEqual([6]);
    const entries = await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_TERNARY } }] });
    const specific = entries.find((e) => e.table_entry.priority === 10).table_entry;
    expect(specific.match.map((m: any) => m.field_match_type)).toEqual(['ternary', 'range', 'optional']);
    const catchAll = entries.find((e) => e.table_entry.priority === 1).table_entry;
    expect(catchAll.match ?? []).toEqual([]);
    const noPriority = await rejection(write({ type: 'INSERT', entity: { table_entry: entry(0, 5) } }));
    expect(updateErrors(noPriority)[0].message).toMatch(/need a priority > 0/);
    await write({ type: 'DELETE', entity: { table_entry: entry(10, 5) } }, { type: 'DELETE', entity: { table_entry: { table_id: T_TERNARY, priority: 1 } } });
  });

  it('writes and reads direct counters and direct meters by their entry', async () => {
    const key = { table_id: T_EXACT, match: [{ field_id: 1, exact: { value: b('000000000005') } }] };
    await write({ type: 'INSERT', entity: { table_entry: { ...key, action: { action: setPort(1) } } } });
    await write({ type: 'MODIFY', entity: { direct_counter_entry: { table_entry: key, data: { byte_count: 7, packet_count: 3 } } } });
    const [counter] = await h.read({ device_id: 1, entities: [{ direct_counter_entry: { table_entry: { table_id: T_EXACT } } }] });
    expect(counter.direct_counter_entry).toMatchObject({ table_entry: { table_id: T_EXACT }, data: { byte_count: '7', packet_count: '3' } });
    const all = await h.read({ device_id: 1, entities: [{ direct_counter_entry: {} }] });
    expect(all).toHaveLength(1);

    const tkey = { table_id: T_TERNARY, priority: 3, match: [{ field_id: 1, ternary: { value: b('0800'), mask: b('ffff') } }] };
    const config = { cir: '1000', cburst: '100', pir: '2000', pburst: '200' };
    await write({ type: 'INSERT', entity: { table_entry: { ...tkey, action: { action: setPort(1) }, meter_config: config } } });
    let [meter] = await h.read({ device_id: 1, entities: [{ direct_meter_entry: { table_entry: { table_id: T_TERNARY } } }] });
    expect(meter.direct_meter_entry).toMatchObject({ table_entry: { priority: 3 }, config });
    await write({ type: 'MODIFY', entity: { direct_meter_entry: { table_entry: tkey } } }); // unset config: back to always green
    [meter] = await h.read({ device_id: 1, entities: [{ direct_meter_entry: { table_entry: { table_id: T_TERNARY } } }] });
    expect(meter.direct_meter_entry.config).toBeUndefined();
    await write({ type: 'DELETE', entity: { table_entry: key } }, { type: 'DELETE', entity: { table_entry: tkey } });
  });

  it('sets and resets the default action, honours scopes and const defaults', async () => {
    const def = (action?: object) => ({ table_id: T_EXACT, is_default_action: true, ...(action ? { action: { action } } : {}) });
    await write({ type: 'MODIFY', entity: { table_entry: def(setPort(7)) } });
    expect(inject(1, frame('0000000000ab', '000000000001', '0801')).map((p) => p.port)).toEqual([7]);
    let [read] = await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_EXACT, is_default_action: true } }] });
    expect(read.table_entry).toMatchObject({ is_default_action: true, action: { action: { action_id: A_SET_PORT } } });
    await write({ type: 'MODIFY', entity: { table_entry: def() } });
    [read] = await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_EXACT, is_default_action: true } }] });
    expect(read.table_entry.action.action.action_id).toBe(0x01000004); // learn, the program's default
    const insertDefault = await rejection(write({ type: 'INSERT', entity: { table_entry: def(setPort(7)) } }));
    expect(updateErrors(insertDefault)[0].canonical_code).toBe(grpc.status.INVALID_ARGUMENT);
    const constDefault = await rejection(write({ type: 'MODIFY', entity: { table_entry: { table_id: T_CONST, is_default_action: true, action: { action: setPort(1) } } } }));
    expect(updateErrors(constDefault)[0].canonical_code).toBe(grpc.status.PERMISSION_DENIED);
    const defaultOnly = await rejection(write({ type: 'INSERT', entity: { table_entry: { table_id: T_TERNARY, priority: 1, action: { action: { action_id: A_NOACTION } } } } }));
    expect(updateErrors(defaultOnly)[0].message).toMatch(/@defaultonly/);
  });

  it('rejects writes to const tables and reads their entries as const', async () => {
    const err = await rejection(write({ type: 'INSERT', entity: { table_entry: { table_id: T_CONST, match: [{ field_id: 1, exact: { value: b('0801') } }], action: { action: setPort(1) } } } }));
    expect(updateErrors(err)[0]).toMatchObject({ canonical_code: grpc.status.PERMISSION_DENIED });
    expect(updateErrors(err)[0].message).toMatch(/MyIngress.t_const is const/);
    const [read] = await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_CONST } }] });
    expect(read.table_entry).toMatchObject({ const: true, match: [{ field_id: 1, exact: { value: b('88b5') } }] });
  });

  it('reads every table with table_id 0', async () => {
    await write({ type: 'INSERT', entity: { table_entry: exactEntry('000000000003', { action_id: A_TO_CPU }) } });
    const all = await h.read({ device_id: 1, entities: [{ table_entry: {} }] });
    expect(all.map((e) => e.table_entry.table_id).sort()).toEqual([T_EXACT, T_CONST]);
    await write({ type: 'DELETE', entity: { table_entry: exactEntry('000000000003', { action_id: A_TO_CPU }) } });
  });
});

describe('P4Runtime server: externs and replication', () => {
  it('writes and reads registers, single cells and wildcards, and sees the pipeline write them', async () => {
    await write({ type: 'MODIFY', entity: { register_entry: { register_id: REG, index: { index: 3 }, data: { bitstring: b('deadbeef') } } } });
    const [one] = await h.read({ device_id: 1, entities: [{ register_entry: { register_id: REG, index: { index: 3 } } }] });
    expect(one.register_entry).toEqual({ register_id: REG, index: { index: '3' }, data: { bitstring: b('deadbeef'), data: 'bitstring' } });
    inject(1, frame('0000000000cd', '000000000001', '0842')); // table miss: learn writes etherType to reg[0]
    const all = await h.read({ device_id: 1, entities: [{ register_entry: { register_id: REG } }] });
    expect(all).toHaveLength(16);
    expect(all[0].register_entry.data.bitstring).toEqual(b('0842'));
    const wide = await rejection(write({ type: 'MODIFY', entity: { register_entry: { register_id: REG, index: { index: 1 }, data: { bitstring: b('0100000000') } } } }));
    expect(updateErrors(wide)[0]).toMatchObject({ canonical_code: grpc.status.OUT_OF_RANGE });
    expect(updateErrors(wide)[0].message).toMatch(/register MyIngress.reg data: 0x0100000000 does not fit in 32 bits/);
    const outside = await rejection(write({ type: 'MODIFY', entity: { register_entry: { register_id: REG, index: { index: 16 }, data: { bitstring: b('01') } } } }));
    expect(updateErrors(outside)[0].canonical_code).toBe(grpc.status.OUT_OF_RANGE);
  });

  it('writes and reads counters and meters', async () => {
    await write({ type: 'MODIFY', entity: { counter_entry: { counter_id: CNT, index: { index: 2 }, data: { byte_count: 1500, packet_count: 1 } } } });
    const [c] = await h.read({ device_id: 1, entities: [{ counter_entry: { counter_id: CNT, index: { index: 2 } } }] });
    expect(c.counter_entry.data).toEqual({ byte_count: '1500', packet_count: '1' });
    expect(await h.read({ device_id: 1, entities: [{ counter_entry: {} }] })).toHaveLength(8);
    const config = { cir: '100', cburst: '10', pir: '200', pburst: '20' };
    await write({ type: 'MODIFY', entity: { meter_entry: { meter_id: MTR, index: { index: 1 }, config } } });
    const meters = await h.read({ device_id: 1, entities: [{ meter_entry: { meter_id: MTR } }] });
    expect(meters[1].meter_entry.config).toEqual(config);
    expect(meters[0].meter_entry.config).toBeUndefined();
    const bad = await rejection(write({ type: 'MODIFY', entity: { meter_entry: { meter_id: MTR, index: { index: 1 }, config: { ...config, cir: '300' } } } }));
    expect(updateErrors(bad)[0].message).toMatch(/cir 300 is above pir 200/);
  });

  it('configures multicast groups and clone sessions', async () => {
    const group = { multicast_group_id: 5, replicas: [{ port: b('01'), instance: 1 }, { port: b('02'), instance: 1 }] };
    await write({ type: 'INSERT', entity: { packet_replication_engine_entry: { multicast_group_entry: group } } });
    const dup = await rejection(write({ type: 'INSERT', entity: { packet_replication_engine_entry: { multicast_group_entry: group } } }));
    expect(updateErrors(dup)[0].canonical_code).toBe(grpc.status.ALREADY_EXISTS);
    await write({ type: 'MODIFY', entity: { packet_replication_engine_entry: { multicast_group_entry: { ...group, replicas: [{ egress_port: 3, instance: 2 }] } } } });
    const [g] = await h.read({ device_id: 1, entities: [{ packet_replication_engine_entry: { multicast_group_entry: {} } }] });
    expect(g.packet_replication_engine_entry.multicast_group_entry.replicas).toEqual([{ port: b('03'), instance: 2, port_kind: 'port' }]);
    await write({ type: 'INSERT', entity: { packet_replication_engine_entry: { clone_session_entry: { session_id: 100, replicas: [{ port: b('04') }], packet_length_bytes: 64 } } } });
    const [s] = await h.read({ device_id: 1, entities: [{ packet_replication_engine_entry: { clone_session_entry: { session_id: 100 } } }] });
    expect(s.packet_replication_engine_entry.clone_session_entry).toMatchObject({ session_id: 100, packet_length_bytes: 64 });
    await write(
      { type: 'DELETE', entity: { packet_replication_engine_entry: { multicast_group_entry: { multicast_group_id: 5 } } } },
      { type: 'DELETE', entity: { packet_replication_engine_entry: { clone_session_entry: { session_id: 100 } } } },
    );
    expect(await h.read({ device_id: 1, entities: [{ packet_replication_engine_entry: { multicast_group_entry: {} } }] })).toEqual([]);
  });

  it('replaces value set members and configures digests', async () => {
    const members = [{ match: [{ field_id: 1, exact: { value: b('88cc') } }] }];
    await write({ type: 'MODIFY', entity: { value_set_entry: { value_set_id: VSET, members } } });
    const [vs] = await h.read({ device_id: 1, entities: [{ value_set_entry: { value_set_id: VSET } }] });
    expect(vs.value_set_entry.members[0].match[0].exact.value).toEqual(b('88cc'));
    const config = { max_timeout_ns: '1000000', max_list_size: 10, ack_timeout_ns: '2000000' };
    await write({ type: 'INSERT', entity: { digest_entry: { digest_id: DIGEST, config } } });
    const [d] = await h.read({ device_id: 1, entities: [{ digest_entry: {} }] });
    expect(d.digest_entry).toEqual({ digest_id: DIGEST, config });
    await write({ type: 'DELETE', entity: { digest_entry: { digest_id: DIGEST } } });
  });
});

describe('P4Runtime server: errors', () => {
  it('reports one p4.v1.Error per update, in order, OK ones included', async () => {
    const ok = (mac: string) => ({ type: 'INSERT', entity: { table_entry: exactEntry(mac, setPort(1)) } });
    const err = await rejection(write(ok('0000000000a1'), { type: 'INSERT', entity: { table_entry: { table_id: 0x02999999 } } }, ok('0000000000a2')));
    expect(err.code).toBe(grpc.status.UNKNOWN);
    const details = updateErrors(err);
    expect(details.map((d) => d.canonical_code ?? 0)).toEqual([grpc.status.OK, grpc.status.NOT_FOUND, grpc.status.OK]);
    expect(details[1].message).toMatch(/^table entry: no table with id 43620761 in the P4Info$/);
    expect(await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_EXACT } }] })).toHaveLength(2);
    await write(
      { type: 'DELETE', entity: { table_entry: exactEntry('0000000000a1', setPort(1)) } },
      { type: 'DELETE', entity: { table_entry: exactEntry('0000000000a2', setPort(1)) } },
    );
  });

  it('answers a corpus of malformed updates with precise codes and keeps serving', async () => {
    const S = grpc.status;
    const exact = (value: Buffer) => ({ table_id: T_EXACT, match: [{ field_id: 1, exact: { value } }], action: { action: setPort(1) } });
    const corpus: Array<[string, object, number, RegExp]> = [
      ['no entity', { type: 'INSERT' }, S.INVALID_ARGUMENT, /entity is missing/],
      ['no entity kind', { type: 'INSERT', entity: {} }, S.INVALID_ARGUMENT, /no kind set/],
      ['no update type', { entity: { table_entry: exact(b('000000000001')) } }, S.INVALID_ARGUMENT, /UNSPECIFIED/],
      ['unknown field id', { type: 'INSERT', entity: { table_entry: { ...exact(b('01')), match: [{ field_id: 9, exact: { value: b('01') } }] } } }, S.INVALID_ARGUMENT, /no match field id 9/],
      ['missing exact field', { type: 'INSERT', entity: { table_entry: { table_id: T_EXACT, action: { action: setPort(1) } } } }, S.INVALID_ARGUMENT, /exact field hdr.ethernet.dstAddr \(id 1\) is missing/],
      ['empty bytestring', { type: 'INSERT', entity: { table_entry: exact(Buffer.alloc(0)) } }, S.OUT_OF_RANGE, /empty bytestring/],
      ['value too wide', { type: 'INSERT', entity: { table_entry: exact(b('01000000000000')) } }, S.OUT_OF_RANGE, /does not fit in 48 bits/],
      ['wrong match kind', { type: 'INSERT', entity: { table_entry: { ...exact(b('01')), match: [{ field_id: 1, lpm: { value: b('01'), prefix_len: 48 } }] } } }, S.INVALID_ARGUMENT, /is a EXACT field but the request sets lpm/],
      ['match oneof unset', { type: 'INSERT', entity: { table_entry: { ...exact(b('01')), match: [{ field_id: 1 }] } } }, S.INVALID_ARGUMENT, /no match value set/],
      ['no action', { type: 'INSERT', entity: { table_entry: { ...exact(b('01')), action: undefined } } }, S.INVALID_ARGUMENT, /has no action/],
      ['action of another table', { type: 'INSERT', entity: { table_entry: { ...exact(b('01')), action: { action: { action_id: 0x01000005 } } } } }, S.INVALID_ARGUMENT, /not an action of table/],
      ['missing param', { type: 'INSERT', entity: { table_entry: { ...exact(b('01')), action: { action: { action_id: A_SET_PORT } } } } }, S.INVALID_ARGUMENT, /param port \(id 1\) is missing/],
      ['param too wide', { type: 'INSERT', entity: { table_entry: { ...exact(b('01')), action: { action: { action_id: A_SET_PORT, params: [{ param_id: 1, value: b('0200') }] } } } } }, S.OUT_OF_RANGE, /param port: 0x0200 does not fit in 9 bits/],
      ['action profile member', { type: 'INSERT', entity: { table_entry: { ...exact(b('01')), action: { action_profile_member_id: 1 } } } }, S.UNIMPLEMENTED, /action profiles/],
      ['priority on exact table', { type: 'INSERT', entity: { table_entry: { ...exact(b('01')), priority: 5 } } }, S.INVALID_ARGUMENT, /leave priority unset/],
      ['zero ternary mask', { type: 'INSERT', entity: { table_entry: { table_id: T_TERNARY, priority: 1, match: [{ field_id: 1, ternary: { value: b('00'), mask: b('00') } }], action: { action: setPort(1) } } } }, S.INVALID_ARGUMENT, /omit the field instead/],
      ['inverted range', { type: 'INSERT', entity: { table_entry: { table_id: T_TERNARY, priority: 1, match: [{ field_id: 2, range: { low: b('09'), high: b('01') } }], action: { action: setPort(1) } } } }, S.INVALID_ARGUMENT, /above high/],
      ['idle timeout unsupported', { type: 'INSERT', entity: { table_entry: { table_id: T_TERNARY, priority: 1, idle_timeout_ns: 5, action: { action: setPort(1) } } } }, S.INVALID_ARGUMENT, /does not support idle timeout/],
      ['counter data without counter', { type: 'INSERT', entity: { table_entry: { table_id: T_TERNARY, priority: 1, counter_data: { packet_count: 1 }, action: { action: setPort(1) } } } }, S.INVALID_ARGUMENT, /no direct counter/],
      ['register INSERT', { type: 'INSERT', entity: { register_entry: { register_id: REG, data: { bitstring: b('01') } } } }, S.INVALID_ARGUMENT, /only MODIFY/],
      ['unknown register', { type: 'MODIFY', entity: { register_entry: { register_id: 0x16999999 } } }, S.NOT_FOUND, /no register with id/],
      ['register data not bitstring', { type: 'MODIFY', entity: { register_entry: { register_id: REG, data: { bool: true } } } }, S.INVALID_ARGUMENT, /must be a bitstring/],
      ['negative index', { type: 'MODIFY', entity: { counter_entry: { counter_id: CNT, index: { index: -1 }, data: {} } } }, S.OUT_OF_RANGE, /index -1/],
      ['multicast group 0', { type: 'INSERT', entity: { packet_replication_engine_entry: { multicast_group_entry: { multicast_group_id: 0 } } } }, S.INVALID_ARGUMENT, /multicast_group_id 0/],
      ['PRE kind unset', { type: 'INSERT', entity: { packet_replication_engine_entry: {} } }, S.INVALID_ARGUMENT, /set multicast_group_entry or clone_session_entry/],
      ['clone session out of range', { type: 'INSERT', entity: { packet_replication_engine_entry: { clone_session_entry: { session_id: 40000 } } } }, S.OUT_OF_RANGE, /1\.\.32767/],
      ['duplicate replica', { type: 'INSERT', entity: { packet_replication_engine_entry: { multicast_group_entry: { multicast_group_id: 9, replicas: [{ egress_port: 1 }, { port: b('01') }] } } } }, S.INVALID_ARGUMENT, /appears twice/],
      ['digest without config', { type: 'INSERT', entity: { digest_entry: { digest_id: DIGEST } } }, S.INVALID_ARGUMENT, /config is missing/],
      ['direct counter INSERT', { type: 'INSERT', entity: { direct_counter_entry: { table_entry: { table_id: T_EXACT } } } }, S.INVALID_ARGUMENT, /only MODIFY/],
      ['direct counter without entry', { type: 'MODIFY', entity: { direct_counter_entry: {} } }, S.INVALID_ARGUMENT, /table_entry is missing/],
      ['value set too big', { type: 'MODIFY', entity: { value_set_entry: { value_set_id: VSET, members: Array.from({ length: 5 }, (_, i) => ({ match: [{ field_id: 1, exact: { value: Buffer.from([i]) } }] })) } } }, S.RESOURCE_EXHAUSTED, /at most 4/],
      ['extern entry', { type: 'MODIFY', entity: { extern_entry: { extern_type_id: 0x81 } } }, S.UNIMPLEMENTED, /extern_entry/],
    ];
    const err = await rejection(write(...corpus.map(([, update]) => update)));
    const details = updateErrors(err);
    expect(details).toHaveLength(corpus.length);
    corpus.forEach(([name, , code, message], i) => {
      expect({ name, code: details[i].canonical_code }).toEqual({ name, code });
      expect(details[i].message, name).toMatch(message);
    });
    expect((await h.unary('Capabilities', {})).p4runtime_api_version).toBe('1.5.0');
  });

  it('survives mutated updates: every one is answered, in order, with a status', async () => {
    const valid = [
      { type: 'INSERT', entity: { table_entry: exactEntry('0000000000b1', setPort(1), { counter_data: { packet_count: 1 }, metadata: b('01') }) } },
      { type: 'MODIFY', entity: { register_entry: { register_id: REG, index: { index: 2 }, data: { bitstring: b('0102') } } } },
      { type: 'MODIFY', entity: { meter_entry: { meter_id: MTR, index: { index: 0 }, config: { cir: 1, cburst: 1, pir: 2, pburst: 2 } } } },
      { type: 'INSERT', entity: { packet_replication_engine_entry: { multicast_group_entry: { multicast_group_id: 7, replicas: [{ port: b('01'), instance: 1 }] } } } },
      { type: 'MODIFY', entity: { value_set_entry: { value_set_id: VSET, members: [{ match: [{ field_id: 1, exact: { value: b('0800') } }] }] } } },
      { type: 'INSERT', entity: { table_entry: { table_id: T_TERNARY, priority: 2, match: [{ field_id: 2, range: { low: b('01'), high: b('02') } }], action: { action: setPort(2) } } } },
    ].map((u) => encodeMessage('p4.v1.Update', u));
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const updateType = messageType('p4.v1.Update');
    for (let round = 0; round < 20; round++) {
      const updates: object[] = [];
      while (updates.length < 50) {
        const bytes = Buffer.from(valid[random(valid.length)]);
        for (let flips = 1 + random(3); flips > 0; flips--) bytes[random(bytes.length)] = random(256);
        try {
          updates.push(updateType.toObject(updateType.decode(bytes), { longs: String, enums: String, bytes: Buffer, oneofs: true }));
        } catch {
          // not a protobuf message any more: grpc-js would refuse it before the server sees it
        }
      }
      const outcome = await write(...updates).then(
        () => undefined,
        (e: grpc.ServiceError) => e,
      );
      if (outcome) {
        expect(outcome.code).toBe(grpc.status.UNKNOWN);
        const details = updateErrors(outcome);
        expect(details).toHaveLength(50);
        for (const d of details) expect(d.canonical_code === undefined || d.canonical_code !== grpc.status.INTERNAL, d.message).toBe(true);
      }
    }
    expect((await h.unary('Capabilities', {})).p4runtime_api_version).toBe('1.5.0');
    // Leave the tables as the other tests expect them.
    for (const table_id of [T_EXACT, T_TERNARY]) {
      for (const e of await h.read({ device_id: 1, entities: [{ table_entry: { table_id } }] })) {
        await write({ type: 'DELETE', entity: { table_entry: e.table_entry } });
      }
    }
  });

  it('rejects malformed requests as a whole with the right codes', async () => {
    const S = grpc.status;
    const cases: Array<[string, Promise<unknown>, number]> = [
      ['wrong device', h.unary('Write', { device_id: 7, election_id: ELECTION, updates: [] }), S.NOT_FOUND],
      ['no election id', h.unary('Write', { device_id: 1, updates: [] }), S.PERMISSION_DENIED],
      ['stale election id', h.unary('Write', { device_id: 1, election_id: { low: 3 }, updates: [] }), S.PERMISSION_DENIED],
      ['unknown role', h.unary('Write', { device_id: 1, role: 'other', election_id: ELECTION, updates: [] }), S.PERMISSION_DENIED],
      ['rollback atomicity', h.unary('Write', { device_id: 1, election_id: ELECTION, atomicity: 'ROLLBACK_ON_ERROR', updates: [] }), S.UNIMPLEMENTED],
      ['read unknown table', h.read({ device_id: 1, entities: [{ table_entry: { table_id: 5 } }] }), S.NOT_FOUND],
      ['read entity without kind', h.read({ device_id: 1, entities: [{}] }), S.INVALID_ARGUMENT],
      ['read wrong device', h.read({ device_id: 2, entities: [] }), S.NOT_FOUND],
      ['set without config', h.unary('SetForwardingPipelineConfig', { device_id: 1, election_id: ELECTION, action: 'VERIFY' }), S.INVALID_ARGUMENT],
      ['set without device config', h.unary('SetForwardingPipelineConfig', { device_id: 1, election_id: ELECTION, action: 'VERIFY', config: { p4info: {} } }), S.INVALID_ARGUMENT],
      ['get wrong device', h.unary('GetForwardingPipelineConfig', { device_id: 3 }), S.NOT_FOUND],
    ];
    for (const [name, call, code] of cases) expect({ name, code: (await rejection(call)).code }).toEqual({ name, code });
    // Bytes that are not a protobuf message at all.
    const garbage = await rejection(
      new Promise((resolve, reject) =>
        h.client.makeUnaryRequest('/p4.v1.P4Runtime/Write', (x: Buffer) => x, (x: Buffer) => x, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), (e: Error | null, r?: unknown) => (e ? reject(e) : resolve(r))),
      ),
    );
    expect(garbage.code).not.toBe(S.OK);
    expect((await h.unary('Capabilities', {})).p4runtime_api_version).toBe('1.5.0');
    expect(primary.ended).toBeUndefined();
  });
});
