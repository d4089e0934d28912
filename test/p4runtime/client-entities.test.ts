// Every entity type written over real gRPC to R1's server on S1's engine,
// read back, and exercised by a packet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Switch } from '../../kernel-lib/p4runtime/client/index.js';
import { P4RuntimeNameError, P4RuntimeValueError, P4RuntimeWriteError } from '../../kernel-lib/p4runtime/errors.js';
import { bmv2, ipv4Frame, p4info } from './client-program.js';
import { TestSwitch } from './client-harness.js';

const ts = new TestSwitch();
let sw: Switch;

beforeAll(async () => {
  await ts.start();
  sw = await Switch.connect(ts.address, { deviceId: 1, electionId: 1, name: 's1' });
  await sw.push({ p4info, bmv2 });
});

afterAll(async () => {
  await sw?.close();
  ts.stop();
});

const route = { match: { 'hdr.ipv4.dstAddr': '10.0.1.0/24' }, action: 'MyIngress.ipv4_forward', params: { dstAddr: '00:00:00:00:01:02', port: 2 } };

describe('tables', () => {
  it('inserts by name, reads back, and the entry forwards packets', async () => {
    expect(sw.isPrimary).toBe(true);
    await sw.tables['MyIngress.ipv4_lpm']!.insert(route);
    const [entry] = await sw.tables.ipv4_lpm!.read();
    expect(entry).toMatchObject({
      table: 'MyIngress.ipv4_lpm',
      match: { 'hdr.ipv4.dstAddr': { kind: 'lpm', value: 0x0a000100n, prefixLen: 24 } },
      action: 'MyIngress.ipv4_forward',
      params: { dstAddr: 0x102n, port: 2n },
    });
    const out = ts.inject(1, ipv4Frame('10.0.1.9'));
    expect(out.map((p) => p.port)).toEqual([2]);
    expect(out[0]!.data.subarray(0, 6).toString('hex')).toBe('000000000102');
  });

  it('modifies, reads the direct counter, sets the default action and deletes', async () => {
    const t = sw.table('ipv4_lpm');
    await t.modify({ ...route, params: { dstAddr: '00:00:00:00:01:03', port: 3 } });
    expect(ts.inject(1, ipv4Frame('10.0.1.9')).map((p) => p.port)).toEqual([3]);
    expect((await t.readCounter({ match: route.match })).packets).toBe(2n);
    await t.writeCounter({ match: route.match }, { packets: 0, bytes: 0 });
    expect(await t.readCounter({ match: route.match })).toEqual({ bytes: 0n, packets: 0n });

    await t.setDefault('ipv4_forward', { dstAddr: '00:00:00:00:00:09', port: 9 });
    expect((await t.getDefault()).action).toBe('MyIngress.ipv4_forward');
    expect(ts.inject(1, ipv4Frame('10.9.9.9')).map((p) => p.port)).toEqual([9]);
    await t.resetDefault();
    expect(ts.inject(1, ipv4Frame('10.9.9.9'))).toEqual([]);

    await t.delete({ match: route.match });
    expect(await t.read()).toEqual([]);
    expect(ts.inject(1, ipv4Frame('10.0.1.9'))).toEqual([]);
  });

  it('writes batches; a failed update is reported with its index, entity and code', async () => {
    const t = sw.table('ipv4_lpm');
    const specs = Array.from({ length: 100 }, (_, i) => ({ match: { 'hdr.ipv4.dstAddr': `10.1.${i}.0/24` }, action: 'drop' }));
    await t.insert(specs);
    expect((await t.read()).length).toBe(100);
    const err = await sw
      .write([t.update('INSERT', { match: { dstAddr: '10.2.0.0/16' }, action: 'drop' }), t.update('INSERT', specs[5]!)])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(P4RuntimeWriteError);
    const failures = (err as P4RuntimeWriteError).failures;
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ index: 1, type: 'INSERT', code: 'ALREADY_EXISTS' });
    expect(failures[0]!.entity).toContain('MyIngress.ipv4_lpm');
    expect(failures[0]!.entity).toContain('10.1.5.0/24');
    expect(await t.read((e) => e.match['hdr.ipv4.dstAddr']?.kind === 'lpm' && e.match['hdr.ipv4.dstAddr'].prefixLen === 16)).toHaveLength(1);
    expect(await t.clear()).toBe(101);
  });

  it('a batch larger than one Write is split; failures keep their index in the whole batch', async () => {
    const t = sw.table('ipv4_lpm');
    const specs = Array.from({ length: 900 }, (_, i) => ({ match: { dstAddr: `11.${i >> 8}.${i & 255}.0/24` }, action: 'drop' }));
    specs[500] = specs[10]!;
    specs[800] = specs[20]!;
    const err = (await t.insert(specs).catch((e: unknown) => e)) as P4RuntimeWriteError;
    expect(err).toBeInstanceOf(P4RuntimeWriteError);
    expect(err.total).toBe(900);
    // Which copy of a duplicate wins depends on the order the Writes land; the indexes name the batch positions.
    expect(err.failures).toHaveLength(2);
    for (const f of err.failures) expect([10, 20, 500, 800]).toContain(f.index);
    expect((await t.read()).length).toBe(898);
    expect(await t.clear()).toBe(898);
  });

  it('a failure names the field the switch complained about', async () => {
    // Built by hand: the client itself masks host bits, so only a raw entity reaches the switch with them.
    const info = sw.index.table('ipv4_lpm');
    const err = (await sw
      .write([{ type: 'INSERT', entity: { table_entry: { table_id: info.table.preamble.id, match: [{ field_id: 1, lpm: { value: Buffer.from([10, 0, 1, 5]), prefix_len: 24 } }], action: { action: { action_id: info.actions.get('drop').preamble.id } } } } }])
      .catch((e: unknown) => e)) as P4RuntimeWriteError;
    expect(err).toBeInstanceOf(P4RuntimeWriteError);
    expect(err.failures[0]).toMatchObject({ index: 0, code: 'INVALID_ARGUMENT', field: 'hdr.ipv4.dstAddr' });
    expect(err.message).toMatch(/#0 INSERT table MyIngress\.ipv4_lpm \{hdr\.ipv4\.dstAddr=10\.0\.1\.5\/24\} \(hdr\.ipv4\.dstAddr\): INVALID_ARGUMENT: .*beyond the \/24 prefix/);
  });

  it('ternary tables need a priority', async () => {
    await expect(sw.table('acl').insert({ match: { etherType: '0x0800 &&& 0xffff' }, action: 'learn' })).rejects.toThrow(/priority > 0/);
  });

  it('bad names and values fail before anything is sent, naming the place', () => {
    expect(() => sw.table('ipv4_lpn')).toThrow(P4RuntimeNameError);
    expect(() => sw.table('ipv4_lpn')).toThrow(/no table named 'ipv4_lpn'/);
    try {
      sw.table('ipv4_lpn');
    } catch (e) {
      expect((e as P4RuntimeNameError).hint).toContain("did you mean 'MyIngress.ipv4_lpm'");
    }
    const t = sw.table('ipv4_lpm');
    expect(() => t.update('INSERT', { match: { 'hdr.ipv4.dstAddr': '10.0.1.0/40' }, action: 'drop' })).toThrow(
      /table MyIngress\.ipv4_lpm, field hdr\.ipv4\.dstAddr \(lpm, 32 bits\): '10\.0\.1\.0\/40' is not valid/,
    );
    expect(() => t.update('INSERT', { ...route, params: { dstAddr: '00:00:00:00:01:02', port: 600 } })).toThrow(P4RuntimeValueError);
    expect(() => t.update('INSERT', { ...route, params: { dstAddr: '00:00:00:00:01:02', port: 600 } })).toThrow(
      /table MyIngress\.ipv4_lpm, action MyIngress\.ipv4_forward, param port: 600 is not valid: expected a value that fits in 9 bits/,
    );
    expect(() => t.update('INSERT', { ...route, params: { dstAddr: '00:00:00:00:01:02' } })).toThrow(/param port: undefined is not valid: expected a value of 9 bits/);
    expect(() => t.update('INSERT', { ...route, params: { dmac: 1, port: 1 } })).toThrow(/has no parameter 'dmac'/);
    expect(() => t.update('INSERT', { ...route, action: 'clone_it' })).toThrow(/no action of table MyIngress\.ipv4_lpm named 'clone_it'/);
    expect(() => t.update('INSERT', { match: { 'hdr.ipv4.srcAddr': '1.2.3.4' }, action: 'drop' })).toThrow(/no match field of table MyIngress\.ipv4_lpm named 'hdr\.ipv4\.srcAddr'/);
  });
});

