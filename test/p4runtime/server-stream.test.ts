// The StreamChannel over real gRPC and the real dataplane: arbitration between
// controllers, packet-out → packet-in through a CPU-reflecting program,
// digests with batching and acks, idle-timeout notifications, stream errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { fixture, rejection, startServer, type Controller, type Harness } from './server-harness.js';

const b = (hex: string) => Buffer.from(hex, 'hex');
const T_EXACT = 0x02000002;
const A_TO_CPU = 0x01000003;
const DIGEST = 0x17000001;
const features = fixture('p4rt_features');

let h: Harness;
let clockNs = 0n;

const election = (id: number) => ({ high: 0, low: id });

function write(electionId: number, ...updates: object[]) {
  return h.unary('Write', { device_id: 1, election_id: election(electionId), updates });
}

function frame(dst: string, src: string, etherType: string): Buffer {
  return Buffer.concat([b(dst), b(src), b(etherType), Buffer.alloc(46)]);
}

function inject(port: number, packet: Buffer): void {
  h.dataplane.receive(port, packet);
  h.dataplane.service();
}

beforeAll(async () => {
  h = await startServer({ now: () => clockNs });
});

afterAll(async () => {
  await h?.close();
});

describe('P4Runtime server: arbitration', () => {
  let a: Controller;
  let bb: Controller;

  it('makes the highest election id primary and tells the others', async () => {
    a = await h.controller();
    const first = await a.arbitrate(1);
    expect(first).toMatchObject({ device_id: '1', election_id: { high: '0', low: '1' }, status: { code: grpc.status.OK } });
    bb = await h.controller();
    expect((await bb.arbitrate(2)).status.code).toBe(grpc.status.OK);
    const demoted = await a.next('arbitration');
    expect(demoted).toMatchObject({ election_id: { low: '2' }, status: { code: grpc.status.ALREADY_EXISTS } });
  });

  it('lets only the primary set the pipeline and write', async () => {
    const denied = await rejection(
      h.unary('SetForwardingPipelineConfig', { device_id: 1, election_id: election(1), action: 'VERIFY_AND_COMMIT', config: { p4info: features.p4info, p4_device_config: features.json } }),
    );
    expect(denied.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(denied.details).toMatch(/election_id 1 is not the primary's \(2\)/);
    await h.unary('SetForwardingPipelineConfig', { device_id: 1, election_id: election(2), action: 'VERIFY_AND_COMMIT', config: { p4info: features.p4info, p4_device_config: features.json } });
    expect((await rejection(write(1))).code).toBe(grpc.status.PERMISSION_DENIED);
    await write(2);
  });

  it('ends a stream that reuses an election id or names another device', async () => {
    const dup = await h.controller();
    dup.send({ arbitration: { device_id: 1, election_id: election(2) } });
    expect(await dup.status()).toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    const wrong = await h.controller();
    wrong.send({ arbitration: { device_id: 9, election_id: election(5) } });
    const status = await wrong.status();
    expect(status.code).toBe(grpc.status.NOT_FOUND);
    expect(status.details).toMatch(/device_id 9 is not this switch/);
  });

  it('keeps roles apart and treats a stream without election id as a backup', async () => {
    const other = await h.controller();
    expect((await other.arbitrate(1, 'monitor')).status.code).toBe(grpc.status.OK);
    const observer = await h.controller();
    observer.send({ arbitration: { device_id: 1 } });
    expect((await observer.next('arbitration')).status.code).toBe(grpc.status.ALREADY_EXISTS);
    other.end();
    observer.end();
  });

  it('fails over to the next controller when the primary leaves', async () => {
    bb.end();
    expect(await a.next('arbitration')).toMatchObject({ election_id: { low: '1' }, status: { code: grpc.status.OK } });
    await write(1);
    a.end();
  });

  it('counts packet-ins it cannot deliver for want of a primary', async () => {
    // The server drops the stream when the end arrives; wait for it by asking.
    while ((await write(1).then(() => grpc.status.OK, (e: grpc.ServiceError) => e.code)) !== grpc.status.PERMISSION_DENIED);
    const before = h.handle.packetInDrops();
    h.dataplane.injectFromCpu(Buffer.concat([b('0280'), frame('ffffffffffff', '000000000001', '0801')]));
    h.dataplane.service();
    expect(h.handle.packetInDrops()).toBe(before + 1);
  });
});

describe('P4Runtime server: packet I/O', () => {
  let primary: Controller;
  let backup: Controller;

  beforeAll(async () => {
    backup = await h.controller(20);
    primary = await h.controller(30);
    await backup.next('arbitration'); // demoted by the primary's arrival
  });

  afterAll(() => {
    primary.end();
    backup.end();
  });

  it('reflects a PacketOut back as a PacketIn with its metadata', async () => {
    const payload = Buffer.concat([b('ffffffffffff'), b('000000000042'), b('88b6'), Buffer.from('hello p4lab')]);
    primary.send({ packet: { payload, metadata: [{ metadata_id: 1, value: b('05') }, { metadata_id: 2, value: b('00') }] } });
    const packetIn = await primary.next('packet');
    expect(packetIn.payload).toEqual(payload);
    expect(packetIn.metadata).toEqual([{ metadata_id: 1, value: b('05') }, { metadata_id: 2, value: b('02') }]);
  });

  it('sends packets the pipeline punts to the primary', async () => {
    const entry = { table_id: T_EXACT, match: [{ field_id: 1, exact: { value: b('00000000cafe') } }], action: { action: { action_id: A_TO_CPU } } };
    await write(30, { type: 'INSERT', entity: { table_entry: entry } });
    const packet = frame('00000000cafe', '000000000001', '0801');
    inject(3, packet);
    const packetIn = await primary.next('packet');
    expect(packetIn.metadata).toEqual([{ metadata_id: 1, value: b('03') }, { metadata_id: 2, value: b('01') }]);
    expect(packetIn.payload).toEqual(packet);
    await write(30, { type: 'DELETE', entity: { table_entry: entry } });
  });

  it('answers bad stream messages with a StreamError and keeps the stream open', async () => {
    backup.send({ packet: { payload: b('00'), metadata: [] } });
    const denied = await backup.next('error');
    expect(denied).toMatchObject({ canonical_code: grpc.status.PERMISSION_DENIED, details: 'packet_out' });

    primary.send({ packet: { payload: b('00'), metadata: [{ metadata_id: 1, value: b('05') }] } });
    const missing = await primary.next('error');
    expect(missing.canonical_code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(missing.message).toMatch(/packet_out metadata _pad \(id 2\) is missing/);
    expect(missing.packet_out.packet_out.payload).toEqual(b('00'));

    primary.send({ packet: { payload: b('00'), metadata: [{ metadata_id: 1, value: b('0200') }, { metadata_id: 2, value: b('00') }] } });
    expect((await primary.next('error')).canonical_code).toBe(grpc.status.OUT_OF_RANGE);

    primary.send({});
    expect((await primary.next('error')).canonical_code).toBe(grpc.status.INVALID_ARGUMENT);
    primary.send({ other: { type_url: 'type.googleapis.com/x.Y', value: b('') } });
    expect((await primary.next('error')).canonical_code).toBe(grpc.status.UNIMPLEMENTED);

    const fresh = await h.controller();
    fresh.send({ packet: { payload: b('00') } });
    expect((await fresh.next('error')).canonical_code).toBe(grpc.status.FAILED_PRECONDITION);
    fresh.end();

    primary.send({ packet: { payload: b('abcd'), metadata: [{ metadata_id: 1, value: b('07') }, { metadata_id: 2, value: b('00') }] } });
    expect((await primary.next('packet')).payload).toEqual(b('abcd'));
    expect(primary.ended).toBeUndefined();
  });
});

describe('P4Runtime server: digests and idle timeouts', () => {
  let primary: Controller;

  beforeAll(async () => {
    primary = await h.controller(40);
  });

  afterAll(() => primary.end());

  const learn = (src: string, port: number) => inject(port, frame('0000000000f0', src, '0801')); // table miss → learn

  it('batches digests, suppresses repeats until acked, and checks acks', async () => {
    learn('000000000099', 1); // not configured yet: never streamed
    const config = { max_timeout_ns: '60000000000', max_list_size: 2, ack_timeout_ns: '60000000000' };
    await write(40, { type: 'INSERT', entity: { digest_entry: { digest_id: DIGEST, config } } });
    learn('000000000001', 1);
    learn('000000000001', 1); // same data while the first waits: suppressed
    learn('000000000002', 2);
    const list = await primary.next('digest');
    expect(list.digest_id).toBe(DIGEST);
    expect(list.data).toEqual([
      { struct: { members: [{ bitstring: b('01'), data: 'bitstring' }, { bitstring: b('01'), data: 'bitstring' }] }, data: 'struct' },
      { struct: { members: [{ bitstring: b('02'), data: 'bitstring' }, { bitstring: b('02'), data: 'bitstring' }] }, data: 'struct' },
    ]);
    primary.send({ digest_ack: { digest_id: DIGEST, list_id: list.list_id } });
    primary.send({ digest_ack: { digest_id: DIGEST, list_id: '999' } });
    const bad = await primary.next('error');
    expect(bad).toMatchObject({ canonical_code: grpc.status.NOT_FOUND, details: 'digest_list_ack' });
    learn('000000000001', 1); // acked: may be reported again
    learn('000000000003', 3);
    const next = await primary.next('digest');
    expect(BigInt(next.list_id)).toBeGreaterThan(BigInt(list.list_id));
    expect(next.data.map((d: any) => d.struct.members[0].bitstring)).toEqual([b('01'), b('03')]);
  });

  it('sends a partial list once max_timeout_ns has passed', async () => {
    await write(40, { type: 'MODIFY', entity: { digest_entry: { digest_id: DIGEST, config: { max_timeout_ns: '1000000', max_list_size: 100 } } } });
    learn('000000000007', 1);
    const list = await primary.next('digest');
    expect(list.data).toHaveLength(1);
    await write(40, { type: 'DELETE', entity: { digest_entry: { digest_id: DIGEST } } });
  });

  it('notifies the primary of idle entries and reports time since last hit', async () => {
    const entry = { table_id: T_EXACT, match: [{ field_id: 1, exact: { value: b('0000000000e1') } }], idle_timeout_ns: '1000000', action: { action: { action_id: A_TO_CPU } } };
    await write(40, { type: 'INSERT', entity: { table_entry: entry } });
    clockNs += 2_000_000n;
    h.dataplane.checkIdleTimeouts();
    const notification = await primary.next('idle_timeout_notification');
    expect(notification.table_entry).toEqual([{ table_id: T_EXACT, match: [{ field_id: 1, exact: { value: b('e1') }, field_match_type: 'exact' }], idle_timeout_ns: '1000000' }]);
    const [read] = await h.read({ device_id: 1, entities: [{ table_entry: { table_id: T_EXACT, time_since_last_hit: {} } }] });
    expect(read.table_entry.time_since_last_hit).toEqual({ elapsed_ns: '2000000' });
    expect(read.table_entry.idle_timeout_ns).toBe('1000000');
  });
});

describe('P4Runtime server: shutdown', () => {
  it('ends open streams with UNAVAILABLE when closed', async () => {
    const c = await h.controller(50);
    h.handle.close();
    const status = await c.status();
    expect(status.code).toBe(grpc.status.UNAVAILABLE);
  });
});
