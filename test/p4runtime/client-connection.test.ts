// Connection behaviour over real gRPC: arbitration between controllers,
// fail-over, reconnection after the switch restarts, pipeline save/commit,
// event logging, and the errors a user sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from '../../kernel-lib/events/index.js';
import { Switch } from '../../kernel-lib/p4runtime/client/index.js';
import { P4RuntimeArbitrationError, P4RuntimeConnectionError, P4RuntimeRpcError } from '../../kernel-lib/p4runtime/errors.js';
import { bmv2, ipv4Frame, p4info } from './client-program.js';
import { TestSwitch } from './client-harness.js';

const ts = new TestSwitch();
const open: Switch[] = [];

async function connect(options: Parameters<typeof Switch.connect>[1] = {}): Promise<Switch> {
  const sw = await Switch.connect(ts.address, { deviceId: 1, ...options });
  open.push(sw);
  return sw;
}

beforeAll(async () => {
  await ts.start();
});

afterAll(async () => {
  for (const sw of open) await sw.close();
  ts.stop();
});

const route = (net: string, port: number) => ({ match: { dstAddr: net }, action: 'ipv4_forward', params: { dstAddr: '00:00:00:00:01:02', port } });

describe('arbitration', () => {
  it('the highest election id is primary; a backup is refused with PERMISSION_DENIED; fail-over when the primary leaves', async () => {
    const low = await connect({ electionId: 5, name: 'low' });
    expect(low.isPrimary).toBe(true);
    await low.push({ p4info, bmv2 });
    const high = await connect({ electionId: 10, name: 'high' });
    expect(high.isPrimary).toBe(true);
    const err = await low.table('ipv4_lpm').insert(route('10.0.1.0/24', 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(P4RuntimeArbitrationError);
    expect((err as Error).message).toMatch(/Write refused/);
    // The switch announced the new primary on low's stream before it answered low's Write.
    expect(low.isPrimary).toBe(false);
    await high.table('ipv4_lpm').insert(route('10.0.2.0/24', 2));
    // Backups may read.
    expect(await low.table('ipv4_lpm').read()).toHaveLength(1);

    await high.close();
    await low.waitForPrimary();
    expect(low.isPrimary).toBe(true);
    await low.table('ipv4_lpm').insert(route('10.0.1.0/24', 1));
    expect(await low.table('ipv4_lpm').read()).toHaveLength(2);
  });

  it('each role has its own primary', async () => {
    const a = await connect({ electionId: 3, role: 'monitor' });
    const b = await connect({ electionId: 2, role: 'routing' });
    expect(a.isPrimary).toBe(true);
    expect(b.isPrimary).toBe(true);
  });

  it('refuses a wrong device id with a clear error', async () => {
    const err = await Switch.connect(ts.address, { deviceId: 99 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(P4RuntimeArbitrationError);
    expect((err as Error).message).toMatch(/device_id 99/);
  });

  it('reports an unreachable switch after the timeout', async () => {
    const err = await Switch.connect('127.0.0.1:1', { connectTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(P4RuntimeConnectionError);
    expect((err as P4RuntimeConnectionError).describe()).toMatch(/switch 127\.0\.0\.1:1: not reachable within 300 ms\n {2}fix: start the switch first/);
  });
});

describe('pipeline', () => {
  it('save, write into the saved program, commit: the entries run; events are logged', async () => {
    const events = new EventLog();
    const sw = await connect({ electionId: 20, name: 's1', events });
    await sw.push({ p4info, bmv2: { ...bmv2, program: 'first.p4' } });
    await sw.table('ipv4_lpm').insert(route('10.0.1.0/24', 1));

    await sw.save({ p4info, bmv2 });
    await sw.table('ipv4_lpm').insert(route('10.0.1.0/24', 3));
    await sw.register('pkt_count').write(2, 42);
    // Until the commit, packets still run on the old program.
    expect(ts.inject(2, ipv4Frame('10.0.1.1')).map((p) => p.port)).toEqual([1]);
    await sw.commit();
    expect(ts.inject(2, ipv4Frame('10.0.1.1')).map((p) => p.port)).toEqual([3]);
    expect(await sw.register('pkt_count').read(2)).toBe(43n);

    const pipeline = await sw.getPipeline();
    expect(pipeline.p4info?.tables?.[0]?.preamble.name).toBe('MyIngress.ipv4_lpm');
    expect(JSON.parse(pipeline.deviceConfig!.toString()).program).toBe('rt_all.p4');
    expect(typeof pipeline.cookie).toBe('bigint');

    expect(events.events.map((e) => e.kind)).toEqual(['pipeline_commit', 'table_write', 'pipeline_save', 'table_write', 'register_write', 'pipeline_commit']);
    expect(events.events[1]!.detail).toEqual({ device: 's1', table: 'MyIngress.ipv4_lpm', op: 'insert', entries: 1 });
    await expect(sw.commit()).rejects.toThrow(P4RuntimeRpcError);
    await expect(sw.commit()).rejects.toThrow(/FAILED_PRECONDITION/);
  });

  it('pushing the program the switch already runs changes nothing', async () => {
    const sw = await connect({ electionId: 22 });
    await sw.push({ p4info, bmv2 });
    await sw.table('ipv4_lpm').clear();
    await sw.table('ipv4_lpm').insert(route('10.22.0.0/16', 2));
    await sw.push({ p4info, bmv2 });
    expect(await sw.table('ipv4_lpm').read()).toHaveLength(1);
    await sw.push({ p4info, bmv2: JSON.stringify({ ...bmv2, program: 'other.p4' }) });
    expect(await sw.table('ipv4_lpm').read()).toHaveLength(0);
  });

  it('refuses a broken program with the switch reason', async () => {
    const sw = await connect({ electionId: 23 });
    await expect(sw.push({ p4info, bmv2: '{"not": "bmv2"}' })).rejects.toThrow(/SetForwardingPipelineConfig VERIFY_AND_COMMIT failed: INVALID_ARGUMENT/);
  });

  it('without a program, the client says so', async () => {
    const fresh = await new TestSwitch().start();
    const sw = await Switch.connect(fresh.address, { deviceId: 1 });
    try {
      expect(() => sw.table('ipv4_lpm')).toThrow(/has no program loaded/);
    } finally {
      await sw.close();
      fresh.stop();
    }
  });
});

describe('reconnection', () => {
  it('after the switch restarts, the client reconnects and re-runs onReady', async () => {
    let readies = 0;
    let reconnected: () => void = () => undefined;
    const sw = await connect({
      electionId: 30,
      onReady: async (s) => {
        readies++;
        await s.push({ p4info, bmv2 });
        await s.table('ipv4_lpm').insert(route('10.30.0.0/16', 5));
        if (readies > 1) reconnected();
      },
    });
    expect(readies).toBe(1);
    const again = new Promise<void>((resolve) => (reconnected = resolve));
    await ts.restart();
    await again;
    expect(readies).toBe(2);
    expect(sw.connected).toBe(true);
    expect(sw.isPrimary).toBe(true);
    expect(ts.inject(1, ipv4Frame('10.30.1.1')).map((p) => p.port)).toEqual([5]);
  });
});