describe('registers, counters, meters', () => {
  it('reads what packets wrote, writes single cells and ranges, resets', async () => {
    const reg = sw.registers.pkt_count!;
    const before = await reg.read(5);
    ts.inject(5, ipv4Frame('10.0.0.9'));
    ts.inject(5, ipv4Frame('10.0.0.9'));
    expect(await reg.read(5)).toBe(before + 2n);
    await reg.write(3, 0xdeadbeefn);
    await reg.write({ from: 8, to: 10 }, '7');
    expect(await reg.readRange({ from: 7, to: 11 })).toEqual([0n, 7n, 7n, 7n, 0n]);
    const all = await reg.readRange();
    expect(all).toHaveLength(16);
    expect(all[3]).toBe(0xdeadbeefn);
    await reg.reset();
    expect((await reg.readRange()).every((v) => v === 0n)).toBe(true);
    await expect(reg.write(16, 1)).rejects.toThrow(/register MyIngress\.pkt_count, index: 16 is not valid: expected an integer in 0\.\.15/);
    await expect(reg.write(1, 2n ** 32n)).rejects.toThrow(/fits in 32 bits/);
  });

  it('counts packets per port in an indexed counter', async () => {
    const c = sw.counter('port_counter');
    await c.write(6, { packets: 0, bytes: 0 });
    const frame = ipv4Frame('10.0.0.9');
    ts.inject(6, frame);
    expect(await c.read(6)).toEqual({ packets: 1n, bytes: BigInt(frame.length) });
    const all = await c.read();
    expect(all).toHaveLength(16);
    expect(all[6]!.packets).toBe(1n);
    await c.reset();
    expect((await c.read(6)).packets).toBe(0n);
  });

  it('configures and reads meters', async () => {
    const m = sw.meter('port_meter');
    await m.set(2, { cir: 100, cburst: 10, pir: 200, pburst: 20 });
    expect(await m.read(2)).toEqual({ cir: 100n, cburst: 10n, pir: 200n, pburst: 20n });
    await m.set(2, undefined);
    expect(await m.read(2)).toBeUndefined();
  });

  it('configures the direct meter of a table entry', async () => {
    const acl = sw.table('acl');
    const key = { match: { etherType: '0x86dd &&& 0xffff' }, priority: 5 };
    await acl.insert({ ...key, action: 'NoAction' });
    expect(await acl.readMeter(key)).toBeUndefined();
    await acl.setMeter(key, { cir: 1000, cburst: 100, pir: 2000, pburst: 200 });
    expect(await acl.readMeter(key)).toEqual({ cir: 1000n, cburst: 100n, pir: 2000n, pburst: 200n });
    await acl.delete(key);
  });
});

describe('packet replication', () => {
  it('multicast groups replicate to their ports', async () => {
    await sw.multicastGroups.insert(5, [2, { port: 3, instance: 1 }]);
    expect((await sw.multicastGroups.read()).get(5)).toEqual([{ port: 2, instance: 0 }, { port: 3, instance: 1 }]);
    await sw.table('ipv4_lpm').insert({ match: { dstAddr: '10.5.0.0/16' }, action: 'set_mcast', params: { grp: 5 } });
    expect(ts.inject(1, ipv4Frame('10.5.1.1')).map((p) => p.port).sort()).toEqual([2, 3]);
    await sw.multicastGroups.modify(5, [4]);
    expect(ts.inject(1, ipv4Frame('10.5.1.1')).map((p) => p.port)).toEqual([4]);
    await sw.multicastGroups.delete(5);
    expect((await sw.multicastGroups.read()).size).toBe(0);
  });

  it('clone sessions copy packets to their port', async () => {
    await sw.cloneSessions.insert(7, { replicas: [4] });
    expect(await sw.cloneSessions.read()).toEqual([{ session: 7, replicas: [{ port: 4, instance: 0 }], classOfService: 0, packetLengthBytes: 0 }]);
    await sw.table('ipv4_lpm').insert({ ...route, match: { dstAddr: '10.7.0.0/16' } });
    await sw.table('acl').insert({ match: { etherType: '0x0800 &&& 0xffff' }, action: 'clone_it', params: { session: 7 }, priority: 10 });
    expect(ts.inject(1, ipv4Frame('10.7.0.1')).map((p) => p.port).sort()).toEqual([2, 4]);
    await sw.table('acl').clear();
    await sw.cloneSessions.delete(7);
  });
});

describe('stream: packet-in, packet-out, digests, idle timeouts', () => {
  it('packet-in carries the packet_in fields by name', async () => {
    await sw.table('ipv4_lpm').insert({ match: { dstAddr: '10.64.0.0/16' }, action: 'to_cpu' });
    const frame = ipv4Frame('10.64.0.1');
    ts.inject(7, frame);
    const it = sw.packets()[Symbol.asyncIterator]();
    const { value } = await it.next();
    expect(value.metadata.ingress_port).toBe(7n);
    expect(Buffer.compare(value.payload, Buffer.from(frame))).toBe(0);
  });

  it('packet-out fills packet_out by name and leaves on that port', async () => {
    const frame = ipv4Frame('10.99.0.1');
    const before = ts.sent.length;
    sw.packetOut(frame, { egress_port: 3 });
    await until(() => ts.sent.length > before, () => ts.dataplane.service());
    expect(ts.sent[before]!.port).toBe(3);
    expect(Buffer.compare(ts.sent[before]!.data, Buffer.from(frame))).toBe(0);
    expect(() => sw.packetOut(frame, { port: 3 })).toThrow(/packet_out has no field 'port'/);
  });

  it('digests arrive decoded by field name and are acknowledged', async () => {
    await sw.configureDigest('mac_learn_digest_t', { maxListSize: 1, maxTimeoutNs: 0 });
    await sw.table('acl').insert({ match: { etherType: '0x0800 &&& 0xffff' }, action: 'learn', priority: 1 });
    ts.inject(9, ipv4Frame('10.0.0.9', '10.0.0.1', '00:00:00:00:aa:bb'));
    const it = sw.digests()[Symbol.asyncIterator]();
    const { value } = await it.next();
    expect(value.digest).toBe('mac_learn_digest_t');
    expect(value.data).toEqual([{ srcAddr: 0xaabbn, ingress_port: 9n }]);
    await sw.table('acl').clear();
  });

  it('idle entries are reported', async () => {
    const t = sw.table('ipv4_lpm');
    await t.insert({ match: { dstAddr: '10.77.0.0/16' }, action: 'drop', idleTimeoutNs: 1_000_000 });
    const [view] = await t.read((e) => e.match['hdr.ipv4.dstAddr']?.kind === 'lpm' && e.match['hdr.ipv4.dstAddr'].value === 0x0a4d0000n);
    expect(view!.idleTimeoutNs).toBe(1_000_000n);
    ts.nowNs += 10_000_000n;
    ts.dataplane.checkIdleTimeouts();
    const { value } = await sw.idleTimeouts()[Symbol.asyncIterator]().next();
    expect(value.entries[0]).toMatchObject({ table: 'MyIngress.ipv4_lpm', match: { 'hdr.ipv4.dstAddr': { value: 0x0a4d0000n, prefixLen: 16 } } });
  });

  it('two switches from one program do not share state', async () => {
    const other = await new TestSwitch().start();
    const sw2 = await Switch.connect(other.address, { deviceId: 1, name: 's2' });
    try {
      await sw2.push({ p4info, bmv2 });
      expect(await sw2.table('ipv4_lpm').read()).toEqual([]);
      expect((await sw.table('ipv4_lpm').read()).length).toBeGreaterThan(0);
    } finally {
      await sw2.close();
      other.stop();
    }
  });
});

/** Polls `done`, stepping `step`, on the event loop (no wall-clock assertion). */
async function until(done: () => boolean, step: () => void): Promise<void> {
  while (!done()) {
    step();
    await new Promise((r) => setImmediate(r));
  }
}

